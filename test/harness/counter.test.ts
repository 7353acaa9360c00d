import { describe, it, expect, afterAll } from 'vitest';
import { simulate } from '../../sim/harness.ts';
import { Counter } from '../../examples/counter.ts';

describe('harness on the counter', async () => {
  const sim = await simulate(Counter, { width: 8 }, { backend: 'verilator' });
  afterAll(() => sim.close());
  it('counts, clears and wraps', () => {
    sim.reset();
    expect(sim.peek('count')).toBe(0);
    sim.poke('enable', 1);
    sim.step(5);
    expect(sim.peek('count')).toBe(5);
    sim.poke('clear', 1);
    sim.step();
    expect(sim.peek('count')).toBe(0);
    sim.poke('clear', 0);
    const waited = sim.until(() => sim.peek('wrap') === 1, { timeout: 300 });
    expect(waited).toBe(255);
    sim.step();
    expect(sim.peek('count')).toBe(0);
  });
  it('until() names the cycle when it times out', () => {
    expect(() => sim.until(() => false, { timeout: 10, what: 'never' })).toThrow(/until\(never\): not reached after 10 cycles \(cycles \d+\.\.\d+\)/);
  });
});

// Port names are checked by TypeScript (test/typecheck.test.ts fails on an unexpected error here).
export function typedPorts(sim: Awaited<ReturnType<typeof simulate<{ width: number }, ReturnType<typeof Counter.body>>>>) {
  sim.poke('enable', 1);
  // @ts-expect-error 'enabel' is not a port of the counter
  sim.poke('enabel', 1);
  return sim.peek('count');
}
