/**
 * The external packetdrill suites (../shared/conformance) against the RTL TOE (toe_top in Verilator with both
 * firmware cores). A full run takes tens of minutes, so it is recorded (./conformance.json) and the suite checks:
 *
 *  - the record covers every script of the suite, no more and no less;
 *  - every script the RTL does not pass is explained: either the TS model fails it the same way (same script line,
 *    same kind of mismatch), and its reason is the model's (../toe/known-differences.json), or it is listed in
 *    ./conformance-differences.json with its category and reason;
 *  - a sample of the recorded passes (the quickest of each folder) still passes on the RTL today.
 *
 * Re-record (about 25 minutes on 2 cores; see the README of sim/packetdrill):
 *   npx toe conformance ../shared/conformance --rtl --shard 1/2 --results /tmp/s1.json &
 *   npx toe conformance ../shared/conformance --rtl --shard 2/2 --results /tmp/s2.json; wait
 *   npx toe conformance --merge test/packetdrill/rtl/conformance.json /tmp/s1.json /tmp/s2.json
 * Skips with a message when ../shared/conformance is not checked out next to the project.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { readResultsFile, sampleOfPasses, type ScriptRecord } from '../../../sim/packetdrill/conformance-results.ts';
import { findPktFiles, formatResult, type RunResult } from '../../../sim/packetdrill/runner/index.ts';
import { runRtlConformance } from '../../../sim/packetdrill/rtl-target.ts';
import { readKnownDifferences, runToeConformance } from '../../../sim/packetdrill/toe-conformance.ts';

const projectRoot = fileURLToPath(new URL('../../../', import.meta.url));
const suiteDir = path.resolve(projectRoot, '../shared/conformance');
const recordFile = fileURLToPath(new URL('./conformance.json', import.meta.url));
const rtlDifferencesFile = fileURLToPath(new URL('./conformance-differences.json', import.meta.url));
const modelDifferencesFile = fileURLToPath(new URL('../toe/known-differences.json', import.meta.url));
const present = existsSync(suiteDir);
if (!present) console.warn(`RTL conformance checks skipped: ${suiteDir} does not exist (needs ../shared/conformance next to the project).`);
/** Scripts of the sample re-run in the suite (a few seconds each). */
const SAMPLE = 10;

const record = readResultsFile(recordFile);
const kind = (mismatch: string | undefined) => mismatch?.split(':')[0] ?? '';

describe('external packetdrill suites against the RTL TOE (recorded run)', () => {
  it.skipIf(!present)('the record covers every script of the suite', () => {
    const suite = findPktFiles(suiteDir).map((f) => path.relative(suiteDir, f)).sort();
    expect(record.scripts.map((s) => s.file)).toEqual(suite);
    expect(record.meta.target).toBe('rtl');
    expect(record.counts.passed).toBe(record.scripts.filter((s) => s.status === 'pass').length);
  });

  it.skipIf(!present)('every script the RTL does not pass fails as on the model (a listed difference) or is listed for the RTL', () => {
    const notPassing = record.scripts.filter((s) => s.status !== 'pass');
    const modelKnown = readKnownDifferences(modelDifferencesFile);
    const rtlKnown = readKnownDifferences(rtlDifferencesFile);
    const wanted = new Set(notPassing.map((s) => s.file));
    const model = new Map(runToeConformance(suiteDir, { filter: (rel) => wanted.has(rel) }).run.results
      .map((r) => [r.file, r] as const));
    const sameAsModel = (s: ScriptRecord, m: RunResult | undefined) => m !== undefined && m.status === s.status
      && (s.status === 'unsupported' || (m.failure?.line === s.line && m.failure?.kind === kind(s.mismatch)));
    const unexplained = notPassing.filter((s) => !(s.file in rtlKnown) && !(s.file in modelKnown && sameAsModel(s, model.get(s.file))));
    expect(unexplained.map((s) => `${s.file}:${s.line ?? ''}: ${s.mismatch ?? s.unsupported ?? s.status}`),
      `fix these in the RTL or list them in ${rtlDifferencesFile}`).toEqual([]);
    // The RTL list holds only what the record still shows.
    const stale = Object.keys(rtlKnown).filter((f) => !wanted.has(f));
    expect(stale, `listed in ${rtlDifferencesFile} but passing in the record: take them off`).toEqual([]);
  });

  const sample = sampleOfPasses(record, SAMPLE);
  it.skipIf(!present)(`a sample of the recorded passes (${sample.length} scripts, one per folder, the quickest) passes on the RTL today`, async () => {
    expect(sample.length).toBe(SAMPLE);
    const want = new Set(sample);
    const run = await runRtlConformance(suiteDir, { filter: (rel) => want.has(rel) });
    const failed = run.run.results.filter((r) => r.status !== 'pass');
    expect(run.run.results.length).toBe(sample.length);
    expect(failed.map((r) => r.file), `REGRESSED on the RTL (recorded as passing in ${recordFile}):\n${failed.map(formatResult).join('\n\n')}`).toEqual([]);
  }, 600_000);
});
