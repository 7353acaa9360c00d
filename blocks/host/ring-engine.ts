// The ring engine: the host side of the TOE's control path, in the style of Corundum's queue managers.
//
//   host ──AXI4-Lite──▶ ring_csr (bases, sizes, doorbells, CONS, interrupt settings, status)
//   host ◀──AXI4 AR/R── desc_fetch ──▶ TX / RX / CMD descriptor FIFOs ──▶ checks ──▶ tx_desc, rx_desc, cmd_desc
//   host ◀──AXI4 AW/W/B─ cpl_writer ◀── completions: errors found here first, then `cpl` from the NIC side
//                             └──▶ irq_coalesce ──▶ irq
//
// TX and RX descriptors are checked before the NIC side sees them: a zero length, an address range beyond
// addrBits, or a length of 2^lenBits or more becomes an error completion for that descriptor (status
// ZERO_LEN / OUT_OF_RANGE) and the descriptor is dropped; so does any descriptor whose fetch failed
// (FETCH_ERROR). A bad TX descriptor is then also passed on with `abort` set, so the send path can fail the
// gather chain it was part of (its other fragments must not be sent, nor merged with the next send). A doorbell that would overrun its ring is ignored and answered with an ERROR/OVERRUN
// completion. Each of these also sets a sticky STATUS bit. Nothing else is touched, nothing waits forever.
import { defineModule, input, output, AxiLite, Bool, UInt, lit, mux, when, type Sig, type Wire } from '../../dsl/index.ts';
import { AXIL_FROM_SLAVE, AXI_FROM_SLAVE, Axi4, axiReadFields, axiWriteFields, connectBus } from './axi4.ts';
import { Handshake } from './handshake.ts';
import { CmdDesc, CplKind, CplStatus, INDEX_BITS, REG_ADDR_BITS, RingId, RxDesc, StatusBits, TxDesc } from './layouts.ts';
import { layoutFields, unpackLayout } from './layout-rtl.ts';
import { RingCsr, STATUS_BITS } from './ring-csr.ts';
import { DescFetch } from './desc-fetch.ts';
import { CplWriter, CplFields } from './cpl-writer.ts';
import { IrqCoalesce } from './irq-coalesce.ts';
import { queue } from '../lib/fifo.ts';

export interface RingEngineParams {
  /** AXI4 data width (32..512). */
  width: number;
  /** Host address bits: descriptors naming bytes at or above 2^addrBits are out of range. */
  addrBits: number;
  /** TX/RX descriptor lengths must be below 2^lenBits (the DMA engine's limit). */
  lenBits: number;
  /** Descriptors per fetch burst, at most. */
  batch: number;
  /** Descriptors the TX and RX FIFOs hold (the CMD FIFO holds 4). */
  depth: number;
  /** Interrupt coalescing timer bits. */
  timerBits: number;
}

export const ringEngineDefaults: RingEngineParams = { width: 64, addrBits: 48, lenBits: 20, batch: 8, depth: 8, timerBits: 24 };

/** A TX descriptor for the send path. `abort`: it was bad (its error completion is written); do not DMA it, fail its chain. */
export const TxDescPort = (p: Pick<RingEngineParams, 'addrBits' | 'lenBits'>) => Handshake({ ...layoutFields(TxDesc), addr: UInt(p.addrBits), len: UInt(p.lenBits), index: UInt(INDEX_BITS), abort: Bool });
export const RxDescPort = (p: RingEngineParams) => Handshake({ ...layoutFields(RxDesc), addr: UInt(p.addrBits), len: UInt(p.lenBits), index: UInt(INDEX_BITS) });
export const CmdDescPort = Handshake({ ...layoutFields(CmdDesc), index: UInt(INDEX_BITS) });

type CplValues = Record<keyof typeof CplFields, Sig>;
interface CplSource { valid: Sig; cpl: CplValues; ready: Wire }

export const RingEngine = defineModule('ring_engine', (m, p: RingEngineParams) => {
  const axi = { addrBits: p.addrBits, dataBits: p.width, idBits: 1 };
  const io = m.io({
    s_axil: input(AxiLite(REG_ADDR_BITS)),
    m_axi: output(Axi4(axi)),
    tx_desc: output(TxDescPort(p)),
    rx_desc: output(RxDescPort(p)),
    cmd_desc: output(CmdDescPort),
    /** Completions from the NIC side, written to the completion ring in order. */
    cpl: input(Handshake(CplFields)),
    irq: output(Bool),
  });
  const csr = m.instance(RingCsr, { timerBits: p.timerBits }, { name: 'csr' });
  const fetch = m.instance(DescFetch, { width: p.width, addrBits: p.addrBits, batch: p.batch, depth: p.depth, cmdDepth: 4 }, { name: 'fetcher' });
  const writer = m.instance(CplWriter, { width: p.width, addrBits: p.addrBits }, { name: 'writer' });
  const irq = m.instance(IrqCoalesce, { timerBits: p.timerBits }, { name: 'coalesce' });

  connectBus(io.s_axil, csr.s_axil, AXIL_FROM_SLAVE);
  connectBus(fetch.m_axi, io.m_axi, AXI_FROM_SLAVE, Object.keys(axiReadFields(axi)));
  connectBus(writer.m_axi, io.m_axi, AXI_FROM_SLAVE, Object.keys(axiWriteFields(axi)));

  fetch.enable.set(csr.enable);
  for (let r = 0; r < 3; r++) {
    fetch.rings[r]!.base.set(csr.rings[r]!.base);
    fetch.rings[r]!.logSize.set(csr.rings[r]!.logSize);
    fetch.prod[r]!.set(csr.prod[r]!);
    csr.fetched[r]!.set(fetch.fetched[r]!);
  }
  writer.enable.set(csr.enable);
  writer.ring.base.set(csr.rings[RingId.CPL]!.base);
  writer.ring.logSize.set(csr.rings[RingId.CPL]!.logSize);
  writer.cons.set(csr.cplCons);
  csr.cplProd.set(writer.prod);
  irq.enable.set(csr.enable);
  irq.written.set(writer.written);
  irq.count.set(csr.irqCount);
  irq.timeout.set(csr.irqTime);
  irq.arm.set(csr.arm);
  csr.armed.set(irq.armed);
  csr.pending.set(irq.pending);
  io.irq.set(irq.irq);

  const u8 = (v: number) => lit(v, UInt(8));
  const cplOf = (v: Partial<CplValues> & { kind: Sig; status: Sig; ring: Sig }): CplValues => ({
    flags: u8(0), index: lit(0, UInt(INDEX_BITS)), conn: lit(0, UInt(16)), len: lit(0, UInt(32)), csum: lit(0, UInt(16)), ...v,
  });
  /** The error status of a TX/RX descriptor, or OK. */
  const check = (fields: { addr: Sig; len: Sig }, err: Sig): Sig => {
    const zero = fields.len.eq(0);
    const end = fields.addr.trunc(p.addrBits).zext(p.addrBits + 1).add(fields.len.trunc(p.lenBits).zext(p.addrBits + 1));
    const beyond = end.bit(p.addrBits).land(end.trunc(p.addrBits).ne(0));
    const outOfRange = fields.addr.slice(63, p.addrBits).ne(0).lor(fields.len.slice(31, p.lenBits).ne(0)).lor(beyond);
    return mux(err.ne(0), u8(CplStatus.FETCH_ERROR), mux(zero, u8(CplStatus.ZERO_LEN), mux(outOfRange, u8(CplStatus.OUT_OF_RANGE), u8(CplStatus.OK))));
  };

  // ---- TX and RX: checked descriptors out, bad ones to error completions.
  const sources: CplSource[] = [];
  const overrunQ = queue(m, 'overrunQ', { ring: 2, index: INDEX_BITS }, 4);
  overrunQ.push(csr.overrun.valid, { ring: csr.overrun.ring, index: csr.overrun.index });
  const overrunReady = m.wire(Bool);
  sources.push({
    valid: overrunQ.valid, ready: overrunReady,
    cpl: cplOf({ kind: u8(CplKind.ERROR), status: u8(CplStatus.OVERRUN), ring: overrunQ.head.ring.zext(8), index: overrunQ.head.index }),
  });
  overrunQ.pop(overrunReady);

  const rejected: Sig[] = []; // per ring: a bad descriptor went to the error path this cycle
  const fetchFailed: Sig[] = [];
  /**
   * A ring's checked output: good descriptors go to `port`; a bad one gets its error completion and is dropped,
   * except on the TX ring (`abortOnPort`), where it then also goes to `port` with abort set, so the send path
   * can fail the gather chain it belongs to instead of merging it with the next send.
   */
  const passOrReject = <F extends Record<string, Sig>>(r: number, kind: number, fields: F, status: Sig, port: Record<string, Wire>, cpl: Partial<CplValues>, abortOnPort = false) => {
    const head = fetch.out[r]!;
    const bad = status.ne(CplStatus.OK);
    const errReady = m.wire(Bool);
    // With abortOnPort: the head's error completion is written and it waits for `port`.
    const reported = abortOnPort ? m.reg(Bool, { reset: false, name: `reported${r}` }) : lit(0, UInt(1));
    for (const [k, v] of Object.entries(fields)) port[k]!.set(v);
    port.index!.set(head.index);
    const errValid = head.valid.land(bad).land(reported.lnot());
    sources.push({ valid: errValid, ready: errReady, cpl: cplOf({ kind: u8(kind), status, ring: u8(r), index: head.index, ...cpl }) });
    const errTaken = errValid.land(errReady);
    if (abortOnPort) {
      port.abort!.set(bad);
      port.valid!.set(head.valid.land(bad.lnot().lor(reported)));
      head.ready.set(bad.lnot().lor(reported).land(port.ready!));
      when(errTaken, () => (reported as Wire).set(true)).elseWhen(head.valid.land(port.ready!), () => (reported as Wire).set(false));
    } else {
      port.valid!.set(head.valid.land(bad.lnot()));
      head.ready.set(mux(bad, errReady, port.ready!));
    }
    rejected.push(errTaken.land(head.err.eq(0)));
    fetchFailed.push(errTaken.land(head.err.ne(0)));
  };
  const tx = unpackLayout(TxDesc, fetch.out[RingId.TX]!.desc);
  passOrReject(RingId.TX, CplKind.TX, { ...tx, addr: tx.addr.trunc(p.addrBits), len: tx.len.trunc(p.lenBits) }, check(tx, fetch.out[RingId.TX]!.err),
    io.tx_desc as unknown as Record<string, Wire>, { conn: tx.conn, len: tx.len }, true);
  const rx = unpackLayout(RxDesc, fetch.out[RingId.RX]!.desc);
  passOrReject(RingId.RX, CplKind.RX, { ...rx, addr: rx.addr.trunc(p.addrBits), len: rx.len.trunc(p.lenBits) }, check(rx, fetch.out[RingId.RX]!.err),
    io.rx_desc as unknown as Record<string, Wire>, { len: rx.len });
  const cmd = unpackLayout(CmdDesc, fetch.out[RingId.CMD]!.desc);
  const cmdErr = fetch.out[RingId.CMD]!.err;
  passOrReject(RingId.CMD, CplKind.CMD, cmd, mux(cmdErr.ne(0), u8(CplStatus.FETCH_ERROR), u8(CplStatus.OK)),
    io.cmd_desc as unknown as Record<string, Wire>, { conn: cmd.conn });

  // ---- The NIC side's completions come last: errors found here are few and must not wait behind traffic.
  sources.push({ valid: io.cpl.valid, ready: io.cpl.ready, cpl: Object.fromEntries(Object.keys(CplFields).map((k) => [k, (io.cpl as unknown as Record<string, Sig>)[k]])) as CplValues });

  // ---- Fixed-priority merge into the completion writer.
  // A source's ready depends on the valids of those before it, never on its own (no valid → ready paths).
  let taken: Sig = lit(0, UInt(1));
  const grants = sources.map((s) => {
    const free = taken.lnot();
    s.ready.set(free.land(writer.cpl.ready));
    taken = taken.lor(s.valid);
    return s.valid.land(free);
  });
  writer.cpl.valid.set(taken);
  for (const k of Object.keys(CplFields) as (keyof CplValues)[]) {
    let v = sources[sources.length - 1]!.cpl[k];
    for (let i = sources.length - 2; i >= 0; i--) v = mux(grants[i]!, sources[i]!.cpl[k], v);
    (writer.cpl as unknown as Record<string, Wire>)[k]!.set(v);
  }

  // ---- Sticky status bits.
  const bit = (name: (typeof StatusBits.fields)[number]['name'], on: Sig) => {
    const f = StatusBits.fields.find((x) => x.name === name)!;
    return on.zext(STATUS_BITS).shl(f.offset);
  };
  const externalFailed = io.cpl.valid.land(io.cpl.ready).land(io.cpl.status.eq(CplStatus.SLVERR).lor(io.cpl.status.eq(CplStatus.DECERR)));
  csr.statusSet.set([
    bit('fetchError', fetchFailed.reduce((a, b) => a.lor(b))),
    bit('cplWriteError', writer.writeError),
    bit('descError', rejected[RingId.TX]!.lor(rejected[RingId.RX]!)),
    bit('overrunDropped', csr.overrun.valid.land(overrunQ.canPush.lnot())),
    bit('dmaError', externalFailed),
  ].reduce((a, b) => a.or(b)));
  return io;
}, ringEngineDefaults);
