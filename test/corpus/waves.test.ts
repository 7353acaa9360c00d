// Waveforms and failure reports through the harness on every back end: `waves: true` writes an FST (Verilator)
// or VCD (native) file under the waves folder; a VCD holds the expected signals with value changes at the right
// times (one clock and two); a failing expectPort / until names the cycle and lists every port's value.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { simBackends } from '../backends.ts';
import { projectRoot } from '../../gen/root.ts';
import { simulate, SimTimeout, type Sim } from '../../sim/harness.ts';
import { Counter } from '../../examples/counter.ts';
import { AsyncFifo } from '../../examples/async-fifo.ts';
import { BeatSink, BeatSource, Rng } from './util.ts';

const wavesDir = () => path.resolve(process.env.TOE_WAVES_DIR ?? path.join(projectRoot(), 'waves'));

/** A VCD's variables (name → id code, the first scope that declares it) and value changes (id → [time, value]). */
function parseVcd(text: string) {
  const [head, body] = text.split('$enddefinitions');
  const ids = new Map<string, string>();
  for (const m of head!.matchAll(/\$var\s+\w+\s+\d+\s+(\S+)\s+(\S+)/g)) if (!ids.has(m[2]!)) ids.set(m[2]!, m[1]!);
  const changes = new Map<string, [number, bigint][]>();
  let t = 0;
  for (const line of body!.split('\n')) {
    const s = line.trim();
    if (!s || s.startsWith('$')) continue;
    if (s[0] === '#') { t = Number(s.slice(1)); continue; }
    let id: string, v: bigint;
    if (s[0] === 'b') { const [bits, code] = s.slice(1).split(/\s+/); id = code!; v = /^[01]+$/.test(bits!) ? BigInt(`0b${bits}`) : -1n; }
    else { id = s.slice(1); v = s[0] === '1' ? 1n : s[0] === '0' ? 0n : -1n; }
    if (!changes.has(id)) changes.set(id, []);
    changes.get(id)!.push([t, v]);
  }
  const of = (name: string) => {
    const id = ids.get(name);
    if (!id) throw new Error(`the VCD has no variable '${name}' (has: ${[...ids.keys()].join(', ')})`);
    return changes.get(id) ?? [];
  };
  return { ids, of };
}

/** Runs the 8-bit counter for a while with a wave file; returns the file's path. */
async function counterWithWaves(backend: 'verilator' | 'native', waves: true | 'vcd', name: string) {
  const file = path.join(wavesDir(), `${name}.${waves === true ? (backend === 'verilator' ? 'fst' : 'vcd') : 'vcd'}`);
  fs.rmSync(file, { force: true });
  const sim = await simulate(Counter, { width: 8 }, { backend, waves, name });
  try {
    expect(sim.wavePath).toBe(file);
    sim.poke('enable', 0); sim.poke('clear', 0);
    sim.reset(2);
    sim.poke('enable', 1);
    sim.step(20);
    sim.poke('enable', 0);
    sim.step(5);
  } finally {
    sim.close();
  }
  return file;
}

describe.each(simBackends())('waves and failure reports on %s', (backend) => {
  it(`waves: true writes a non-empty ${backend === 'verilator' ? 'FST' : 'VCD'} file under the waves folder`, async () => {
    const file = await counterWithWaves(backend, true, `corpus_${backend}_counter_default`);
    expect(path.dirname(file)).toBe(wavesDir());
    expect(fs.existsSync(file)).toBe(true);
    const size = fs.statSync(file).size;
    expect(size).toBeGreaterThan(0);
    if (backend === 'native') {
      const text = fs.readFileSync(file, 'utf8');
      expect(text).toMatch(/\$var wire 8 \S+ count \[7:0\] \$end/);
      expect(text).toMatch(/\$var wire 1 \S+ enable \$end/);
    } else {
      // An FST file opens with its header block (block type 0).
      expect(fs.readFileSync(file).subarray(0, 1)[0]).toBe(0);
      expect(size).toBeGreaterThan(100);
    }
  });

  describe('a VCD of the counter', () => {
    let vcd: ReturnType<typeof parseVcd> | undefined;
    const load = async () => (vcd ??= parseVcd(fs.readFileSync(await counterWithWaves(backend, 'vcd', `corpus_${backend}_counter_vcd`), 'utf8')));
    const P = 10_000;

    it('has the ports and internal signals, and count steps 1..20 once per cycle, each change inside its cycle', async () => {
      const v = await load();
      for (const n of ['clk', 'rst', 'enable', 'clear', 'count', 'wrap', 'value']) expect(v.ids.has(n)).toBe(true);
      const count = v.of('count').filter(([, x]) => x !== 0n);
      expect(count.map(([, x]) => Number(x))).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
      // Count k comes from edge 2 + k (two reset cycles, then enabled): within that cycle's (start, end].
      count.forEach(([t], i) => {
        const edge = 3 + i;
        expect({ k: i + 1, inCycle: t > (edge - 1) * P && t <= edge * P }).toEqual({ k: i + 1, inCycle: true });
      });
      // rst is high during the first two cycles only.
      const rst = v.of('rst');
      expect(rst.filter(([, x]) => x === 1n).length).toBe(1);
      expect(rst.at(-1)![1]).toBe(0n);
      expect(rst.at(-1)![0]).toBeLessThanOrEqual(3 * P);
    });

    // native: the VCD shows clk stuck at 0 (sim/native-engine.ts never drives the clock port's value, it only calls
    // edge()), so the clock has no toggles. Reported; remove `.fails` when the native engine records clock levels.
    it('shows clk toggling twice per cycle, rising once per cycle', async () => {
      const v = await load();
      const clk = v.of('clk');
      const rises = clk.filter(([, x]) => x === 1n).map(([t]) => t);
      expect(rises.length).toBeGreaterThanOrEqual(27);
      for (let i = 1; i < rises.length; i++) expect(rises[i]! - rises[i - 1]!).toBe(P);
    });
  });

  it('two clocks: a wave file of the dual-clock FIFO; on VCD each domain changes only at its own clock edges', async () => {
    const name = `corpus_${backend}_async_fifo`;
    const [wr, rd] = [10_000, 14_000];
    const sim = await simulate(AsyncFifo, { width: 16, depth: 16 }, { backend, waves: true, name, clocks: { wr_clk: wr, rd_clk: rd } }) as Sim<unknown>;
    try {
      sim.poke('in_tvalid' as never, 0); sim.poke('out_tready' as never, 0);
      sim.reset(6);
      const r = new Rng(3);
      const words = Array.from({ length: 100 }, () => ({ tdata: BigInt(r.int(65536)) }));
      new BeatSource(sim, 'in', words, { gap: 0.3, seed: 1, clock: 'wr_clk' });
      const snk = new BeatSink(sim, 'out', { backpressure: 0.3, seed: 2, clock: 'rd_clk' });
      sim.until(() => snk.beats.length === words.length, { timeout: 5000 });
      expect(snk.beats).toEqual(words);
    } finally {
      sim.close();
    }
    const file = sim.wavePath!;
    expect(fs.statSync(file).size).toBeGreaterThan(0);
    if (!file.endsWith('.vcd')) return;
    const v = parseVcd(fs.readFileSync(file, 'utf8'));
    // Registers of the write domain change only at multiples of the write period, the read domain's at the read period's.
    const wrTimes = [...v.of('wrBin'), ...v.of('wrGray')].map(([t]) => t).filter((t) => t > 0);
    const rdTimes = [...v.of('rdBin'), ...v.of('rdGray'), ...v.of('outValid')].map(([t]) => t).filter((t) => t > 0);
    expect(wrTimes.length).toBeGreaterThan(100);
    expect(rdTimes.length).toBeGreaterThan(100);
    expect(wrTimes.filter((t) => t % wr !== 0)).toEqual([]);
    expect(rdTimes.filter((t) => t % rd !== 0)).toEqual([]);
  });

  it('a failing expectPort names the cycle and lists every port value; until() timing out says where', async () => {
    const sim = await simulate(Counter, { width: 8 }, { backend });
    try {
      sim.poke('enable', 0); sim.poke('clear', 0);
      sim.reset(2);
      sim.poke('enable', 1);
      sim.step(5);
      expect(sim.cycle).toBe(7);
      sim.expectPort('count', 5);
      let msg = '';
      try { sim.expectPort('count', 99, 'after five cycles'); } catch (e) { msg = (e as Error).message; }
      expect(msg).toMatch(/^after five cycles: port 'count' is 5, expected 99 at cycle 7\n/);
      expect(msg).toContain(`simulator ${backend}, top counter_width8, cycle 7, time 70000 ps`);
      for (const line of [/in +clk +=/, /in +rst +=/, /in +enable +=/, /in +clear +=/, /out +count +=/, /out +wrap +=/]) expect(msg).toMatch(line);
      expect(msg).toMatch(/in +enable +=\s+1\n/);
      expect(msg).toMatch(/out +count +=\s+5\n/);
      expect(() => sim.expectPort('wrap', true)).toThrow(/port 'wrap' is 0, expected 1 at cycle 7/);
      expect(() => sim.until(() => sim.peek('count') === 200, { timeout: 10, what: 'count 200' }))
        .toThrow(/until\(count 200\): not reached after 10 cycles \(cycles 7\.\.17\)\nsimulator /);
      try { sim.until(() => false, { timeout: 1 }); } catch (e) { expect(e).toBeInstanceOf(SimTimeout); }
      // A typo'd port name says which ports there are.
      expect(() => sim.peek('cnt' as never)).toThrow(/counter_width8 has no port 'cnt' \(ports: clk, rst, enable, clear, count, wrap\)/);
      expect(() => sim.poke('count' as never, 1)).toThrow(/cannot poke output 'count'/);
    } finally {
      sim.close();
    }
  });

  it('wide ports print in hex in the failure report', async () => {
    const { WideDatapath } = await import('../../examples/wide-datapath.ts');
    const sim = await simulate(WideDatapath, { width: 130 }, { backend });
    try {
      sim.poke('a', (1n << 130n) - 1n);
      expect(sim.describe()).toMatch(new RegExp(`in +a +=\\s+0x3${'f'.repeat(32)}\\n`));
      expect(() => sim.expectPort('a', 0)).toThrow(/port 'a' is 1361129467683753853853498429727072845823, expected 0 at cycle 0/);
    } finally {
      sim.close();
    }
  });
});
