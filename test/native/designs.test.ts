// Every design of designs.ts (blackboxes excepted) simulated natively and by the evalOp reference
// interpreter in lock step on random stimulus, every output every cycle, all clocks.
import { describe, expect, it } from 'vitest';
import { elaborate, type IrDesign } from '../../dsl/index.ts';
import { designs } from '../../designs.ts';
import { compileNative } from '../../sim/native/index.ts';
import { backendSim, fmtMismatch, lockstep, portInfo } from './harness.ts';
import { refSim } from './check.ts';

const CYCLES = 200;

describe('every registered design: native == reference', () => {
  for (const e of designs) {
    it(e.name, (ctx) => {
      let d: IrDesign;
      try { d = elaborate(e.def, e.params); } catch (err) {
        console.warn(`${e.name}: does not elaborate (${(err as Error).message.split('\n')[0]}); skipped`);
        ctx.skip();
        return;
      }
      if (d.modules.some((m) => m.blackbox)) { ctx.skip(); return; }
      const sim = compileNative(d);
      const ports = portInfo(sim.ports);
      for (const simultaneous of [true, false]) {
        const m = lockstep(ports, refSim(d), backendSim(compileNative(d), ports), { cycles: CYCLES, seed: e.name.length, simultaneous, resetRate: 1 / 64 });
        expect(m && fmtMismatch(m)).toBeUndefined();
      }
    }, 300_000);
  }
});
