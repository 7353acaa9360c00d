/**
 * The project's own packetdrill scripts (./scripts) against the TOE model: each must pass, or, when
 * marked `toe-expected-failure`, fail (the script states the RFC behaviour; the mark says what the
 * TOE does instead). Then each script is shown to be able to fail: a TOE configured or broken to
 * differ in exactly the behaviour a script checks fails it.
 */
import { describe, expect, it } from 'vitest';
import { formatResult } from '../../../sim/packetdrill/runner/index.ts';
import type { ToeTargetOptions } from '../../../sim/packetdrill/toe-target.ts';
import { ownScript, ownScripts, runOnToe } from './helpers.ts';

const scripts = ownScripts();

describe('own packetdrill scripts against the TOE', () => {
  it('the folder holds the scripts the suite is about', () => {
    expect(scripts.map((s) => s.name)).toEqual(expect.arrayContaining([
      'passive-open.pkt', 'active-open.pkt', 'data-both-ways.pkt', 'delayed-ack.pkt', 'ooo-and-duplicate.pkt',
      'close-fin-wait.pkt', 'close-fin-wait-1-fin-ack.pkt', 'close-closing.pkt', 'close-passive.pkt',
      'rst-in-window-exact.pkt', 'rst-in-window-inexact.pkt', 'rst-outside-window.pkt', 'rst-closed-port.pkt',
      'zero-window.pkt', 'rto-retransmit.pkt', 'fast-retransmit.pkt', 'sack.pkt',
    ]));
  });

  it.each(scripts.filter((s) => !s.expectedFailure).map((s) => [s.name, s] as const))('%s passes', (_, s) => {
    const r = runOnToe(s.text, s.name);
    expect(r.status, formatResult(r)).toBe('pass');
    expect(r.eventsRun).toBeGreaterThan(5);
  });

  it.each(scripts.filter((s) => s.expectedFailure).map((s) => [s.name, s] as const))('%s fails as marked (TOE bug)', (_, s) => {
    const r = runOnToe(s.text, s.name);
    expect(r.status, `${s.name} now passes: remove its toe-expected-failure mark\n${formatResult(r)}`).toBe('fail');
    console.log(`expected failure ${s.name}: ${s.expectedFailure}\n  ${r.failure!.message}`);
  });
});

/** [script, a TOE that differs in what the script checks, what differs]. */
const MUTANTS: [string, ToeTargetOptions, string][] = [
  ['passive-open.pkt', { fw: { wscale: 7 } }, 'another window scale'],
  ['passive-open.pkt', { fw: { initialRtoUs: 500_000 } }, 'SYN-ACK retransmitted early'],
  ['active-open.pkt', { fw: { sack: false } }, 'no SACK-permitted in the SYN'],
  ['data-both-ways.pkt', { fw: { initialWindowSegments: 2 } }, 'a smaller initial window'],
  ['delayed-ack.pkt', { toe: { delackUs: 1_000 } }, 'a longer delayed-ACK time'],
  ['ooo-and-duplicate.pkt', { toe: { faults: { oooAsInOrder: true } } }, 'out-of-order data delivered as in order'],
  ['close-fin-wait.pkt', { fw: { timeWaitUs: 120_000_000 } }, 'a longer TIME-WAIT'],
  ['close-closing.pkt', { fw: { minRtoUs: 300_000 } }, 'FIN retransmitted late'],
  ['close-passive.pkt', { fw: { minRtoUs: 100_000 } }, 'FIN retransmitted early'],
  ['rst-in-window-inexact.pkt', { toe: { challengeIntervalUs: 0 } }, 'challenge ACKs not rate-limited'],
  ['rst-outside-window.pkt', { fw: { rcvbuf: 1 << 20 } }, 'a larger window takes the RST at the right edge'],
  ['zero-window.pkt', { fw: { persistMinUs: 300_000 } }, 'a longer persist interval'],
  ['rto-retransmit.pkt', { fw: { minRtoUs: 100_000 } }, 'a shorter minimum RTO'],
  ['fast-retransmit.pkt', { fw: { mss: 536 } }, 'another MSS (the segments differ)'],
  ['send-buffer-full.pkt', { fw: { sndbuf: 65536 } }, 'a smaller send buffer'],
  ['sack.pkt', { fw: { dsack: false } }, 'no D-SACK blocks for duplicates'],
  ['sack.pkt', { fw: { maxOoo: 3 } }, 'a fourth out-of-order segment dropped (three SACK blocks)'],
];

describe('each script can fail', () => {
  it.each(MUTANTS)('%s fails on a TOE with %j (%s)', (name, toe) => {
    const s = ownScript(name);
    const r = runOnToe(s.text, s.name, toe);
    expect(r.status, formatResult(r)).toBe('fail');
  });
});
