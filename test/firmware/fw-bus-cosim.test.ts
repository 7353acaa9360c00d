// The firmware cores talking to the hardware model through RTL firmware-bus instances (sim/toe_model/fw-bus-*):
// first one bus port against a queue model under random traffic, with exact bus-cycle figures and both kinds of
// backpressure; then two TOEs whose four cores each go through their own fw_bus: a handshake and a bulk transfer
// each way, byte-exact, compared with the in-memory path, with the measured bus cycles and utilisations reported.
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { simBackends } from '../backends.ts';
import { COMMAND_DEFS, EVENT_DEFS, command, event, type CommandKind, type EventKind, type FwCommand, type FwEvent } from '../../firmware/api.ts';
import { DEFAULT_COSTS } from '../../firmware/costs.ts';
import { STATUS_STICKY_MASK } from '../../blocks/fw_bus/regmap.ts';
import { FwBusPort, type FwBusPortOptions } from '../../sim/toe_model/fw-bus-port.ts';
import { FwBusCosim, formatFwBusReport, type FwBusCosimOptions } from '../../sim/toe_model/fw-bus-cosim.ts';
import { recordToBits, regWord, regWordsOf } from '../../sim/toe_model/fw-bus-records.ts';
import { connect, makePair, utilisationReport, type Pair } from './harness.ts';
import { bidirectional } from './transfer.ts';

type Defs = Record<string, { fields: Record<string, number> }>;

/** A record of a random kind with random field values (every field over its whole range). */
function recordArb<T>(defs: Defs, build: (kind: string, f: Record<string, number>) => T): fc.Arbitrary<T> {
  return fc.constantFrom(...Object.keys(defs)).chain((kind) =>
    fc.record(Object.fromEntries(Object.entries(defs[kind]!.fields).map(([f, w]) => [f, fc.integer({ min: 0, max: 2 ** w - 1 })])))
      .map((fields) => build(kind, fields)));
}
const eventArb = recordArb(EVENT_DEFS as Defs, (k, f) => event(k as EventKind, f) as FwEvent);
const commandArb = recordArb(COMMAND_DEFS as Defs, (k, f) => command(k as CommandKind, f) as FwCommand);

/** The block's own counters agree with what the port did; no refusal, no empty pop, no bad access, no sticky error. */
function expectBusClean(port: FwBusPort, what: string): void {
  const c = port.readCounters(), s = port.stats;
  expect({ popped: c.popped, pushed: c.pushed, refused: c.refused, emptyPops: c.emptyPops, bad: c.bad, sticky: c.status & STATUS_STICKY_MASK }, what)
    .toEqual({ popped: s.eventsPopped, pushed: s.commandsPushed, refused: 0, emptyPops: 0, bad: 0, sticky: 0 });
}

describe.each(simBackends())('firmware through RTL fw_bus instances (%s)', (backend) => {
  describe('one bus port against a queue model', () => {
    const ports: FwBusPort[] = [];
    const port = async (o: FwBusPortOptions) => { const p = await FwBusPort.create({ backend, ...o }); ports.push(p); return p; };
    afterAll(() => { for (const p of ports) p.close(); });

    it('random events and commands arrive whole and in order; none is dropped, a full queue holds or waits', async () => {
      const p = await port({ eventDepth: 4, commandDepth: 2, cmdBackpressure: 0.97, axi: { validDelay: 2, backpressure: 0.3 }, seed: 7 });
      const op = fc.oneof(
        { weight: 3, arbitrary: fc.record({ t: fc.constant('offer' as const), ev: eventArb }) },
        { weight: 2, arbitrary: fc.record({ t: fc.constant('pop' as const) }) },
        { weight: 2, arbitrary: fc.record({ t: fc.constant('push' as const), cmd: commandArb }) },
      );
      fc.assert(fc.property(fc.array(op, { minLength: 10, maxLength: 60 }), (ops) => {
        const model: FwEvent[] = [], pushed: FwCommand[] = [];
        const pop = () => {
          const ready = p.eventForCore();
          expect(ready).toBe(model.length > 0);
          if (ready) expect(p.popEvent()).toEqual(model.shift());
        };
        for (const o of ops) {
          if (o.t === 'offer') { p.offer(o.ev); model.push(o.ev); }
          else if (o.t === 'pop') pop();
          else { p.pushCommand(o.cmd); pushed.push(o.cmd); }
        }
        while (model.length > 0) pop();
        expect(p.eventForCore()).toBe(false);
        p.drainCommands();
        expect(p.takeCommands()).toEqual(pushed);
        expect(p.eventsWaiting).toBe(0);
      }), { seed: 20261205, numRuns: 60 });
      expect(p.stats.eventsHeld, JSON.stringify(p.stats)).toBeGreaterThan(0);
      expect(p.stats.commandWaitCycles, JSON.stringify(p.stats)).toBeGreaterThan(0);
      expectBusClean(p, 'after the random runs');
    });

    it('bus cycles: 2 per access; an event costs EVENT_COUNT (when none is counted) + its words + EVENT_POP, a command its changed words + CMD_PUSH', async () => {
      const p = await port({});
      const ack = event('ACK', { conn: 3, snd_una: 0x1234_5678, snd_wnd: 65535, advanced: 1 });
      const seg = event('SEG', { conn: 1, seq: 0xdead_beef, rcv_nxt: 7, opt_tsecr: 0xffff_ffff });
      expect([regWordsOf('ACK', 'event'), regWordsOf('SEG', 'event')]).toEqual([3, 11]);
      p.offer(ack); p.offer(seg);
      expect(p.eventForCore()).toBe(true);
      const cyc = () => p.stats.eventCycles;
      let c0 = cyc();
      expect(p.popEvent()).toEqual(ack);
      expect(cyc() - c0).toBe(2 * (1 + 3 + 1)); // EVENT_COUNT (reads 2), 3 data words, EVENT_POP
      c0 = cyc();
      expect(p.popEvent()).toEqual(seg);
      expect(cyc() - c0).toBe(2 * (11 + 1)); // counted already: no EVENT_COUNT
      const tx = command('TX_SEG', { conn: 1, seq: 1000, len: 1448, flags: 0x18 });
      const words = regWordsOf('TX_SEG', 'command');
      let k0 = p.stats.commandCycles;
      p.pushCommand(tx);
      expect(p.stats.commandCycles - k0).toBe(2 * (1 + words + 1)); // CMD_SPACE, every word (nothing staged yet), CMD_PUSH
      const tx2 = command('TX_SEG', { conn: 1, seq: 2448, len: 1448, flags: 0x18 });
      const changed = Array.from({ length: words }, (_, i) => i).filter((i) => regWord(recordToBits(tx, 'command'), i) !== regWord(recordToBits(tx2, 'command'), i));
      expect(changed.length).toBeGreaterThan(0);
      expect(changed.length).toBeLessThan(words);
      k0 = p.stats.commandCycles;
      p.pushCommand(tx2);
      expect(p.stats.commandCycles - k0).toBe(2 * (changed.length + 1)); // only the words seq touches; space still known
      p.drainCommands();
      expect(p.takeCommands().map((c) => (c as { seq: number }).seq)).toEqual([1000, 2448]);
      expectBusClean(p, 'directed');
    });

    it('a full event queue holds the hardware\'s events; a deliberately dropping model loses them and is caught', async () => {
      for (const dropWhenFull of [false, true]) {
        const p = await port({ eventDepth: 2, faults: { dropWhenFull } });
        const evs = Array.from({ length: 7 }, (_, i) => event('TIMER', { conn: i, timer: 1 }));
        for (const e of evs) p.offer(e);
        const got: FwEvent[] = [];
        while (p.eventForCore()) got.push(p.popEvent()!);
        if (dropWhenFull) {
          expect(got.length).toBeLessThan(evs.length);
          expect(p.stats.eventsDropped).toBe(evs.length - got.length);
        } else {
          expect(got).toEqual(evs);
          expect(p.stats.eventsHeld).toBe(evs.length - 2);
          expect(p.stats.maxHeld).toBe(evs.length - 2);
        }
      }
    });
  });

  describe('two TOEs, four cores, each on its own fw_bus', () => {
    let cosim: FwBusCosim;
    const pairWith = async (o: FwBusCosimOptions, extra: Parameters<typeof makePair>[0] = {}) => {
      cosim = await FwBusCosim.create(['A', 'B'], { backend, ...o });
      return makePair({ ...extra, a: { ...extra.a, coreRunner: cosim.coreRunner('A') }, b: { ...extra.b, coreRunner: cosim.coreRunner('B') } });
    };
    const done = () => cosim?.close();
    afterAll(done);

    const expectAllClean = (p: Pair) => {
      expect(p.wire.bad, p.wire.badDetail.join('\n')).toBe(0);
      expect(p.a.leaks()).toEqual({ skbsInUse: 0, hwConns: 0, fwConns: 0 });
      expect(p.b.leaks()).toEqual({ skbsInUse: 0, hwConns: 0, fwConns: 0 });
      expect([...p.a.refusals, ...p.b.refusals]).toEqual([]);
      for (const r of cosim.runners) {
        expect(r.port.stats.eventsPopped, r.name).toBeGreaterThan(0);
        expect(r.port.eventsWaiting, `${r.name}: events left behind`).toBe(0);
        expectBusClean(r.port, r.name);
      }
    };

    it('handshake', async () => {
      const p = await pairWith({});
      const { ca, cb } = connect(p);
      expect([ca.state, cb.state]).toEqual(['open', 'open']);
      expect(cosim.runners.map((r) => r.name).sort()).toEqual(['A.rx', 'A.tx', 'B.rx', 'B.tx']);
      for (const r of cosim.runners.filter((x) => x.name.endsWith('.rx'))) expect(r.port.stats.eventsPopped, r.name).toBeGreaterThan(0);
      for (const r of cosim.runners) expectBusClean(r.port, r.name);
      done();
    });

    const KiB = 1024, bytes = 1024 * KiB;
    it(`${bytes / KiB} KiB each way: byte-exact, all freed, the same bytes as the in-memory path; bus figures`, async () => {
      const mem = makePair();
      const rm = bidirectional(mem, bytes);
      const p = await pairWith({});
      const r = bidirectional(p, bytes);
      expect([r.gotB, r.gotA]).toEqual([r.sentA, r.sentB]);
      expect([r.gotB, r.gotA]).toEqual([rm.gotB, rm.gotA]);
      expectAllClean(p);
      const rows = cosim.report();
      for (const row of rows) {
        // An access is 2 bus cycles with this master; a pop is at least a data word and EVENT_POP.
        expect(row.cyclesPerEvent).toBeGreaterThanOrEqual(4);
        expect(row.cyclesPerCommand).toBeGreaterThanOrEqual(2);
        expect(row.commandWaitCycles).toBe(0);
      }
      for (const u of [p.a.utilisation(), p.b.utilisation()]) for (const x of [u.rx, u.tx]) { expect(x).toBeGreaterThan(0); expect(x).toBeLessThan(1); }
      console.log(`${utilisationReport(mem, 'in-memory path')}; ${rm.simMs.toFixed(3)} ms\n${utilisationReport(p, `RTL fw_bus (${backend})`)}; ` +
        `${r.simMs.toFixed(3)} ms\n${formatFwBusReport(rows)}\n(costs.ts: dispatch ${DEFAULT_COSTS.dispatch}, busAccess ${DEFAULT_COSTS.busAccess})`);
      done();
    });

    it('256 KiB each way through 2-deep queues, a slow command taker and a stalling interconnect: held events, waiting cores, still exact', async () => {
      const p = await pairWith({ eventDepth: 2, commandDepth: 2, cmdBackpressure: 0.7, axi: { validDelay: 2, backpressure: 0.3 }, seed: 3 });
      const r = bidirectional(p, 256 * KiB);
      expect([r.gotB, r.gotA]).toEqual([r.sentA, r.sentB]);
      expectAllClean(p);
      const rows = cosim.report();
      expect(rows.reduce((a, x) => a + x.eventsHeld, 0)).toBeGreaterThan(0);
      expect(rows.reduce((a, x) => a + x.commandWaitCycles, 0)).toBeGreaterThan(0);
      console.log(`${utilisationReport(p, `backpressure (${backend})`)}\n${formatFwBusReport(rows)}`);
      done();
    });
  });
});
