// The firmware-side driver over sim/host's AXI4-Lite master (fixed timing, no backpressure): the calls a
// firmware model makes, and the bus cycles it is charged for them.
import { afterAll, describe, expect, it } from 'vitest';
import { simBackends } from '../backends.ts';
import { AxiLiteMaster } from '../../sim/host/axil-master.ts';
import { FwBusDriver } from '../../sim/fw_bus/driver.ts';
import { WindowSlave } from '../../sim/fw_bus/window-slave.ts';
import { HsSink, HsSource } from '../../sim/host/handshake-agents.ts';
import type { MmioOp } from '../../sim/host/axil-master.ts';
import type { Agent } from '../../sim/harness.ts';
import { fwBusSim } from './env.ts';

describe.each(simBackends())('fw_bus driver over the host AXI4-Lite master (%s)', async (backend) => {
  const sim = await fwBusSim(backend);
  afterAll(() => sim.close());

  it('pops events, pushes commands, reads and writes the window, and accounts every bus cycle', () => {
    for (const a of [...sim.agents] as Agent[]) sim.removeAgent(a);
    const charged: number[] = [];
    const drv = new FwBusDriver(new AxiLiteMaster(sim), { onAccess: (_op: MmioOp, cycles) => charged.push(cycles) });
    const events = new HsSource(sim, 'event');
    const cmds = new HsSink(sim, 'cmd');
    const win = new WindowSlave(sim, () => ({ kind: 'answer', acceptDelay: 0, latency: 3 }));
    sim.reset();
    expect(drv.init()).toEqual({ eventWords: 4, commandWords: 4, eventDepth: 16, commandDepth: 16 });
    const e = 0x0123_4567_89ab_cdef_fedc_ba98_7654_3210n;
    events.send({ data: e });
    sim.step(4);

    const before = { ...drv.stats };
    expect(drv.popEvent()).toBe(e);
    const pop = { accesses: drv.stats.reads + drv.stats.writes - before.reads - before.writes, cycles: drv.stats.cycles - before.cycles };
    expect(pop.accesses).toBe(6); // EVENT_COUNT, 4 words, EVENT_POP
    expect(drv.popEvent()).toBeUndefined();

    const c1 = 0xaaaa_bbbb_cccc_dddd_0000_1111_2222_3333n;
    const c2 = c1 ^ 0xffn; // differs in word 0 only
    const w0 = drv.stats.writes;
    expect(drv.pushCommand(c1)).toBe(true);
    expect(drv.stats.writes - w0).toBe(5);
    expect(drv.pushCommand(c2)).toBe(true);
    expect(drv.stats.writes - w0).toBe(7); // only the changed word is rewritten
    sim.until(() => cmds.got.length === 2, { timeout: 20 });
    expect(cmds.got.map((r) => r.data)).toEqual([c1, c2]);

    drv.writeWindow(100, 0xcafe_f00d);
    expect(drv.readWindow(100)).toBe(0xcafe_f00d);
    expect(win.taken.map((r) => r.addr)).toEqual([100, 100]);

    // Every access is charged, and the charges add up to the bus time.
    expect(charged.length).toBe(drv.stats.reads + drv.stats.writes);
    expect(charged.reduce((a, b) => a + b, 0)).toBe(drv.stats.cycles);
    expect(drv.stats.errors).toBe(0);
    // With a master that never stalls, a register access takes 2 cycles and a pop of a 4-word event 12.
    expect(pop.cycles).toBe(12);
    expect(Math.min(...charged)).toBe(2);
  });
});
