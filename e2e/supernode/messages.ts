// Edge messages for the end-to-end tests, built with the wire codec's types.
import { AuthScheme, DEFAULT_TTL, MessageType, NO_AUTH, NULL_MAC } from '../../engine/protocol/index.js';
import type { Auth, IpSubnet, Mac, PacketMessage, QueryPeerMessage, RegisterMessage, RegisterSuperMessage, Socket } from '../../engine/protocol/index.js';
import { communityField } from '../../engine/crypto/dynamic-key.js';
import { edgePrivateKey, federationPrivateKey, publicKeyOf, sharedSecret } from '../../engine/crypto/user-password.js';

export { mac } from '../../engine/testing/loopback.js';

export const simpleId = (byte: number): Auth => ({ scheme: AuthScheme.SimpleId, token: new Uint8Array(16).fill(byte) });

const common = (community: string) => ({ ttl: DEFAULT_TTL, fromSupernode: false, communityField: communityField(community) });

/** A user/password login (CRYPTO.md §5.3) against the default federation: public key and shared secret. */
export function userKey(user: string, password: string): { pub: Uint8Array; secret: Uint8Array } {
  const federationPublic = publicKeyOf(federationPrivateKey('Federation'));
  const pub = publicKeyOf(edgePrivateKey(user, password));
  const secret = federationPublic.ok ? sharedSecret(edgePrivateKey(user, password), federationPublic.value) : federationPublic;
  if (!pub.ok || !secret.ok) throw new Error('x25519 refused a derived key');
  return { pub: pub.value, secret: secret.value };
}

export function registerSuper(
  community: string,
  edgeMac: Mac,
  fields: { cookie?: number; devAddr?: IpSubnet; description?: string; auth?: Auth; socket?: Socket; ttl?: number } = {},
): RegisterSuperMessage {
  return {
    ...common(community),
    ...(fields.ttl === undefined ? {} : { ttl: fields.ttl }),
    type: MessageType.RegisterSuper,
    cookie: fields.cookie ?? 0x1234,
    edgeMac,
    socket: fields.socket,
    devAddr: fields.devAddr ?? { address: '0.0.0.0', prefix: 0 },
    description: fields.description ?? '',
    auth: fields.auth ?? NO_AUTH,
    keyTime: 0,
  };
}

export function ping(community: string, srcMac: Mac): QueryPeerMessage {
  return queryPeer(community, srcMac, NULL_MAC);
}

export function queryPeer(community: string, srcMac: Mac, targetMac: Mac): QueryPeerMessage {
  return { ...common(community), type: MessageType.QueryPeer, srcMac, targetMac, aflags: 0 };
}

export function packet(community: string, srcMac: Mac, dstMac: Mac, payload: Uint8Array, ttl = DEFAULT_TTL): PacketMessage {
  return { ...common(community), ttl, type: MessageType.Packet, srcMac, dstMac, compression: 1, transform: 1, payload };
}

export function register(community: string, srcMac: Mac, dstMac: Mac, description: string): RegisterMessage {
  return {
    ...common(community),
    type: MessageType.Register,
    cookie: 0x1000,
    srcMac,
    dstMac,
    devAddr: { address: '0.0.0.0', prefix: 0 },
    description,
  };
}
