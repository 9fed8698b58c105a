// The edge's side of authentication (PROTOCOL.md §7): the simple-id token (the session's own, kept
// across restarts by session-identity.ts, or drawn once per process),
// or user/password (§7.3.2, §7.3.4): a fresh challenge per REGISTER_SUPER, the appended trailer,
// and the dynamic key unwrapped from the supernode's answer.
import { randomBytes } from '../../crypto/random.js';
import type { SpeckKeySchedule } from '../../crypto/speck.js';
import { edgeAuthToken, edgePrivateKey, publicKeyOf, sharedSecret, tokenCipher, unwrapDynamicKey } from '../../crypto/user-password.js';
import { AuthScheme } from '../../protocol/index.js';
import type { Auth } from '../../protocol/index.js';
import { err, ok } from '../../../shared/result.js';
import type { Result } from '../../../shared/result.js';
import type { UserPasswordSettings } from '../settings.js';

export type AnswerError = 'bad-token-size' | 'challenge-mismatch';

export interface EdgeAuth {
  readonly scheme: number;
  /** Auth block for a REGISTER_SUPER; user/password draws (and remembers) a fresh challenge. */
  registerAuth(): Auth;
  /** Auth block for an UNREGISTER_SUPER (user/password: its own fresh challenge, §4.5). */
  unregisterAuth(): Auth;
  /** The trailer cipher of user/password mode (§7.3.2), undefined otherwise. */
  readonly trailerCipher: SpeckKeySchedule | undefined;
  /**
   * Checks the answer of a REGISTER_SUPER_ACK: ok(dynamic key) in user/password mode, ok(undefined)
   * otherwise. An error means "ignore the ACK" (§7.3.4 step 3, typically a wrong federation key).
   */
  acceptAnswer(auth: Auth): Result<Uint8Array | undefined, AnswerError>;
}

export const SIMPLE_ID_TOKEN_SIZE = 16;
const CHALLENGE_SIZE = 16;

/** §7.2: one 16-byte token, the same for every registration of this edge. */
function simpleIdAuth(token: Uint8Array): EdgeAuth {
  const auth: Auth = { scheme: AuthScheme.SimpleId, token };
  return {
    scheme: AuthScheme.SimpleId,
    registerAuth: () => auth,
    unregisterAuth: () => auth,
    trailerCipher: undefined,
    acceptAnswer: () => ok(undefined),
  };
}

function userPasswordAuth(settings: UserPasswordSettings): Result<EdgeAuth, 'bad-key'> {
  const privateKey = edgePrivateKey(settings.username, settings.password);
  const publicKey = publicKeyOf(privateKey);
  if (!publicKey.ok) return err('bad-key', 'cannot derive the public key');
  const secret = sharedSecret(privateKey, settings.federationPublicKey);
  if (!secret.ok) return err('bad-key', 'auth.pubkey is not a usable public key');
  const cipher = tokenCipher(secret.value);
  let lastChallenge: Uint8Array = new Uint8Array(CHALLENGE_SIZE);
  const freshAuth = (): { auth: Auth; challenge: Uint8Array } => {
    const challenge = randomBytes(CHALLENGE_SIZE);
    return { auth: { scheme: AuthScheme.UserPassword, token: edgeAuthToken(publicKey.value, challenge, cipher) }, challenge };
  };
  return ok({
    scheme: AuthScheme.UserPassword,
    registerAuth() {
      const { auth, challenge } = freshAuth();
      lastChallenge = challenge;
      return auth;
    },
    unregisterAuth: () => freshAuth().auth,
    trailerCipher: cipher,
    acceptAnswer: (auth) => unwrapDynamicKey(auth.token, lastChallenge, cipher, secret.value),
  });
}

/** token: the simple-id token to use (SIMPLE_ID_TOKEN_SIZE bytes); a random one when absent. */
export function createEdgeAuth(userPassword: UserPasswordSettings | undefined, token?: Uint8Array): Result<EdgeAuth, 'bad-key'> {
  if (userPassword !== undefined) return userPasswordAuth(userPassword);
  return ok(simpleIdAuth(token?.length === SIMPLE_ID_TOKEN_SIZE ? Uint8Array.from(token) : randomBytes(SIMPLE_ID_TOKEN_SIZE)));
}
