// The hardware's per-connection state: the TCB fields seq_check and the TX path read, the send and receive
// queues of skbs, timers and the delayed-ACK state.
import type { Scheduled } from './scheduler.ts';

/** Data in the send queue: block `skb` holds `len` bytes (blocks fill in order). */
export interface SendBlock { skb: number; len: number }
/** Data for the user: `len` bytes at `off` in block `skb`. */
export interface RecvChunk { skb: number; off: number; len: number }

export class HwConn {
  // TCB (written by the firmware with TCB_WRITE, kept current by the RX and TX paths).
  rcvNxt = 0; sndUna = 0; sndNxt = 0; sndWnd = 0; sndWl1 = 0; sndWl2 = 0; maxSndWnd = 0;
  sndWscale = 0; rcvWscale = 0; rcvMss = 536; tsEnabled = false; tsRecent = 0; rxMode = 1; rcvbuf = 65535;
  /** Peer's MSS as used: payload plus options of a data segment stay within it. */
  sndMss = 536;
  /** SackMode; the SACK blocks from SACK_SET, most recent first (the ACK event's sack_count / sack[4] fields). */
  sackMode = 0;
  sack: { left: number; right: number }[] = [];
  /** Right edge of the window last advertised (RCV.WND = rcvEdge - RCV.NXT; never moves left). */
  rcvEdge = 0;

  sendQueue: SendBlock[] = [];
  /** Sequence number of the first byte in the send queue. */
  sqBase = 0;
  sqBytes = 0;
  recvQueue: RecvChunk[] = [];
  rqBytes = 0;
  /** The FIN was delivered: the user sees end of stream after the queued data. */
  eof = false;

  /** Segments routed to the RX core and not yet taken by it: a RX_MODE FAST write waits for zero. */
  fwSegsQueued = 0;
  /** Bytes received in order and not yet acknowledged (delayed ACK). */
  ackPendingBytes = 0;
  delackTimer: Scheduled | undefined;
  timers: (Scheduled | undefined)[] = [undefined, undefined, undefined];
  lastChallengeNs = -Infinity;
  wndOpenPosted = false;

  constructor(
    readonly id: number, readonly remoteIp: number, readonly remotePort: number, readonly localPort: number,
    readonly remoteMac: Uint8Array,
  ) {}
}

export const tupleKey = (remoteIp: number, remotePort: number, localPort: number): string => `${remoteIp}:${remotePort}:${localPort}`;
