// A non-default instance: event and command widths that are not multiples of 32 bits (the last word is
// zero-padded on read and truncated on write), small queues, 512-bit maximum words.
import { afterAll, describe, expect, it } from 'vitest';
import { simBackends } from '../backends.ts';
import { ConfigFields, fieldsValue } from '../../blocks/fw_bus/regmap.ts';
import { FwBusEnv, fwBusSim, randomBits, rng } from './env.ts';

describe.each(simBackends())('fw_bus with odd widths (%s)', async (backend) => {
  const sim = await fwBusSim(backend, { eventBits: 72, commandBits: 40, eventDepth: 4, commandDepth: 2 });
  afterAll(() => sim.close());

  it('72-bit events and 40-bit commands pass byte-exact; CONFIG says so', () => {
    const env = new FwBusEnv(sim, { timing: { validDelay: 2, backpressure: 0.3 }, cmdBackpressure: 0.9, eventGap: 0.3 });
    const drv = env.drv;
    expect(drv.read('CONFIG')).toBe(fieldsValue(ConfigFields, { eventWords: 3, commandWords: 2, eventDepthLog2: 2, commandDepthLog2: 1 }));
    const rand = rng(3);
    const evs = Array.from({ length: 12 }, () => randomBits(rand, 72));
    evs.push((1n << 72n) - 1n);
    for (const e of evs) env.events.send({ data: e });
    const got: bigint[] = [];
    while (got.length < evs.length) {
      const e = drv.popEvent();
      if (e !== undefined) got.push(e); else sim.step(2);
    }
    expect(got).toEqual(evs);
    // The third word of an event carries 8 bits; the rest reads 0.
    env.events.send({ data: (1n << 72n) - 1n });
    sim.step(4);
    expect(drv.read('EVENT_DATA', 2)).toBe(0xff);
    drv.popEvent();
    // The second CMD_DATA word holds 8 bits: the rest of a write is dropped.
    drv.write('CMD_DATA', 0xffff_ffff, 1);
    expect(drv.read('CMD_DATA', 1)).toBe(0xff);
    const cmds = Array.from({ length: 10 }, () => randomBits(rand, 40));
    let refused = 0;
    for (const c of cmds) while (!drv.pushCommand(c)) { refused++; sim.step(3); }
    env.cmds.setBackpressure(0);
    sim.until(() => env.cmdSeen.length === cmds.length, { timeout: 100 });
    expect(env.cmdSeen.map((x) => x.data)).toEqual(cmds);
    expect(refused).toBeGreaterThan(0);
    expect(drv.read('PUSHES_REFUSED')).toBe(refused);
  });
});

describe.each(simBackends())('fw_bus with 512-bit events (%s)', async (backend) => {
  const sim = await fwBusSim(backend, { eventBits: 512, commandBits: 512, eventDepth: 2, commandDepth: 2 });
  afterAll(() => sim.close());

  it('all sixteen words of an event and a command pass', () => {
    const env = new FwBusEnv(sim);
    const drv = env.drv;
    const rand = rng(8);
    const e = randomBits(rand, 512), c = randomBits(rand, 512);
    env.events.send({ data: e });
    sim.step(4);
    expect(drv.popEvent()).toBe(e);
    expect(drv.pushCommand(c)).toBe(true);
    sim.until(() => env.cmdSeen.length === 1, { timeout: 20 });
    expect(env.cmdSeen[0]!.data).toBe(c);
  });
});
