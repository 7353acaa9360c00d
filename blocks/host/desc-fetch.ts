// The descriptor fetcher: reads new TX, RX and CMD descriptors from their host-memory rings by DMA, in batches,
// into one FIFO per ring. One fetch (one AXI4 read burst) at a time; the rings take turns (round robin).
//
// A batch is as many pending descriptors as fit: at most `batch`, no further than the ring's end or a 4 KiB
// boundary, and no more than its FIFO has room for, so R beats are always accepted. A descriptor whose beats
// came back SLVERR/DECERR keeps that response in `err` (the ring engine turns it into an error completion).
import { defineModule, input, output, Bool, UInt, Vec, cat, lit, mux, when } from '../../dsl/index.ts';
import { AxiRead } from './axi4.ts';
import { Handshake } from './handshake.ts';
import { INDEX_BITS } from './layouts.ts';
import { RingCfg, ringSize } from './ring-csr.ts';
import { queue } from '../lib/fifo.ts';
import { log2 } from './burst.ts';
import { selectAt } from './select.ts';
import type { Sig } from '../../dsl/index.ts';

export interface DescFetchParams {
  /** AXI4 data width in bits (32..512). */
  width: number;
  addrBits: number;
  /** Descriptors per fetch, at most (a power of two). */
  batch: number;
  /** Descriptors the TX and RX FIFOs hold (a power of two >= batch). */
  depth: number;
  /** Descriptors the CMD FIFO holds (commands are few; a power of two >= 2). */
  cmdDepth: number;
}

const DESC_BITS = 128;
export const FetchedDesc = Handshake({ desc: UInt(DESC_BITS), index: UInt(INDEX_BITS), err: UInt(2) });

/** The smallest of equal-width unsigned values. */
const minOf = (xs: Sig[]): Sig => xs.reduce((a, b) => mux(a.lt(b), a, b));

export const DescFetch = defineModule('desc_fetch', (m, p: DescFetchParams) => {
  const B = p.width / 8;
  const ob = log2(B);
  if (p.depth < p.batch) throw new Error('desc_fetch: depth must be >= batch');
  const io = m.io({
    enable: input(Bool),
    rings: input(Vec(RingCfg, 3)),
    prod: input(Vec(UInt(INDEX_BITS), 3)),
    fetched: output(Vec(UInt(INDEX_BITS), 3)),
    m_axi: output(AxiRead({ addrBits: p.addrBits, dataBits: p.width, idBits: 1 })),
    out: output(Vec(FetchedDesc, 3)),
  });
  const fetched = m.reg(Vec(UInt(INDEX_BITS), 3), { reset: 0 });
  const depths = [p.depth, p.depth, p.cmdDepth];
  const fifos = [0, 1, 2].map((r) => queue(m, `ring${r}`, { desc: DESC_BITS, index: INDEX_BITS, err: 2 }, depths[r]!));

  // ---- What each ring could fetch now. Counts are compared as 17-bit values.
  const W = INDEX_BITS + 1;
  const plans = [0, 1, 2].map((r) => {
    const cfg = io.rings[r]!;
    const size = ringSize(cfg.logSize);
    const slot = fetched[r]!.and(size.sub(1));
    const pending = io.prod[r]!.sub(fetched[r]!);
    const toEnd = size.zext(W).sub(slot.zext(W));
    const space = lit(depths[r]!, UInt(W)).sub(fifos[r]!.count.zext(W));
    const addr = cat(cfg.base.slice(63, 4), lit(0, UInt(4))).add(slot.zext(64).shl(4)).trunc(p.addrBits);
    const toPage = lit(4096, UInt(13)).sub(addr.slice(11, 0).zext(13)).slice(12, 4).zext(W);
    const count = minOf([pending.zext(W), toEnd, space, toPage, lit(p.batch, UInt(W))]).trunc(log2(p.batch) + 1);
    const want = io.enable.land(pending.ne(0)).land(space.ne(0));
    return { addr, count, want };
  });

  // ---- Launch: the first wanting ring from the round-robin pointer on.
  const busy = m.reg(Bool, { reset: false });
  const arPending = m.reg(Bool, { reset: false });
  const sel = m.reg(UInt(2), { reset: 0 });
  const count = m.reg(UInt(log2(p.batch) + 1), { reset: 0 });
  const got = m.reg(UInt(log2(p.batch) + 1), { reset: 0 });
  const start = m.reg(UInt(INDEX_BITS), { reset: 0 });
  const arAddr = m.reg(UInt(p.addrBits), { reset: 0 });
  const arLen = m.reg(UInt(8), { reset: 0 });
  const rr = m.reg(UInt(2), { reset: 0 });
  const ringNo = (r: number) => lit(r % 3, UInt(2));
  const order = [0, 1, 2].map((k) => mux(rr.eq(0), ringNo(k), mux(rr.eq(1), ringNo(k + 1), ringNo(k + 2))));
  const wants = order.map((r) => selectAt(plans.map((x) => x.want), r));
  const chosen = mux(wants[0]!, order[0]!, mux(wants[1]!, order[1]!, order[2]!));
  const launch = busy.lnot().land(wants.reduce((a, b) => a.lor(b)));
  const plan = { addr: selectAt(plans.map((x) => x.addr), chosen), count: selectAt(plans.map((x) => x.count), chosen) };
  const lead = B > 16 ? plan.addr.slice(ob - 1, 0).zext(16) : lit(0, UInt(16)); // bytes before the first descriptor
  const span = lead.add(plan.count.zext(16).shl(4)).add(B - 1).shr(ob); // beats
  const lane = m.reg(UInt(Math.max(1, ob - 4)), { reset: 0 });
  when(launch, () => {
    busy.set(true);
    arPending.set(true);
    sel.set(chosen);
    count.set(plan.count);
    got.set(0);
    start.set(selectAt(fetched, chosen));
    arAddr.set(plan.addr.shr(ob).shl(ob));
    arLen.set(span.sub(1).trunc(8));
    rr.set(mux(chosen.eq(2), 0, chosen.add(1)));
    if (B > 16) lane.set(plan.addr.slice(ob - 1, 4));
  });
  io.m_axi.arvalid.set(arPending);
  io.m_axi.arid.set(0);
  io.m_axi.araddr.set(arAddr);
  io.m_axi.arlen.set(arLen);
  io.m_axi.arsize.set(ob);
  io.m_axi.arburst.set(1);
  when(arPending.land(io.m_axi.arready), () => arPending.set(false));

  // ---- R: beats to descriptors.
  const rErr = cat(io.m_axi.rresp.bit(1), io.m_axi.rresp.bit(1).land(io.m_axi.rresp.bit(0)));
  const beat = io.m_axi.rvalid.land(busy);
  const finalDesc = got.eq(count.sub(1));
  let push: Sig, desc: Sig, err: Sig;
  if (B < 16) {
    const k = 16 / B;
    const acc = m.reg(UInt(DESC_BITS - p.width), { reset: 0 });
    const accErr = m.reg(UInt(2), { reset: 0 });
    const part = m.reg(UInt(log2(k)), { reset: 0 });
    const whole = cat(io.m_axi.rdata, acc); // the newest beat is the top of the descriptor
    push = beat.land(part.eq(k - 1));
    desc = whole;
    err = accErr.or(rErr);
    io.m_axi.rready.set(busy);
    when(beat, () => {
      acc.set(whole.slice(DESC_BITS - 1, p.width));
      part.set(part.add(1));
      accErr.set(mux(part.eq(k - 1), lit(0, UInt(2)), accErr.or(rErr)));
    });
  } else {
    const lanes = B / 16;
    push = beat;
    desc = B === 16 ? io.m_axi.rdata : io.m_axi.rdata.shr(cat(lane, lit(0, UInt(7)))).trunc(DESC_BITS);
    err = rErr;
    const beatDone = B === 16 ? lit(1, UInt(1)) : lane.eq(lanes - 1).lor(finalDesc);
    io.m_axi.rready.set(busy.land(beatDone));
    if (B > 16) when(beat, () => lane.set(mux(beatDone, lit(0, lane.type), lane.add(1))));
  }
  fifos.forEach((f, r) => f.push(push.land(sel.eq(r)), { desc, index: start.add(got.zext(INDEX_BITS)), err }));
  when(push, () => {
    got.set(got.add(1));
    when(finalDesc, () => {
      busy.set(false);
      fetched.forEach((x, r) => when(sel.eq(r), () => x.set(x.add(count.zext(INDEX_BITS)))));
    });
  });
  when(io.enable.lnot(), () => fetched.forEach((x) => x.set(0)));

  fetched.forEach((x, r) => io.fetched[r]!.set(x));
  fifos.forEach((f, r) => {
    const o = io.out[r]!;
    o.valid.set(f.valid);
    o.desc.set(f.head.desc);
    o.index.set(f.head.index);
    o.err.set(f.head.err);
    f.pop(o.ready);
  });
  return io;
}, { width: 64, addrBits: 48, batch: 8, depth: 16, cmdDepth: 4 } as DescFetchParams);
