// Our own REGISTER_SUPER to federation members (PROTOCOL.md §9.8.2): federation community,
// FROM_SUPERNODE without a socket, a fresh cookie remembered per member, our MAC and simple-id
// token, zeroed address and description, and our key time.
import { AuthScheme, DEFAULT_TTL, MessageType, NO_IP_SUBNET } from '../engine/protocol/index.js';
import type { RegisterSuperMessage } from '../engine/protocol/index.js';
import { randomUint32 } from '../engine/crypto/random.js';
import type { SupernodeContext } from './context.js';
import type { FederationMember } from './federation.js';
import { udpRoute } from './route.js';

export function registerWithMembers(ctx: SupernodeContext, members: readonly FederationMember[]): void {
  const federation = ctx.communities.federation;
  for (const member of members) {
    if (member.socket === undefined) continue;
    member.lastCookie = randomUint32();
    const registration: RegisterSuperMessage = {
      type: MessageType.RegisterSuper,
      ttl: DEFAULT_TTL,
      fromSupernode: true,
      communityField: federation.field,
      cookie: member.lastCookie,
      edgeMac: ctx.identity.mac,
      devAddr: NO_IP_SUBNET,
      description: '',
      auth: { scheme: AuthScheme.SimpleId, token: ctx.identity.token },
      keyTime: ctx.keyTime.current,
    };
    ctx.outbound.send(udpRoute(member.socket), ctx.outbound.seal(registration, federation));
  }
}
