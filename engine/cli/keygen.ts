// `kith-edge tools keygen` (CONFIG.md §2.5): the public key of a user (a community-file user line)
// or of a federation (an `auth.pubkey=` line), in n3n's exact output format.
import { encodeAsciiKey } from '../crypto/ascii-key.js';
import { edgePrivateKey, federationPrivateKey, publicKeyOf } from '../crypto/user-password.js';
import type { CommandHandler } from './daemon-cli.js';

const USAGE = `usage: tools keygen <username> <password>
     or tools keygen <federation name>

  The first form prints a line for the supernode's community file,
  the second the auth.pubkey setting edges need to check the federation.
`;

function publicKeyText(privateKey: Uint8Array): string {
  const publicKey = publicKeyOf(privateKey);
  if (!publicKey.ok) throw new Error('X25519 failed on a hashed key');
  return encodeAsciiKey(publicKey.value);
}

export const keygenCommand: CommandHandler = ({ args, output }) => {
  const [first, second] = args;
  if (first === undefined || args.length > 2) {
    output.err(USAGE);
    return 1;
  }
  if (second === undefined) output.out(`auth.pubkey=${publicKeyText(federationPrivateKey(first))}\n`);
  else output.out(`* ${first} ${publicKeyText(edgePrivateKey(first, second))}\n`);
  return 0;
};
