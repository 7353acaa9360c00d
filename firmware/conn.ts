// The firmware's connection records, in memory both cores share (a dual-port BRAM on the real part).
// Ownership: the RX core creates a record and writes the connection-management and receive fields; the TX core
// owns the send fields once it has seen the connection (the RX core initialises them before, and after that
// only raises sndUna monotonically at establishment). The TX core frees the index last (on Mail.CONN_GONE),
// so neither core ever sees a record reused under it; indices are reused oldest-freed first.
export const State = {
  CLOSED: 0, SYN_SENT: 1, SYN_RECEIVED: 2, ESTABLISHED: 3, FIN_WAIT_1: 4, FIN_WAIT_2: 5,
  CLOSE_WAIT: 6, CLOSING: 7, LAST_ACK: 8, TIME_WAIT: 9,
} as const;
export type StateCode = (typeof State)[keyof typeof State];
export const stateName = (s: number): string => Object.entries(State).find(([, v]) => v === s)?.[0] ?? `?${s}`;

/** A sequence range [left, right) (SACK blocks). */
export interface SeqBlock { left: number; right: number }

/** Out-of-order data held by the RX core: [seq, seq + len) in skb, then a FIN if fin. */
export interface OooEntry { seq: number; len: number; skb: number; fin: boolean }

/** A host send request being copied into the send queue. */
export interface SendReq { req: number; remaining: number; total: number }

export class FwConn {
  state: StateCode = State.CLOSED;
  passive = false;
  /** The host knows the connection (accepted or connect() called): it gets CONN_ERROR / CONN_FREED notes. */
  hostKnows = false;
  connectReq = -1;
  remoteIp = 0; remotePort = 0; localPort = 0;

  // Negotiated at the handshake.
  /** Payload bytes per segment we send (peer's MSS less our option bytes). */
  sndMss = 536;
  rcvMss = 536;
  sndWscale = 0; rcvWscale = 0;
  wsOk = false; sackOk = false; tsOk = false;
  tsRecent = 0;

  // Receive side (RX core).
  irs = 0;
  rcvNxt = 0;
  ooo: OooEntry[] = [];
  /** What `ooo` covers as merged blocks, most recently touched first (RFC 2018 §4; sack-rx.ts). */
  sacks: SeqBlock[] = [];
  /** The blocks last written to the hardware with SACK_SET. */
  sacksSent: SeqBlock[] = [];
  finAcked = false;

  // Send side (TX core).
  iss = 0;
  sndUna = 0;
  /** Next sequence number to send (pulled back to sndUna by a timeout). */
  sndNxt = 0;
  /** Highest sequence number sent + 1 (the hardware's SND.NXT). */
  sndMax = 0;
  sndWnd = 0;
  maxSndWnd = 0;
  /** Sequence number just past the last byte in the send queue. */
  queuedEnd = 0;
  txOpen = false;
  finRequested = false;
  finSent = false;
  finSeq = 0;
  cwnd = 0;
  ssthresh = 0x7fffffff;
  /** RFC 5681 congestion avoidance: bytes acknowledged towards the next cwnd += MSS. */
  caAcked = 0;
  dupAcks = 0;
  inRecovery = false;
  /** SACK scoreboard (sack-tx.ts): blocks above SND.UNA the peer holds, sorted; cleared on a timeout. */
  sacked: SeqBlock[] = [];
  /** RFC 6675 HighRxt: holes below it were retransmitted in this recovery. */
  highRxt = 0;
  recover = 0;
  /** RFC 6298 state, microseconds; srtt 0 = no sample yet. */
  srtt = 0; rttvar = 0; rto = 0;
  retries = 0;
  rtoArmed = false;
  persistArmed = false;
  persistBackoff = 0;
  /** Karn: one segment timed at a time, never a retransmitted one. */
  rttActive = false; rttSeq = 0; rttStartUs = 0;
  sendReqs: SendReq[] = [];
  copyInFlight = false;
  waitingMem = false;

  constructor(readonly id: number) {}
}

export class ConnTable {
  private readonly records: (FwConn | undefined)[];
  private readonly freeIds: number[];

  constructor(readonly size: number) {
    this.records = new Array(size).fill(undefined);
    this.freeIds = Array.from({ length: size }, (_, i) => i);
  }

  /** A new record in the oldest-freed index, or undefined when the table is full. */
  alloc(): FwConn | undefined {
    const id = this.freeIds.shift();
    if (id === undefined) return undefined;
    const c = new FwConn(id);
    this.records[id] = c;
    return c;
  }

  get(id: number): FwConn | undefined { return id < this.size ? this.records[id] : undefined; }

  free(id: number): void {
    if (!this.records[id]) throw new Error(`firmware: connection ${id} freed twice`);
    this.records[id] = undefined;
    this.freeIds.push(id);
  }

  get inUse(): number { return this.size - this.freeIds.length; }

  *all(): Iterable<FwConn> { for (const c of this.records) if (c) yield c; }
}
