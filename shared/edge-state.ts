// The edge's state and a peer's path, as the engine reports them and every view words them.
export type EdgeState = 'stopped' | 'connecting' | 'registered' | 'no-supernode' | 'error';

/** direct: a REGISTER_ACK confirmed the path; relayed: frames go through the supernode. */
export type PeerPath = 'direct' | 'relayed';
