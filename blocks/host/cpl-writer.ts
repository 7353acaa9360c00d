// The completion writer: puts each completion from the NIC side into the host's completion ring (Cpl layout)
// with the lap's phase bit, by one AXI4 write burst per entry, and counts the entries the host can now see
// (their B responses) for interrupt coalescing. It waits while the ring is full: it never overwrites an entry
// the host has not consumed.
import { defineModule, input, output, Bool, UInt, cat, lit, mux, when } from '../../dsl/index.ts';
import { AxiWrite } from './axi4.ts';
import { Handshake } from './handshake.ts';
import { Cpl, INDEX_BITS } from './layouts.ts';
import { layoutFields, packLayout } from './layout-rtl.ts';
import { RingCfg, ringSize } from './ring-csr.ts';
import { log2 } from './burst.ts';

export interface CplWriterParams { width: number; addrBits: number }

/** A completion as carried between blocks: every Cpl field but the phase bit, which the writer adds. */
export const CplFields = layoutFields(Cpl, ['phase']);
export const CplPort = Handshake(CplFields);
const CPL_BITS = Cpl.bytes * 8;

export const CplWriter = defineModule('cpl_writer', (m, p: CplWriterParams) => {
  const B = p.width / 8;
  const ob = log2(B);
  const io = m.io({
    enable: input(Bool),
    ring: input(RingCfg),
    cons: input(UInt(INDEX_BITS)),
    prod: output(UInt(INDEX_BITS)),
    cpl: input(CplPort),
    m_axi: output(AxiWrite({ addrBits: p.addrBits, dataBits: p.width, idBits: 1 })),
    /** One-cycle pulses: an entry became visible (its B came back OKAY) / its write failed. */
    written: output(Bool),
    writeError: output(Bool),
  });
  const prod = m.reg(UInt(INDEX_BITS), { reset: 0 });
  const size = ringSize(io.ring.logSize);
  const full = prod.sub(io.cons).eq(size);

  // ---- Take a completion, pack it with its phase and issue AW and W (in parallel).
  const entry = m.reg(UInt(CPL_BITS), { reset: 0 });
  const awPending = m.reg(Bool, { reset: false });
  const wPending = m.reg(Bool, { reset: false });
  const addr = m.reg(UInt(p.addrBits), { reset: 0 });
  const busy = awPending.lor(wPending);
  const take = io.cpl.valid.land(io.enable).land(full.lnot()).land(busy.lnot());
  io.cpl.ready.set(io.enable.land(full.lnot()).land(busy.lnot()));
  const slot = prod.and(size.sub(1));
  const phase = prod.bit(io.ring.logSize).lnot(); // the first lap writes 1 over a zeroed ring
  const c = io.cpl;
  const packed = packLayout(Cpl, {
    kind: c.kind, status: c.status, ring: c.ring, flags: c.flags, index: c.index, conn: c.conn, len: c.len, csum: c.csum, phase,
  });
  when(take, () => {
    entry.set(packed);
    awPending.set(true);
    wPending.set(true);
    addr.set(cat(io.ring.base.slice(63, 4), lit(0, UInt(4))).add(slot.zext(64).shl(4)).trunc(p.addrBits));
    prod.set(prod.add(1));
  });
  when(io.enable.lnot(), () => prod.set(0));

  const beats = Math.max(1, 16 / B);
  io.m_axi.awvalid.set(awPending);
  io.m_axi.awid.set(0);
  io.m_axi.awaddr.set(addr.shr(ob).shl(ob));
  io.m_axi.awlen.set(beats - 1);
  io.m_axi.awsize.set(ob);
  io.m_axi.awburst.set(1);
  when(awPending.land(io.m_axi.awready), () => awPending.set(false));

  io.m_axi.wvalid.set(wPending);
  const ones16 = lit(0xffff, UInt(16));
  if (B <= 16) {
    const beat = m.reg(UInt(Math.max(1, log2(beats))), { reset: 0 });
    const lastBeat = beat.eq(beats - 1);
    io.m_axi.wdata.set(beats === 1 ? entry : entry.shr(cat(beat, lit(0, UInt(ob + 3)))).trunc(p.width));
    io.m_axi.wstrb.set(B === 16 ? ones16 : lit((1n << BigInt(B)) - 1n, UInt(B)));
    io.m_axi.wlast.set(lastBeat);
    when(wPending.land(io.m_axi.wready), () => {
      beat.set(mux(lastBeat, lit(0, beat.type), beat.add(1)));
      when(lastBeat, () => wPending.set(false));
    });
  } else {
    const lane = addr.slice(ob - 1, 4);
    io.m_axi.wdata.set(entry.zext(p.width).shl(cat(lane, lit(0, UInt(7)))));
    io.m_axi.wstrb.set(ones16.zext(B).shl(cat(lane, lit(0, UInt(4)))));
    io.m_axi.wlast.set(true);
    when(wPending.land(io.m_axi.wready), () => wPending.set(false));
  }

  // ---- B: count visible entries, report failed writes.
  io.m_axi.bready.set(true);
  const failed = io.m_axi.bresp.bit(1);
  io.written.set(io.m_axi.bvalid.land(failed.lnot()));
  io.writeError.set(io.m_axi.bvalid.land(failed));
  io.prod.set(prod);
  return io;
}, { width: 64, addrBits: 48 } as CplWriterParams);
