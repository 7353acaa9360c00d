/**
 * Which differences between a script's outbound packet and the target's actual frame are accepted.
 *
 * Everything not listed here is compared exactly: flags (all nine bits), seq and payload length,
 * ack, urgent pointer, window when the script writes `win`, the TCP option list kind by kind in
 * order (including NOP/EOL padding), each option's value, the payload bytes, and the time of each
 * outbound packet and of each system call's return.
 *
 * Always accepted (packetdrill itself accepts these):
 *  - timing: an event happens within ±`timingUsecs` of its script time (`--tolerance_usecs`,
 *    default 4000), widened to `tolerancePercent`% of the gap since the previous event when that
 *    is larger (`--tolerance_percent`); ranges `a~b` and `*` as written.
 *  - TS val: the first outbound timestamp value sets the offset between the script's clock and the
 *    target's; later values are not compared unless the script gives `--tcp_ts_tick_usecs`, in
 *    which case |mapped actual - script| x tick must be within the timing tolerance.
 *  - `win` omitted on an outbound packet: window not compared. `<...>`: options not compared.
 *
 * Opt-in rules (each off unless named in `RunOptions.tolerance`):
 *  - `optionOrder`: the outbound option list is compared as a set of non-padding options (MSS,
 *    window scale, SACK-permitted, SACK blocks, timestamps, others by kind), so `mss,nop,wscale,
 *    sackOK,TS` matches `mss,sackOK,TS,nop,wscale`; NOP and EOL are ignored. Values still compare.
 *  - `bufferSizes`: values the reference stack (Linux in google/packetdrill scripts, FreeBSD in the
 *    FreeBSD suite) derives from its own socket buffer sizes are not compared: a non-zero outbound
 *    `win` matches any non-zero window (zero must still be zero: a zero window is protocol
 *    behaviour), an outbound `wscale` option matches any shift (its presence is still required),
 *    and the value of getsockopt SO_RCVBUF / SO_SNDBUF matches any value (the call must still
 *    succeed). Use it to run those scripts against a stack with other buffer sizes; it hides
 *    nothing else.
 *
 * Deliberate differences are not tolerated here: a script whose reference stack behaves otherwise
 * than the target on purpose (RFC 5961 vs FreeBSD's insecure modes, SYN backoff, delayed-ACK policy)
 * fails and is listed with its reason (for the TOE: test/packetdrill/toe/known-differences.json);
 * reference-stack sysctls are mapped onto target configuration (sim/packetdrill/toe-sysctl.ts).
 */

export type ToleranceRule = 'optionOrder' | 'bufferSizes';

export const TOLERANCE_RULES: readonly ToleranceRule[] = ['optionOrder', 'bufferSizes'];

export interface TolerancePolicy {
  /** ±µs for every timed event (`--tolerance_usecs`). */
  timingUsecs: number;
  /** Percent of the gap since the previous event, used when larger than timingUsecs. */
  tolerancePercent: number;
  /** TS val tick in µs (`--tcp_ts_tick_usecs`); 0 = TS val values are not compared. */
  tsTickUsecs: number;
  rules: ReadonlySet<ToleranceRule>;
}

export const DEFAULT_TOLERANCE_USECS = 4000;

export function makeTolerance(opts: {
  timingUsecs?: number;
  tolerancePercent?: number;
  tsTickUsecs?: number;
  rules?: Iterable<ToleranceRule>;
} = {}): TolerancePolicy {
  const rules = new Set(opts.rules ?? []);
  for (const r of rules) {
    if (!TOLERANCE_RULES.includes(r)) throw new Error(`unknown tolerance rule '${String(r)}' (known: ${TOLERANCE_RULES.join(', ')})`);
  }
  return {
    timingUsecs: opts.timingUsecs ?? DEFAULT_TOLERANCE_USECS,
    tolerancePercent: opts.tolerancePercent ?? 0,
    tsTickUsecs: opts.tsTickUsecs ?? 0,
    rules,
  };
}

/** The timing tolerance for an event `gapUs` after the previous one. */
export function timingToleranceUs(p: TolerancePolicy, gapUs: number): number {
  if (!Number.isFinite(gapUs) || p.tolerancePercent === 0) return p.timingUsecs;
  return Math.max(p.timingUsecs, Math.floor((p.tolerancePercent / 100) * Math.max(0, gapUs)));
}

/** One-line description of the active policy, for reports. */
export function describeTolerance(p: TolerancePolicy): string {
  const parts = [`timing ±${p.timingUsecs} us`];
  if (p.tolerancePercent) parts.push(`or ${p.tolerancePercent}% of the gap`);
  parts.push(p.tsTickUsecs ? `TS val checked at ${p.tsTickUsecs} us/tick` : 'TS val not compared');
  parts.push(p.rules.size ? `rules: ${[...p.rules].join(', ')}` : 'no opt-in rules');
  return parts.join('; ');
}
