// Every control message the edge builds (PROTOCOL.md §4), from its own identity: community, MAC,
// announced address and description. The modules that send them decide when, to whom and how.
import { DEFAULT_TTL, isNullMac, MessageType, NULL_MAC, RegisterCookie } from '../../protocol/index.js';
import type {
  Auth,
  Mac,
  QueryPeerMessage,
  RegisterAckMessage,
  RegisterMessage,
  RegisterSuperMessage,
  Socket,
  UnregisterSuperMessage,
} from '../../protocol/index.js';
import type { EdgeContext } from '../context.js';

/** What the builders read. */
export type EdgeIdentity = Pick<EdgeContext, 'settings' | 'mac' | 'addressing'>;

function header(ctx: EdgeIdentity): { ttl: number; fromSupernode: false; communityField: Uint8Array } {
  return { ttl: DEFAULT_TTL, fromSupernode: false, communityField: ctx.settings.communityField };
}

/** §4.1 REGISTER to a peer (or, with the null MAC and cookie MCAST, to the discovery group, §8.8.1). */
export function registerMessage(ctx: EdgeIdentity, dstMac: Mac, cookie: number): RegisterMessage {
  return {
    ...header(ctx),
    type: MessageType.Register,
    cookie,
    srcMac: ctx.mac,
    dstMac,
    devAddr: ctx.addressing.announced(),
    description: ctx.settings.description,
  };
}

/** §8.8.1: REGISTER with cookie MCAST and the null dstMac. */
export function multicastRegisterMessage(ctx: EdgeIdentity): RegisterMessage {
  return registerMessage(ctx, NULL_MAC, RegisterCookie.Multicast);
}

/** §4.2 REGISTER_ACK answering a peer's REGISTER. */
export function registerAckMessage(ctx: EdgeIdentity, dstMac: Mac, cookie: number): RegisterAckMessage {
  return { ...header(ctx), type: MessageType.RegisterAck, cookie, dstMac, srcMac: ctx.mac };
}

/** §4.8 QUERY_PEER for targetMac; with the null MAC it is a PING (§8.4.2). */
export function queryPeerMessage(ctx: EdgeIdentity, targetMac: Mac): QueryPeerMessage {
  return { ...header(ctx), type: MessageType.QueryPeer, srcMac: ctx.mac, targetMac, aflags: 0 };
}

/**
 * §4.5 REGISTER_SUPER for edgeMac (the null MAC: the address request of §8.2 step 3, which
 * announces no address).
 */
export function registerSuperMessage(ctx: EdgeIdentity, edgeMac: Mac, cookie: number, socket: Socket | undefined, auth: Auth): RegisterSuperMessage {
  return {
    ...header(ctx),
    type: MessageType.RegisterSuper,
    cookie,
    edgeMac,
    socket,
    devAddr: isNullMac(edgeMac) ? { address: '0.0.0.0', prefix: ctx.addressing.announced().prefix } : ctx.addressing.announced(),
    description: ctx.settings.description,
    auth,
    keyTime: 0,
  };
}

/** §4.6 UNREGISTER_SUPER. */
export function unregisterSuperMessage(ctx: EdgeIdentity, auth: Auth): UnregisterSuperMessage {
  return { ...header(ctx), type: MessageType.UnregisterSuper, auth, srcMac: ctx.mac };
}
