/**
 * Every script of ../shared/conformance against the TOE model, compared with pass-list.json (the
 * scripts that passed when it was recorded): a listed script that no longer passes fails the test;
 * one that newly passes is reported. Every script that does not pass must be in
 * known-differences.json with its category and reason (a listed script that passes is reported).
 * Re-record the pass list after a deliberate change:
 *   TOE_RECORD_PASSES=1 npx vitest run test/packetdrill/toe/conformance.test.ts
 * Skips with a message when ../shared/conformance is not checked out next to the project.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { formatResult } from '../../../sim/packetdrill/runner/index.ts';
import {
  compareKnownDifferences, comparePassList, formatFolders, formatReasons, makePassList, readKnownDifferences, readPassList,
  runToeConformance, writePassList, type ToeConformanceRun,
} from '../../../sim/packetdrill/toe-conformance.ts';

const projectRoot = fileURLToPath(new URL('../../../', import.meta.url));
const conformanceDir = path.resolve(projectRoot, '../shared/conformance');
const passListFile = fileURLToPath(new URL('./pass-list.json', import.meta.url));
const knownFile = fileURLToPath(new URL('./known-differences.json', import.meta.url));
const present = existsSync(conformanceDir);
const record = process.env.TOE_RECORD_PASSES === '1';
if (!present) console.warn(`TOE conformance run skipped: ${conformanceDir} does not exist (needs ../shared/conformance next to the project).`);

describe('shared conformance suites against the TOE', () => {
  let cached: ToeConformanceRun | undefined;
  const conformanceRun = (): ToeConformanceRun => (cached ??= runToeConformance(conformanceDir));

  it.skipIf(!present)('no script on the pass list regresses', () => {
    const run = conformanceRun();
    const { results } = run.run;
    expect(results.length).toBeGreaterThan(300);
    console.log(`TOE vs ../shared/conformance in ${(run.wallMs / 1000).toFixed(1)} s\n${formatFolders(run.folders)}\n\nmost common failure reasons:\n${formatReasons(run.reasons, 8)}\n${run.run.json}`);
    if (record) {
      writePassList(passListFile, makePassList(results));
      console.log(`recorded ${run.run.counts.passed} passing scripts in ${passListFile}`);
      return;
    }
    const list = readPassList(passListFile);
    const cmp = comparePassList(results, list);
    if (cmp.newlyPassing.length > 0) console.log(`newly passing (not on the pass list; re-record with TOE_RECORD_PASSES=1):\n  ${cmp.newlyPassing.join('\n  ')}`);
    expect(cmp.missing, 'scripts on the pass list are no longer in the suite').toEqual([]);
    expect(cmp.regressed.map((r) => r.file), cmp.regressed.map(formatResult).join('\n\n')).toEqual([]);
    expect(list.passed.length).toBeGreaterThan(0);
  });

  it.skipIf(!present)('every script that does not pass is a known difference, with its category and reason', () => {
    const { results } = conformanceRun().run;
    const known = readKnownDifferences(knownFile);
    const cmp = compareKnownDifferences(results, known);
    if (cmp.nowPassing.length > 0) console.log(`listed in known-differences.json but passing now (take them off the list):\n  ${cmp.nowPassing.join('\n  ')}`);
    expect(cmp.missing, 'scripts in known-differences.json that are no longer in the suite').toEqual([]);
    expect(cmp.unlisted.map((r) => r.file), `fix these or list them in known-differences.json:\n${cmp.unlisted.map(formatResult).join('\n\n')}`).toEqual([]);
  });
});
