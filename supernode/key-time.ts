// The federation key time (PROTOCOL.md §7.3.5, §9.8.4, §9.9): when it changes, user/password edges
// are told to re-register (under the old dynamic key), every dynamic key is recomputed, and the
// supernode re-registers with all federation members at once.
import { DEFAULT_TTL, MessageType } from '../engine/protocol/index.js';
import type { ReRegisterSuperMessage } from '../engine/protocol/index.js';
import { ZERO_FEDERATION_FIELD } from '../engine/crypto/dynamic-key.js';
import type { CommunityTable } from './communities.js';
import type { KeyTimeControl } from './context.js';
import type { Outbound } from './outbound.js';

export interface KeyTimeDependencies {
  readonly communities: CommunityTable;
  readonly outbound: Outbound;
  /** Re-registers with every federation member. */
  reregister(): void;
}

export class KeyTime implements KeyTimeControl {
  private value: number;
  private useZeroFederationField: boolean;

  /**
   * n3nStartupKeys: compute the first dynamic keys with an all-zero federation field, like a freshly
   * started n3n 3.4.5 (CRYPTO.md §5.6), until the key time changes for the first time.
   */
  constructor(
    initial: number,
    n3nStartupKeys: boolean,
    private readonly deps: KeyTimeDependencies,
  ) {
    this.value = initial >>> 0;
    this.useZeroFederationField = n3nStartupKeys;
    this.recomputeKeys();
  }

  get current(): number {
    return this.value;
  }

  adopt(candidate: number): void {
    if (candidate >>> 0 > this.value) this.change(candidate);
  }

  /**
   * Sets a new key time; a community file reload passes the replacement of the community table,
   * which has to happen after the old edges were told to re-register (§9.5).
   */
  change(newValue: number, replaceCommunities?: () => void): void {
    this.announceReRegistration();
    replaceCommunities?.();
    this.value = newValue >>> 0;
    this.useZeroFederationField = false;
    this.recomputeKeys();
    this.deps.reregister();
  }

  /** Dynamic keys for the communities now in the table (after the start-up load of the file). */
  recomputeKeys(): void {
    const { communities } = this.deps;
    communities.applyDynamicKeys(this.useZeroFederationField ? ZERO_FEDERATION_FIELD : communities.federation.field, this.value);
  }

  /** §9.9: header only, FROM_SUPERNODE, under the community's current (old) dynamic key. */
  private announceReRegistration(): void {
    for (const community of this.deps.communities.all()) {
      if (!community.hasUsers || community.edges.size === 0) continue;
      const message: ReRegisterSuperMessage = {
        type: MessageType.ReRegisterSuper,
        ttl: DEFAULT_TTL,
        fromSupernode: true,
        communityField: community.field,
      };
      for (const edge of community.edges.values()) this.deps.outbound.send(edge.route, this.deps.outbound.seal(message, community));
    }
  }
}
