// Congestion control: RFC 5681 slow start and congestion avoidance, RFC 6582 NewReno fast recovery.
// Pure decisions on the connection record; the TX core acts on the returned verdicts.
import type { FwConn } from './conn.ts';
import { seqDiff, seqGeq, seqGt } from './seq.ts';

export const DUP_THRESH = 3;

/** RFC 5681 §3.1 initial window, or a fixed number of segments. */
export function initialWindow(mss: number, segments: number): number {
  return segments > 0 ? segments * mss : Math.min(4 * mss, Math.max(2 * mss, 4380));
}

const flightSize = (c: FwConn) => seqDiff(c.sndMax, c.sndUna);
const halfFlight = (c: FwConn) => Math.max(flightSize(c) >>> 1, 2 * c.sndMss);

/**
 * A cumulative ACK advanced SND.UNA by `acked` bytes (already applied to c.sndUna).
 * Returns 'retransmit' on a NewReno partial ACK (resend the first unacknowledged segment).
 */
export function onNewAck(c: FwConn, acked: number): 'retransmit' | 'none' {
  c.dupAcks = 0;
  if (c.inRecovery) {
    if (seqGeq(c.sndUna, c.recover)) {
      // RFC 6582 §3.2 step 3, full acknowledgment: deflate to min(ssthresh, FlightSize + SMSS).
      c.cwnd = Math.min(c.ssthresh, Math.max(flightSize(c), 0) + c.sndMss);
      c.inRecovery = false;
      return 'none';
    }
    // Partial acknowledgment: deflate by the amount acknowledged, add back one SMSS if that was >= SMSS.
    c.cwnd = Math.max(c.sndMss, c.cwnd - acked + (acked >= c.sndMss ? c.sndMss : 0));
    return 'retransmit';
  }
  if (c.cwnd < c.ssthresh) {
    c.cwnd += Math.min(acked, c.sndMss); // slow start with RFC 3465 L = 1 SMSS
  } else {
    c.caAcked += acked; // congestion avoidance: one SMSS per cwnd of data acknowledged
    if (c.caAcked >= c.cwnd) { c.caAcked -= c.cwnd; c.cwnd += c.sndMss; }
  }
  return 'none';
}

/** A duplicate ACK. Returns 'fast-retransmit' on the third (RFC 6582 §3.2 step 2), 'inflate' during recovery. */
export function onDupAck(c: FwConn): 'fast-retransmit' | 'inflate' | 'none' {
  c.dupAcks++;
  if (c.inRecovery) { c.cwnd += c.sndMss; return 'inflate'; }
  if (c.dupAcks !== DUP_THRESH) return 'none';
  // RFC 6582 §4.1: only if the cumulative ACK covers more than `recover` (no spurious second recovery).
  if (!seqGt(c.sndUna, c.recover)) return 'none';
  c.ssthresh = halfFlight(c);
  c.recover = c.sndMax;
  c.cwnd = c.ssthresh + DUP_THRESH * c.sndMss;
  c.inRecovery = true;
  return 'fast-retransmit';
}

/** RFC 5681 §3.1 (4) and RFC 6582 §3.2 step 4 on a retransmission timeout; `first`: of this loss episode. */
export function onTimeout(c: FwConn, first: boolean): void {
  if (first) c.ssthresh = halfFlight(c);
  c.cwnd = c.sndMss;
  c.caAcked = 0;
  c.dupAcks = 0;
  c.inRecovery = false;
  c.recover = c.sndMax;
}
