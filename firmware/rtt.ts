// RFC 6298 retransmission timer arithmetic, in integer microseconds (a soft core has no FPU).
import type { FwConn } from './conn.ts';
import type { FwConfig } from './config.ts';

/** Clock granularity G (the hardware timer ticks in microseconds). */
const G_US = 1;

const clamp = (v: number, lo: number, hi: number) => Math.max(lo, Math.min(hi, v));

/** Take one RTT measurement R (µs): update SRTT, RTTVAR and RTO (RFC 6298 §2.2, §2.3); clears any backoff. */
export function rttSample(c: FwConn, r: number, cfg: FwConfig): void {
  const rUs = Math.max(1, Math.round(r));
  if (c.srtt === 0) {
    c.srtt = rUs;
    c.rttvar = rUs >>> 1;
  } else {
    c.rttvar = Math.round((3 * c.rttvar + Math.abs(c.srtt - rUs)) / 4);
    c.srtt = Math.round((7 * c.srtt + rUs) / 8);
  }
  c.rto = clamp(c.srtt + Math.max(G_US, 4 * c.rttvar), cfg.minRtoUs, cfg.maxRtoUs);
}

/** RFC 6298 §5.5: back off the timer. */
export function rtoBackoff(c: FwConn, cfg: FwConfig): void {
  c.rto = Math.min(c.rto * 2, cfg.maxRtoUs);
}

/** Persist interval: the RTO, at least persistMin, doubled per unanswered probe, at most persistMax. */
export function persistInterval(c: FwConn, cfg: FwConfig): number {
  const base = Math.max(c.rto, cfg.persistMinUs);
  return Math.min(base * 2 ** Math.min(c.persistBackoff, 16), cfg.persistMaxUs);
}
