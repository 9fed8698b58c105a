// §9.2 step 7: one handler per message type; the supernode ignores the rest (§9.3.5, §9.3.10).
import { MessageType } from '../engine/protocol/index.js';
import type { SupernodeContext } from './context.js';
import type { InboundMessage } from './inbound.js';
import { handlePeerInfo, handleRegisterSuperAck, handleRegisterSuperNak } from './handle-from-supernode.js';
import { handleQueryPeer } from './handle-query-peer.js';
import { handleRegisterSuper } from './handle-register-super.js';
import { handleRelay } from './handle-relay.js';
import { handleUnregisterSuper } from './handle-unregister-super.js';

export function dispatch(ctx: SupernodeContext, inbound: InboundMessage): void {
  const msg = inbound.message;
  switch (msg.type) {
    case MessageType.RegisterSuper:
      return handleRegisterSuper(ctx, inbound, msg);
    case MessageType.UnregisterSuper:
      return handleUnregisterSuper(ctx, inbound, msg);
    case MessageType.Register:
      return handleRelay(ctx, inbound, msg);
    case MessageType.QueryPeer:
      return handleQueryPeer(ctx, inbound, msg);
    case MessageType.PeerInfo:
      return handlePeerInfo(ctx, inbound, msg);
    case MessageType.RegisterSuperNak:
      return handleRegisterSuperNak(ctx, inbound, msg);
    case MessageType.RegisterSuperAck:
      return handleRegisterSuperAck(ctx, inbound, msg);
    case MessageType.RegisterAck:
    case MessageType.ReRegisterSuper:
      return ctx.stats.drop('unhandled-type', () => `type ${msg.type}`);
  }
}
