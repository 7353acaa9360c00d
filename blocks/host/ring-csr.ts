// The host interface's AXI4-Lite register file (layouts.ts: Regs, RingRegs): ring bases and sizes, the
// doorbells (producer indices) with their overrun check, the completion ring's consumer index, interrupt
// coalescing settings and sticky status bits. One write or read at a time; wstrb is honoured per byte.
import { defineModule, input, output, AxiLite, Bool, Struct, UInt, Vec, cat, lit, mux, when, switchOn, type Sig } from '../../dsl/index.ts';
import { CtrlBits, HOST_IF_ID, INDEX_BITS, MAX_LOG_SIZE, REG_ADDR_BITS, RingId, StatusBits, regAddr } from './layouts.ts';
import { unpackLayout } from './layout-rtl.ts';

export const STATUS_BITS = StatusBits.fields.length;
export const RingCfg = Struct({ base: UInt(64), logSize: UInt(4) });

export interface RingCsrParams {
  /** Interrupt coalescing timer bits. */
  timerBits: number;
}

/** The ring's size 2^logSize as an index-wide value (logSize <= 15). */
export const ringSize = (logSize: Sig): Sig => lit(1, UInt(INDEX_BITS)).shl(logSize);

export const RingCsr = defineModule('ring_csr', (m, p: RingCsrParams) => {
  const io = m.io({
    s_axil: input(AxiLite(REG_ADDR_BITS)),
    enable: output(Bool),
    rings: output(Vec(RingCfg, 4)),
    /** Producer indices of the TX, RX and CMD rings (the doorbells). */
    prod: output(Vec(UInt(INDEX_BITS), 3)),
    /** How far the NIC has fetched each of those rings (their CONS). */
    fetched: input(Vec(UInt(INDEX_BITS), 3)),
    cplCons: output(UInt(INDEX_BITS)),
    cplProd: input(UInt(INDEX_BITS)),
    irqCount: output(UInt(16)),
    irqTime: output(UInt(p.timerBits)),
    /** A one-cycle pulse: the host wrote CTRL with irqArm set. */
    arm: output(Bool),
    armed: input(Bool),
    pending: input(UInt(16)),
    /** Status bits to set (sticky until the host writes 1 to clear them). */
    statusSet: input(UInt(STATUS_BITS)),
    /** A rejected doorbell (ring 0..2) or completion CONS write (ring 3), for an error completion. */
    overrun: output(Struct({ ring: UInt(2), index: UInt(INDEX_BITS), valid: Bool })),
  });
  const axil = io.s_axil;
  const bits = Object.fromEntries(StatusBits.fields.map((f) => [f.name, f.offset])) as Record<(typeof StatusBits.fields)[number]['name'], number>;

  const enable = m.reg(Bool, { reset: false });
  const rings = m.reg(Vec(RingCfg, 4), { reset: 0 });
  const prod = m.reg(Vec(UInt(INDEX_BITS), 3), { reset: 0 });
  const cplCons = m.reg(UInt(INDEX_BITS), { reset: 0 });
  const irqCount = m.reg(UInt(16), { reset: 1 });
  const irqTime = m.reg(UInt(p.timerBits), { reset: 0 });
  const status = m.reg(UInt(STATUS_BITS), { reset: 0 });
  const arm = m.reg(Bool, { reset: false });
  const overrunValid = m.reg(Bool, { reset: false });
  const overrunRing = m.reg(UInt(2), { reset: 0 });
  const overrunIndex = m.reg(UInt(INDEX_BITS), { reset: 0 });

  // ---- Writes: address and data together; the response follows.
  const bValid = m.reg(Bool, { reset: false });
  const doWrite = axil.awvalid.land(axil.wvalid).land(bValid.lnot());
  axil.awready.set(doWrite);
  axil.wready.set(doWrite);
  when(doWrite, () => bValid.set(true)).elseWhen(axil.bready, () => bValid.set(false));
  axil.bvalid.set(bValid);
  axil.bresp.set(0);

  /** The register's new value with the written bytes merged in (wstrb). */
  const merged = (old: Sig): Sig => {
    const bytes = [3, 2, 1, 0].map((i) => mux(axil.wstrb.bit(i), axil.wdata.slice(8 * i + 7, 8 * i), old.zext(32).slice(8 * i + 7, 8 * i)));
    return cat(...bytes).trunc(old.width);
  };
  const wordOf = (a: number) => a >> 2;
  const waddr = axil.awaddr.slice(REG_ADDR_BITS - 1, 2);
  const w = axil.wdata;
  const statusClear = m.wire(UInt(STATUS_BITS), { default: 0 });
  arm.set(false);
  overrunValid.set(false);

  const ctrl = unpackLayout(CtrlBits, w);
  when(doWrite, () => {
    switchOn(waddr)
      .is(wordOf(regAddr('CTRL')), () => { enable.set(ctrl.enable); arm.set(ctrl.irqArm); })
      .is(wordOf(regAddr('STATUS')), () => statusClear.set(w.trunc(STATUS_BITS)))
      .is(wordOf(regAddr('IRQ_COUNT')), () => irqCount.set(merged(irqCount)))
      .is(wordOf(regAddr('IRQ_TIME')), () => irqTime.set(merged(irqTime)));
    for (let r = 0; r < 4; r++) {
      const ring = rings[r]!;
      when(waddr.eq(wordOf(regAddr('BASE_LO', r))), () => ring.base.set(cat(ring.base.slice(63, 32), merged(ring.base.slice(31, 0)))));
      when(waddr.eq(wordOf(regAddr('BASE_HI', r))), () => ring.base.set(cat(merged(ring.base.slice(63, 32)), ring.base.slice(31, 0))));
      when(waddr.eq(wordOf(regAddr('LOG_SIZE', r))), () => ring.logSize.set(mux(w.gt(MAX_LOG_SIZE), lit(MAX_LOG_SIZE, UInt(4)), w.trunc(4))));
    }
    // Doorbells: a producer index more than a ring's size ahead of the consumer is rejected and reported.
    for (let r = 0; r < 3; r++) {
      const next = merged(prod[r]!);
      const overruns = next.sub(io.fetched[r]!).gt(ringSize(rings[r]!.logSize));
      when(waddr.eq(wordOf(regAddr('PROD', r))).land(enable), () => {
        when(overruns, () => {
          overrunValid.set(true); overrunRing.set(r); overrunIndex.set(next);
        }).otherwise(() => prod[r]!.set(next));
      });
    }
    // The completion ring's consumer may not pass its producer.
    const nextCons = merged(cplCons);
    when(waddr.eq(wordOf(regAddr('CONS', RingId.CPL))).land(enable), () => {
      when(io.cplProd.sub(nextCons).gt(ringSize(rings[RingId.CPL]!.logSize)), () => {
        overrunValid.set(true); overrunRing.set(RingId.CPL); overrunIndex.set(nextCons);
      }).otherwise(() => cplCons.set(nextCons));
    });
  });
  const overrunBit = [bits.txOverrun, bits.rxOverrun, bits.cmdOverrun, bits.cplOverrun];
  const overrunSet = overrunBit.map((b, r) => lit(1n << BigInt(b), UInt(STATUS_BITS)).and(overrunValid.land(overrunRing.eq(r)).rep(STATUS_BITS)))
    .reduce((a, b) => a.or(b));
  status.set(status.and(statusClear.not()).or(io.statusSet).or(overrunSet));
  // Disabled, every ring pointer rests at zero.
  when(enable.lnot(), () => { prod.forEach((x) => x.set(0)); cplCons.set(0); });

  // ---- Reads.
  const rValid = m.reg(Bool, { reset: false });
  const rData = m.reg(UInt(32), { reset: 0 });
  const doRead = axil.arvalid.land(rValid.lnot());
  axil.arready.set(rValid.lnot());
  when(doRead, () => rValid.set(true)).elseWhen(axil.rready, () => rValid.set(false));
  const raddr = axil.araddr.slice(REG_ADDR_BITS - 1, 2);
  const value = m.wire(UInt(32), { default: 0 });
  switchOn(raddr)
    .is(wordOf(regAddr('ID')), () => value.set(HOST_IF_ID))
    .is(wordOf(regAddr('CTRL')), () => value.set(cat(io.armed, enable).zext(32)))
    .is(wordOf(regAddr('STATUS')), () => value.set(status.zext(32)))
    .is(wordOf(regAddr('IRQ_COUNT')), () => value.set(irqCount.zext(32)))
    .is(wordOf(regAddr('IRQ_TIME')), () => value.set(irqTime.zext(32)))
    .is(wordOf(regAddr('IRQ_PENDING')), () => value.set(io.pending.zext(32)));
  for (let r = 0; r < 4; r++) {
    when(raddr.eq(wordOf(regAddr('BASE_LO', r))), () => value.set(rings[r]!.base.slice(31, 0)));
    when(raddr.eq(wordOf(regAddr('BASE_HI', r))), () => value.set(rings[r]!.base.slice(63, 32)));
    when(raddr.eq(wordOf(regAddr('LOG_SIZE', r))), () => value.set(rings[r]!.logSize.zext(32)));
    when(raddr.eq(wordOf(regAddr('PROD', r))), () => value.set((r < 3 ? prod[r]! : io.cplProd).zext(32)));
    when(raddr.eq(wordOf(regAddr('CONS', r))), () => value.set((r < 3 ? io.fetched[r]! : cplCons).zext(32)));
  }
  when(doRead, () => rData.set(value));
  axil.rvalid.set(rValid);
  axil.rdata.set(rData);
  axil.rresp.set(0);

  io.enable.set(enable);
  rings.forEach((r, i) => { io.rings[i]!.base.set(r.base); io.rings[i]!.logSize.set(r.logSize); });
  prod.forEach((x, i) => io.prod[i]!.set(x));
  io.cplCons.set(cplCons);
  io.irqCount.set(irqCount);
  io.irqTime.set(irqTime);
  io.arm.set(arm);
  io.overrun.valid.set(overrunValid);
  io.overrun.ring.set(overrunRing);
  io.overrun.index.set(overrunIndex);
  return io;
}, { timerBits: 24 } as RingCsrParams);
