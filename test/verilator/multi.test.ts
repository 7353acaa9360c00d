// Several models in one process, concurrent builds of one hash (one compiles, one waits), stale build locks, TOE_WAVES.
import { execFile, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { buildModel } from '../../sim/verilator/index.ts';
import { counterSpec } from './designs.ts';

const here = path.dirname(fileURLToPath(import.meta.url));

describe('verilator models side by side', () => {
  it('loads two versions of the same top (different Verilog) in one process', async () => {
    const [one, two] = await Promise.all([buildModel(counterSpec(1)), buildModel(counterSpec(2))]);
    try {
      expect(one.build.hash).not.toBe(two.build.hash);
      expect(one.build.soPath).not.toBe(two.build.soPath);
      for (const m of [one, two]) {
        m.portN('en').set(1);
        m.portN('rst').set(1);
        m.tick();
        m.portN('rst').set(0);
      }
      one.runCycles(10);
      two.runCycles(10);
      one.tick();
      expect(one.portN('q').get()).toBe(11);
      expect(two.portN('q').get()).toBe(20);
    } finally {
      one.dispose();
      two.dispose();
    }
  });

  it('survives two processes building the same hash at once', async () => {
    const cache = fs.mkdtempSync(path.join(os.tmpdir(), 'toe-vl-race-'));
    try {
      const child = () =>
        promisify(execFile)(process.execPath, ['--import', 'tsx', path.join(here, 'fixtures', 'build-child.ts')], {
          env: { ...process.env, TOE_CACHE_DIR: cache },
          cwd: path.join(here, '..', '..'),
        });
      const results = (await Promise.all([child(), child()])).map((r) => JSON.parse(r.stdout) as { cached: boolean; hash: string; q: number });
      expect(results[0]!.hash).toBe(results[1]!.hash);
      expect(results.map((r) => r.q)).toEqual([12, 12]);
      // The build lock: one of them compiled, the other waited for its result.
      expect(results.filter((r) => !r.cached).length).toBe(1);
      const vdir = path.join(cache, 'verilator');
      expect(fs.existsSync(path.join(vdir, results[0]!.hash, `${results[0]!.hash}.node`))).toBe(true);
      expect(fs.readdirSync(path.join(vdir, 'tmp'))).toEqual([]); // the loser's temp dir is gone
      // A third build is a pure cache hit.
      const third = JSON.parse((await child()).stdout) as { cached: boolean };
      expect(third.cached).toBe(true);
      // A lock left by a process that died mid-build is taken over, not waited for forever.
      const hash = results[0]!.hash;
      fs.rmSync(path.join(vdir, hash), { recursive: true, force: true });
      const dead = spawnSync('true').pid;
      fs.writeFileSync(path.join(vdir, 'locks', `${hash}.lock`), `${dead}\n`);
      const fourth = JSON.parse((await child()).stdout) as { cached: boolean; q: number };
      expect(fourth).toMatchObject({ cached: false, q: 12 });
      expect(fs.existsSync(path.join(vdir, 'locks', `${hash}.lock`))).toBe(false);
    } finally {
      fs.rmSync(cache, { recursive: true, force: true });
    }
  });

  it('TOE_WAVES=1 builds a traced model and writes waves without code changes', async () => {
    const waves = fs.mkdtempSync(path.join(os.tmpdir(), 'toe-vl-waves-'));
    const saved = { w: process.env.TOE_WAVES, d: process.env.TOE_WAVES_DIR };
    process.env.TOE_WAVES = '1';
    process.env.TOE_WAVES_DIR = waves;
    try {
      const m = await buildModel(counterSpec());
      expect(m.build.trace).toBe('fst');
      const file = m.tracing!;
      expect(path.dirname(file)).toBe(waves);
      m.portN('en').set(1);
      m.runCycles(100);
      m.dispose(); // closes the trace
      expect(fs.statSync(file).size).toBeGreaterThan(100);
    } finally {
      process.env.TOE_WAVES = saved.w;
      process.env.TOE_WAVES_DIR = saved.d;
      if (saved.w === undefined) delete process.env.TOE_WAVES;
      if (saved.d === undefined) delete process.env.TOE_WAVES_DIR;
      fs.rmSync(waves, { recursive: true, force: true });
    }
  });
});
