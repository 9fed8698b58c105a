// Router restarts, told by the "seconds since start of epoch" every NAT-PMP and PCP answer carries:
// a router that lost its state (reboot, new WAN address, daemon restart) starts counting again, and
// then every mapping must be made anew at once (RFC 6886 §3.6, RFC 6887 §8.5).

export class EpochTracker {
  private last: { server: number; clientMs: number } | undefined;

  /** Records an answer's epoch; true when it shows the router lost its mappings since the last one. */
  observe(serverSeconds: number, clientNowMs: number): boolean {
    const previous = this.last;
    this.last = { server: serverSeconds, clientMs: clientNowMs };
    if (previous === undefined) return false;
    // RFC 6887 §8.5: a server clock that ran backwards, or ran (by more than 2 s and 1/16) slower or
    // faster than ours, means a restart.
    if (serverSeconds + 1 < previous.server) return true;
    const clientDelta = (clientNowMs - previous.clientMs) / 1000;
    const serverDelta = serverSeconds - previous.server;
    return clientDelta + 2 < serverDelta - serverDelta / 16 || serverDelta + 2 < clientDelta - clientDelta / 16;
  }

  reset(): void {
    this.last = undefined;
  }
}
