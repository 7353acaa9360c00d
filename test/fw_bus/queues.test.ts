// The event and command queues under random traffic from both sides and random AXI4-Lite timing, against the
// cycle-exact queue model: every EVENT_COUNT, CMD_SPACE and push outcome, every event and command byte-exact.
import { afterAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { simBackends } from '../backends.ts';
import { AxiResp, regAddr, STATUS_STICKY_MASK } from '../../blocks/fw_bus/regmap.ts';
import { FwBusEnv, TEST_PARAMS, fwBusSim, randomBits, rng, type FwBusSim } from './env.ts';
import { QueueModel } from './model.ts';

interface Case {
  seed: number;
  events: number;
  commands: number;
  validDelay: number;
  backpressure: number;
  eventGap: number;
  cmdBackpressure: number;
  /** Probability the firmware reads CMD_SPACE before a push. */
  checkSpace: number;
}

const caseArb: fc.Arbitrary<Case> = fc.record({
  seed: fc.integer({ min: 1, max: 1 << 30 }),
  events: fc.integer({ min: 0, max: 40 }),
  commands: fc.oneof(fc.integer({ min: 0, max: 40 }), fc.integer({ min: 20, max: 60 })),
  validDelay: fc.constantFrom(0, 0, 1, 3),
  backpressure: fc.constantFrom(0, 0.3, 0.7),
  eventGap: fc.constantFrom(0, 0.5, 0.95),
  // Heavy backpressure fills the command queue, so pushes get refused.
  cmdBackpressure: fc.constantFrom(0, 0.5, 0.9, 0.97, 0.99, 0.99),
  checkSpace: fc.constantFrom(0, 0.5),
});

/** Runs one case; throws on the first disagreement with the model. `breakModel` injects a model bug. */
function runCase(sim: FwBusSim, c: Case, breakModel?: (m: QueueModel) => void): { refused: number; cycles: number } {
  const p = TEST_PARAMS;
  const env = new FwBusEnv(sim, {
    seed: c.seed, timing: { validDelay: c.validDelay, backpressure: c.backpressure }, eventGap: c.eventGap, cmdBackpressure: c.cmdBackpressure,
  });
  const rand = rng(c.seed);
  const model = new QueueModel(p.commandDepth, env.eventTaken, env.cmdSeen);
  breakModel?.(model);
  const drv = env.drv;
  drv.init();
  for (let i = 0; i < c.events; i++) env.events.send({ data: randomBits(rand, p.eventBits) });
  const commands = Array.from({ length: c.commands }, () => randomBits(rand, p.commandBits));
  const lastRead = (offset: number) => [...env.ops].reverse().find((o) => o.kind === 'read' && o.addr === offset)!;
  const start = sim.cycle;

  let next = 0;
  for (let iter = 0; model.popped < c.events || next < commands.length; iter++) {
    if (iter > 20 * (c.events + c.commands) + 200) throw new Error(`no progress: ${model.popped}/${c.events} events, ${next}/${commands.length} commands`);
    const r = rand();
    if (r < 0.45) {
      const got = drv.popEvent();
      const count = lastRead(regAddr('EVENT_COUNT'));
      expect(count.value, `EVENT_COUNT read in cycle ${count.arAcceptedAt}`).toBe(model.eventCount(count.arAcceptedAt!));
      if (got === undefined) model.emptyReads++; else model.pop(got);
    } else if (r < 0.9 && next < commands.length) {
      if (rand() < c.checkSpace) {
        const space = drv.commandSpace();
        expect(space, `CMD_SPACE read in cycle ${drv.last!.acceptedAt}`).toBe(model.cmdSpace(drv.last!.acceptedAt!));
      }
      const ok = drv.pushCommand(commands[next]!);
      const push = env.ops[env.ops.length - 1]!;
      expect(ok, `CMD_PUSH in cycle ${push.acceptedAt}`).toBe(model.push(commands[next]!, push.acceptedAt!));
      if (ok) next++;
    } else {
      sim.step(1 + Math.floor(rand() * 8));
    }
    model.checkCommandsOut();
  }
  env.cmds.setBackpressure(0);
  sim.until(() => env.cmdSeen.length === model.pushed.length, { timeout: 1_000, what: 'the command queue to drain' });
  model.checkCommandsOut();
  expect(env.cmdSeen.length).toBe(c.commands);
  expect(model.popped).toBe(c.events);

  // The counters and STATUS agree with what happened; nothing else was flagged.
  expect(drv.read('EVENTS_POPPED')).toBe(c.events);
  expect(drv.read('COMMANDS_PUSHED')).toBe(c.commands);
  expect(drv.read('PUSHES_REFUSED')).toBe(model.refused);
  expect(drv.read('EMPTY_POPS')).toBe(0);
  expect(drv.read('BAD_ACCESSES')).toBe(0);
  expect(drv.read('STATUS') & STATUS_STICKY_MASK).toBe(model.refused > 0 ? 1 : 0);
  expect(drv.read('EVENT_COUNT')).toBe(0);
  expect(drv.read('CMD_SPACE')).toBe(p.commandDepth);
  expect(env.ops.every((o) => o.resp === AxiResp.OKAY || o.addr === regAddr('CMD_PUSH'))).toBe(true);
  return { refused: model.refused, cycles: sim.cycle - start };
}

describe.each(simBackends())('fw_bus queues (%s)', async (backend) => {
  const sim = await fwBusSim(backend);
  afterAll(() => sim.close());

  it('matches the queue model under random traffic and random AXI4-Lite timing', () => {
    let refused = 0, refusingCases = 0, cases = 0;
    fc.assert(fc.property(caseArb, (c) => {
      const r = runCase(sim, c).refused;
      refused += r;
      if (r) refusingCases++;
      cases++;
    }), { seed: 0xf1b, numRuns: 60, endOnFailure: true });
    // The random cases reach the full-queue refusal path.
    expect(refusingCases).toBeGreaterThan(3);
    expect(refused).toBeGreaterThan(20);
    expect(cases).toBe(60);
  });

  it('fills both queues completely: 16 events wait, 16 commands queue, the 17th is refused', () => {
    const env = new FwBusEnv(sim, { cmdBackpressure: 1 });
    const drv = env.drv;
    drv.init();
    const rand = rng(5);
    const evs = Array.from({ length: 20 }, () => randomBits(rand, 128));
    for (const e of evs) env.events.send({ data: e });
    sim.step(40);
    expect(env.events.pending).toBe(4); // the hardware is held off
    expect(drv.eventCount()).toBe(16);
    const cmds = Array.from({ length: 17 }, () => randomBits(rand, 128));
    cmds.forEach((c, i) => expect(drv.pushCommand(c), `push ${i}`).toBe(i < 16));
    expect(drv.commandSpace()).toBe(0);
    const got: bigint[] = [];
    for (let e = drv.popEvent(); e !== undefined; e = drv.popEvent()) got.push(e);
    expect(got).toEqual(evs);
    env.cmds.setBackpressure(0);
    sim.until(() => env.cmdSeen.length === 16, { timeout: 200 });
    expect(env.cmdSeen.map((x) => x.data)).toEqual(cmds.slice(0, 16));
    // The refused command is still staged: a retry pushes it.
    expect(drv.pushCommand(cmds[16]!)).toBe(true);
    sim.until(() => env.cmdSeen.length === 17, { timeout: 200 });
    expect(env.cmdSeen[16]!.data).toBe(cmds[16]);
  });

  it('a broken model fails the check (the test can fail)', () => {
    // The model believes the queue holds one more command than it does.
    const c: Case = { seed: 9, events: 4, commands: 30, validDelay: 0, backpressure: 0, eventGap: 0, cmdBackpressure: 0.99, checkSpace: 0 };
    expect(() => runCase(sim, c, (m) => { (m as { commandDepth: number }).commandDepth = TEST_PARAMS.commandDepth + 1; })).toThrow();
    // It believes an event shows in EVENT_COUNT a cycle earlier than it does.
    const early = { ...c, commands: 0, events: 20, eventGap: 0.7 };
    expect(() => runCase(sim, early, (m) => { m.eventCount = (cy) => QueueModel.prototype.eventCount.call(m, cy + 1); })).toThrow();
    // And the unbroken model passes both.
    expect(() => runCase(sim, c)).not.toThrow();
    expect(() => runCase(sim, early)).not.toThrow();
  });
});
