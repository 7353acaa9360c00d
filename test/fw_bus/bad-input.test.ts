// Every kind of bad input from the firmware side, each with its defined outcome (README.md, "Bad input"):
// unmapped addresses, wrong-direction accesses, empty pops, full pushes, unaligned addresses, partial strobes.
// Plus the fixed registers, STATUS's write-1-to-clear, the interrupt, and read/write fairness.
import { afterAll, describe, expect, it } from 'vitest';
import { simBackends } from '../backends.ts';
import {
  AxiResp, ConfigFields, FW_BUS_ID, FW_BUS_VERSION, REGISTERS, StatusFields, fieldOf, fieldsValue, regAddr, type RegSpec,
} from '../../blocks/fw_bus/regmap.ts';
import type { TimedMmioOp } from '../../sim/fw_bus/timed-axil-master.ts';
import { FwBusEnv, fwBusSim } from './env.ts';

const status = (name: string, word: number) => fieldOf(StatusFields, name, word);

describe.each(simBackends())('fw_bus bad input (%s)', async (backend) => {
  const sim = await fwBusSim(backend);
  afterAll(() => sim.close());

  /** A fresh bench and a raw access helper (any address, any strobe). */
  function bench() {
    const env = new FwBusEnv(sim, { timing: { validDelay: 1, backpressure: 0.3, seed: 4 } });
    const raw = (kind: 'read' | 'write', addr: number, data = 0, strb = 0xf): TimedMmioOp => {
      const op = kind === 'read' ? env.master.read(addr) : env.master.write(addr, data, strb);
      sim.until(() => op.done, { timeout: 200, what: `${kind} of 0x${addr.toString(16)}` });
      return op;
    };
    return { env, drv: env.drv, raw };
  }

  it('ID, VERSION and CONFIG describe the instance; the driver reads them', () => {
    const { drv } = bench();
    expect(drv.read('ID')).toBe(FW_BUS_ID);
    expect(drv.read('VERSION')).toBe(FW_BUS_VERSION);
    expect(drv.read('CONFIG')).toBe(fieldsValue(ConfigFields, { eventWords: 4, commandWords: 4, eventDepthLog2: 4, commandDepthLog2: 4 }));
    expect(drv.init()).toEqual({ eventWords: 4, commandWords: 4, eventDepth: 16, commandDepth: 16 });
    expect(drv.read('STATUS')).toBe(0);
    expect(drv.read('IRQ_ENABLE')).toBe(1);
  });

  it('unmapped addresses answer DECERR, read 0, change nothing, and are counted', () => {
    const { drv, raw } = bench();
    // Gaps between registers, unimplemented EVENT_DATA/CMD_DATA words (4 words of 16), the end of the register half.
    const holes = [0x014, 0x01c, 0x030, 0x03c, 0x050, 0x07c, 0x090, 0x0bc, 0x0c0, 0x118, 0x1000, 0x7ffc];
    for (const a of holes) {
      const r = raw('read', a);
      expect([r.resp, r.value], `read 0x${a.toString(16)}`).toEqual([AxiResp.DECERR, 0]);
      expect(raw('write', a, 0xffff_ffff).resp, `write 0x${a.toString(16)}`).toBe(AxiResp.DECERR);
    }
    expect(drv.read('BAD_ACCESSES')).toBe(2 * holes.length);
    const s = drv.read('STATUS');
    expect(status('decodeError', s)).toBe(1);
    expect(status('accessError', s)).toBe(0);
    expect(drv.read('CMD_DATA', 3)).toBe(0); // the write to CMD_DATA[4] went nowhere
    expect(drv.read('EVENTS_POPPED') + drv.read('COMMANDS_PUSHED')).toBe(0);
  });

  it('every mapped register decodes (one access to each implemented word is not DECERR)', () => {
    const { raw } = bench();
    const regs: readonly RegSpec[] = REGISTERS;
    for (const r of regs) {
      if (r.access === 'window') continue;
      const n = r.name === 'EVENT_DATA' || r.name === 'CMD_DATA' ? 4 : r.count ?? 1;
      for (let i = 0; i < n; i++) {
        const op = raw('read', r.offset + 4 * i);
        expect(op.resp, `${r.name}[${i}]`).toBe(r.access === 'wo' ? AxiResp.SLVERR : AxiResp.OKAY);
      }
    }
  });

  it('writes to read-only registers are refused with SLVERR and change nothing', () => {
    const { env, drv, raw } = bench();
    env.events.send({ data: 0x1234n });
    sim.step(5);
    const ro = ['ID', 'VERSION', 'CONFIG', 'EVENT_COUNT', 'CMD_SPACE', 'EVENT_DATA', 'EVENTS_POPPED', 'BAD_ACCESSES'] as const;
    const before = ro.map((n) => drv.read(n));
    for (const n of ro) expect(raw('write', regAddr(n), 0xa5a5_a5a5).resp, n).toBe(AxiResp.SLVERR);
    expect(ro.map((n) => (n === 'BAD_ACCESSES' ? drv.read(n) - ro.length : drv.read(n)))).toEqual(before);
    expect(status('accessError', drv.read('STATUS'))).toBe(1);
    // popped_* shows the event once, in the cycle EVENT_POP removes it (and never for the refused accesses above).
    const popped: bigint[] = [];
    sim.addAgent({ sample: () => { if (Number(sim.peek('popped_valid'))) popped.push(BigInt(sim.peek('popped_data'))); } });
    expect(drv.popEvent()).toBe(0x1234n);
    sim.step(3);
    expect(popped).toEqual([0x1234n]);
  });

  it('reads of the write-only triggers are refused with SLVERR, read 0, and do not pop or push', () => {
    const { env, drv, raw } = bench();
    env.events.send({ data: 0x77n });
    sim.step(5);
    for (const n of ['EVENT_POP', 'CMD_PUSH'] as const) {
      const r = raw('read', regAddr(n));
      expect([r.resp, r.value], n).toEqual([AxiResp.SLVERR, 0]);
    }
    expect(drv.eventCount()).toBe(1);
    expect(drv.commandSpace()).toBe(16);
    expect(drv.read('BAD_ACCESSES')).toBe(2);
    expect(env.cmdSeen.length).toBe(0);
  });

  it('EVENT_POP with no event waiting: SLVERR, STATUS.emptyPop, EMPTY_POPS; EVENT_DATA reads 0', () => {
    const { env, drv, raw } = bench();
    expect(drv.popEvent()).toBeUndefined();
    expect(raw('read', regAddr('EVENT_DATA', 0)).value).toBe(0);
    expect(raw('write', regAddr('EVENT_POP'), 0).resp).toBe(AxiResp.SLVERR);
    expect(raw('write', regAddr('EVENT_POP'), 0).resp).toBe(AxiResp.SLVERR);
    expect(drv.read('EMPTY_POPS')).toBe(2);
    expect(drv.read('EVENTS_POPPED')).toBe(0);
    expect(status('emptyPop', drv.read('STATUS'))).toBe(1);
    // A later event is delivered normally.
    env.events.send({ data: 5n });
    sim.step(4);
    expect(drv.popEvent()).toBe(5n);
  });

  it('CMD_PUSH on a full queue is refused and counted; the queued commands come out intact', () => {
    const { env, drv } = bench();
    env.cmds.setBackpressure(1);
    const cmds = Array.from({ length: 16 }, (_, i) => (BigInt(i + 1) << 96n) | 0xfeed_0000_0000_0000_0000_0000n | BigInt(i));
    for (const c of cmds) expect(drv.pushCommand(c)).toBe(true);
    for (let i = 0; i < 3; i++) expect(drv.pushCommand(0xbadn + BigInt(i))).toBe(false);
    expect(drv.read('PUSHES_REFUSED')).toBe(3);
    expect(drv.read('COMMANDS_PUSHED')).toBe(16);
    const s = drv.read('STATUS');
    expect([status('cmdRefused', s), status('cmdFull', s)]).toEqual([1, 1]);
    env.cmds.setBackpressure(0);
    sim.until(() => env.cmdSeen.length === 16, { timeout: 100 });
    sim.step(10);
    expect(env.cmdSeen.map((x) => x.data)).toEqual(cmds);
    expect(status('cmdFull', drv.read('STATUS'))).toBe(0);
  });

  it('address bits 1:0 are ignored: an unaligned read returns the whole word, an unaligned write writes by wstrb', () => {
    const { drv, raw } = bench();
    for (const low of [1, 2, 3]) expect(raw('read', regAddr('ID') + low).value).toBe(FW_BUS_ID);
    expect(raw('write', regAddr('CMD_DATA', 1) + 2, 0xaabb_ccdd, 0b1100).resp).toBe(AxiResp.OKAY);
    expect(drv.read('CMD_DATA', 1)).toBe(0xaabb_0000);
    expect(drv.read('BAD_ACCESSES')).toBe(0);
  });

  it('strobed writes: CMD_DATA and IRQ_ENABLE write only the strobed bytes; wstrb 0 writes nothing', () => {
    const { drv, raw } = bench();
    drv.write('CMD_DATA', 0x1122_3344, 0);
    raw('write', regAddr('CMD_DATA', 0), 0xaabb_ccdd, 0b0101);
    expect(drv.read('CMD_DATA', 0)).toBe(0x11bb_33dd);
    expect(raw('write', regAddr('CMD_DATA', 0), 0xffff_ffff, 0).resp).toBe(AxiResp.OKAY);
    expect(drv.read('CMD_DATA', 0)).toBe(0x11bb_33dd);
    raw('write', regAddr('IRQ_ENABLE'), 0x3, 0b0010); // byte 0 not strobed
    expect(drv.read('IRQ_ENABLE')).toBe(1);
    raw('write', regAddr('IRQ_ENABLE'), 0x2, 0b0001);
    expect(drv.read('IRQ_ENABLE')).toBe(2);
  });

  it('a trigger written with a partial wstrb is refused (SLVERR) and does not act', () => {
    const { env, drv, raw } = bench();
    env.events.send({ data: 9n });
    sim.step(5);
    for (const strb of [0, 1, 0b0111, 0b1000]) {
      expect(raw('write', regAddr('EVENT_POP'), 0, strb).resp).toBe(AxiResp.SLVERR);
      expect(raw('write', regAddr('CMD_PUSH'), 0, strb).resp).toBe(AxiResp.SLVERR);
    }
    expect(drv.eventCount()).toBe(1);
    expect(drv.commandSpace()).toBe(16);
    expect(drv.read('BAD_ACCESSES')).toBe(8);
    expect(status('accessError', drv.read('STATUS'))).toBe(1);
    expect(drv.popEvent()).toBe(9n);
  });

  it('STATUS: 1 clears a sticky bit (only in strobed bytes), 0 keeps it, live bits ignore writes', () => {
    const { env, drv, raw } = bench();
    raw('read', 0x014); // decodeError
    raw('write', regAddr('ID'), 0); // accessError
    raw('write', regAddr('EVENT_POP'), 0); // emptyPop
    env.events.send({ data: 1n });
    sim.step(5);
    const sticky = (s: number) => s & 0xffff;
    expect(sticky(drv.read('STATUS'))).toBe(0b1110);
    drv.write('STATUS', 0b0100 | (1 << 16)); // clears decodeError; eventPending is live
    let s = drv.read('STATUS');
    expect(sticky(s)).toBe(0b1010);
    expect(status('eventPending', s)).toBe(1);
    raw('write', regAddr('STATUS'), 0xffff_ffff, 0b1110); // byte 0 not strobed: nothing cleared
    expect(sticky(drv.read('STATUS'))).toBe(0b1010);
    drv.write('STATUS', 0);
    expect(sticky(drv.read('STATUS'))).toBe(0b1010);
    drv.write('STATUS', 0xff);
    s = drv.read('STATUS');
    expect(sticky(s)).toBe(0);
    expect(status('eventPending', s)).toBe(1);
  });

  it('irq: high while an event waits (IRQ_ENABLE.events), or a sticky error is set (IRQ_ENABLE.errors)', () => {
    const { env, drv, raw } = bench();
    expect(sim.peek('irq')).toBe(0);
    env.events.send({ data: 3n });
    sim.until(() => sim.peek('irq') === 1, { timeout: 5 });
    drv.write('IRQ_ENABLE', 0);
    expect(sim.peek('irq')).toBe(0);
    drv.write('IRQ_ENABLE', 1);
    expect(sim.peek('irq')).toBe(1);
    drv.popEvent();
    expect(sim.peek('irq')).toBe(0);
    raw('read', 0x7000);
    expect(sim.peek('irq')).toBe(0);
    drv.write('IRQ_ENABLE', 2);
    expect(sim.peek('irq')).toBe(1);
    drv.write('STATUS', 0xffff);
    expect(sim.peek('irq')).toBe(0);
  });

  it('a read and a write offered together are taken in turn (neither starves)', () => {
    const { env } = bench();
    env.master.detach();
    // Hold a write (CMD_DATA[0] <- n) and a read (CMD_DATA[0]) on the bus permanently and watch the handshakes.
    const set = (n: string, v: number) => sim.poke(`s_axil_${n}` as never, v);
    set('awaddr', regAddr('CMD_DATA', 0)); set('araddr', regAddr('CMD_DATA', 0)); set('wstrb', 0xf);
    set('awvalid', 1); set('wvalid', 1); set('arvalid', 1); set('bready', 1); set('rready', 1);
    const order: string[] = [];
    const reads: number[] = [];
    for (let c = 0; c < 40; c++) {
      set('wdata', order.filter((o) => o === 'W').length + 100);
      if (sim.peek('s_axil_awready' as never) === 1) order.push('W');
      if (sim.peek('s_axil_arready' as never) === 1) order.push('R');
      if (sim.peek('s_axil_rvalid' as never) === 1) reads.push(sim.peekN('s_axil_rdata' as never));
      sim.step(1);
    }
    set('awvalid', 0); set('wvalid', 0); set('arvalid', 0);
    sim.step(3);
    expect(order.length).toBeGreaterThan(15);
    expect(order.join('')).toBe('WR'.repeat(order.length / 2).slice(0, order.length));
    // Each read sees the write before it.
    expect(reads.slice(0, 4)).toEqual([100, 101, 102, 103]);
  });
});
