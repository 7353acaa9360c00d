/**
 * Every script in ../shared/conformance goes through the runner without throwing: each ends as
 * pass, fail or unsupported against a target that never sends anything. Skips with a message
 * when the suites are not checked out next to the project.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { runDirectory, type RunResult } from '../../../sim/packetdrill/runner/index.ts';
import { MiniTcp, SilentTarget } from './mini-tcp.ts';

const projectRoot = fileURLToPath(new URL('../../../', import.meta.url));
const conformanceDir = path.resolve(projectRoot, '../shared/conformance');
const present = existsSync(conformanceDir);
if (!present) console.warn(`packetdrill runner conformance sweep skipped: ${conformanceDir} does not exist (needs ../shared/conformance next to the project).`);

describe('conformance scripts through the runner', () => {
  it.skipIf(!present)('every script is classified and run to a result against a silent target', () => {
    const run = runDirectory(conformanceDir, () => new SilentTarget(), { stepUs: 1000, anyWaitUs: 100_000, lateGraceUs: 0 });
    expect(run.results.length).toBeGreaterThan(300);
    for (const r of run.results) {
      expect(['pass', 'fail', 'unsupported']).toContain(r.status);
      if (r.status === 'fail') expect(r.failure!.line, r.file).toBeGreaterThan(0);
      if (r.status === 'unsupported') expect(r.unsupported!.length, r.file).toBeGreaterThan(0);
    }
    // A target that sends nothing cannot pass a script that expects a packet.
    const expectsPacket = (r: RunResult) => r.status === 'pass' && r.eventsRun > 0;
    expect(run.results.filter(expectsPacket).map((r) => r.file)).toEqual([]);
    console.log(`conformance sweep (silent target): ${run.json}`);
  });

  it.skipIf(!present)('the google/packetdrill scripts pass against the mini TCP', () => {
    const run = runDirectory(path.join(conformanceDir, 'packetdrill-linux'), (net) => new MiniTcp(net));
    expect(run.json, run.table).toBe(`{"passed":${run.results.length},"failed":0,"unsupported":0,"total":${run.results.length}}`);
  });
});
