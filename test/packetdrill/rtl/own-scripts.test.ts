/**
 * The project's own packetdrill scripts (test/packetdrill/toe/scripts) against the RTL TOE (toe_top in Verilator
 * with both firmware cores: sim/packetdrill/rtl-target.ts), one fresh RtlToe per script.
 *
 *  - A script on ./pass-list.json that no longer passes fails the test (a regression of the RTL or the firmware).
 *  - Scripts that pass on the TS model but not on the RTL are listed in ./rtl-differences.json with their first
 *    mismatch (for the RTL's authors); a change in that list is reported, not failed.
 *  - Re-record both files: TOE_RECORD_RTL=1 npx vitest run test/packetdrill/rtl
 *
 * Left out: close-fin-wait.pkt (its 60 s TIME-WAIT is ~61 M warped cycles, about 5 minutes on its own).
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { formatResult, type RunResult } from '../../../sim/packetdrill/runner/index.ts';
import { runRtlGuarded, type RtlTargetOptions } from '../../../sim/packetdrill/rtl-target.ts';
import { ownScripts, runOnToe } from '../toe/helpers.ts';

const HERE = fileURLToPath(new URL('./', import.meta.url));
const PASS_LIST = `${HERE}pass-list.json`;
const DIFFERENCES = `${HERE}rtl-differences.json`;
/** Too long for the suite (simulated minutes); run by hand with `npx toe conformance DIR --rtl`. */
const SKIPPED: Record<string, string> = { 'close-fin-wait.pkt': '60 s TIME-WAIT: ~5 min of simulation' };
const RECORD = process.env.TOE_RECORD_RTL === '1';

interface RtlPassList { note: string; skipped: Record<string, string>; passed: string[] }
/** A script the model passes and the RTL does not: its first mismatch and why (written by hand, kept on re-record). */
interface RtlDifference { line: number; source: string; mismatch: string; reason?: string }

const scripts = ownScripts().filter((s) => !(s.name in SKIPPED));
const recorded: RtlPassList = existsSync(PASS_LIST) ? JSON.parse(readFileSync(PASS_LIST, 'utf8')) as RtlPassList : { note: '', skipped: {}, passed: [] };
const knownDiffs: Record<string, RtlDifference> = existsSync(DIFFERENCES) ? JSON.parse(readFileSync(DIFFERENCES, 'utf8')) as Record<string, RtlDifference> : {};
const results = new Map<string, RunResult>();

function firstMismatch(r: RunResult): RtlDifference {
  const f = r.failure;
  return f ? { line: f.line, source: f.source, mismatch: `${f.kind}: ${f.message}` } : { line: 0, source: '', mismatch: r.status };
}

describe('own packetdrill scripts against the RTL TOE', () => {
  afterAll(() => {
    const passed = [...results.values()].filter((r) => r.status === 'pass').map((r) => r.file).sort();
    const diffs: Record<string, RtlDifference> = {};
    for (const s of scripts) {
      const r = results.get(s.name);
      if (!r || r.status === 'pass') continue;
      // Only the RTL's differences: a script the model fails too is not the RTL's to fix.
      if (runOnToe(s.text, s.name).status === 'pass') diffs[s.name] = { ...firstMismatch(r), ...(knownDiffs[s.name]?.reason ? { reason: knownDiffs[s.name]!.reason } : {}) };
    }
    const newlyPassing = passed.filter((f) => !recorded.passed.includes(f));
    if (newlyPassing.length) console.log(`RTL: newly passing (re-record with TOE_RECORD_RTL=1): ${newlyPassing.join(', ')}`);
    for (const [name, d] of Object.entries(diffs)) {
      const was = knownDiffs[name];
      if (!was || was.mismatch !== d.mismatch) console.log(`RTL difference changed for ${name}: ${d.mismatch} (was ${was?.mismatch ?? 'not listed'})`);
    }
    if (RECORD && results.size === scripts.length) {
      const list: RtlPassList = {
        note: 'Own scripts (test/packetdrill/toe/scripts) that passed against the RTL TOE. Re-record: TOE_RECORD_RTL=1 npx vitest run test/packetdrill/rtl',
        skipped: SKIPPED, passed,
      };
      writeFileSync(PASS_LIST, `${JSON.stringify(list, null, 2)}\n`);
      writeFileSync(DIFFERENCES, `${JSON.stringify(diffs, null, 2)}\n`);
    }
  });

  it('every listed RTL difference says why (rtl-differences.json "reason")', () => {
    const unexplained = Object.entries(knownDiffs).filter(([, d]) => !d.reason?.trim()).map(([name]) => name);
    expect(unexplained, `add a "reason" to these in ${DIFFERENCES}`).toEqual([]);
  });

  it('the pass list names scripts that exist and are run', () => {
    for (const f of recorded.passed) expect(scripts.map((s) => s.name), `${f} on the pass list`).toContain(f);
  });

  it.each(scripts.map((s) => [s.name, s] as const))('%s', async (name, s) => {
    const r = await runRtlGuarded(s.text, name, {});
    results.set(name, r);
    if (!RECORD && recorded.passed.includes(name)) expect(r.status, `REGRESSED on the RTL (on ${PASS_LIST})\n${formatResult(r)}`).toBe('pass');
    // The run reached the RTL: it put at least one frame on the wire.
    expect(r.wire.some((w) => w.direction === 'out'), formatResult(r)).toBe(true);
  });
});

describe('a script can fail on the RTL', () => {
  // The RTL configured to differ in what a script checks: a passing script must then fail.
  const mutants: [string, RtlTargetOptions, string][] = [
    ['fast-retransmit.pkt', { fw: { mss: 536 } }, 'another MSS'],
    ['delayed-ack.pkt', { toe: { delackUs: 1_000 } }, 'a longer delayed-ACK time (DELACK_CYCLES)'],
  ];
  it.each(mutants)('%s fails on an RTL TOE with %j (%s)', async (name, opts) => {
    const s = ownScripts().find((x) => x.name === name)!;
    const r = await runRtlGuarded(s.text, name, opts);
    expect(r.status, formatResult(r)).toBe('fail');
  });
});
