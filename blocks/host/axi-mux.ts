// Two AXI4 masters onto one port: the ring engine (descriptor reads, completion writes) and the DMA engine
// (payload). Request channels are arbitrated round robin, and a granted request is held until its handshake
// (so the merged port's AR/AW never change under a waiting valid); the master's number becomes the top ID bit,
// which routes R and B back. W follows the AW order: each AW handshake queues its master for the W channel.
import { defineModule, output, input, Bool, UInt, mux, when, cat, lit, type Sig, type Wire } from '../../dsl/index.ts';
import { Axi4, type AxiShape } from './axi4.ts';
import { queue } from '../lib/fifo.ts';

export interface AxiMuxParams { addrBits: number; dataBits: number; idBits0: number; idBits1: number }

export const AxiMux = defineModule('axi_mux', (m, p: AxiMuxParams) => {
  const idBits = Math.max(p.idBits0, p.idBits1) + 1;
  const shape = (id: number): AxiShape => ({ addrBits: p.addrBits, dataBits: p.dataBits, idBits: id });
  const io = m.io({
    s0: input(Axi4(shape(p.idBits0))),
    s1: input(Axi4(shape(p.idBits1))),
    m_axi: output(Axi4(shape(idBits))),
  });
  const s = [io.s0, io.s1] as unknown as Record<string, Wire>[];
  const out = io.m_axi as unknown as Record<string, Wire>;

  /** Round-robin choice between two requests, held while the merged request waits. */
  const arbitrate = (ch: 'ar' | 'aw', extraReady: Sig): Sig => {
    const held = m.reg(Bool, { reset: false, name: `${ch}Held` });
    const heldSel = m.reg(UInt(1), { reset: 0, name: `${ch}HeldSel` });
    const last = m.reg(UInt(1), { reset: 1, name: `${ch}Last` });
    const v0 = s[0]![`${ch}valid`]!, v1 = s[1]![`${ch}valid`]!;
    const prefer1 = last.eq(0); // the other master goes first
    const pick = mux(v0.land(v1), prefer1, v1);
    const sel = mux(held, heldSel, pick);
    const valid = mux(sel.eq(1), v1, v0);
    const ready = out[`${ch}ready`]!.land(extraReady);
    out[`${ch}valid`]!.set(valid.land(extraReady));
    const fire = valid.land(ready);
    held.set(valid.land(ready.lnot()));
    heldSel.set(sel);
    when(fire, () => last.set(sel));
    for (const f of ['addr', 'len', 'size', 'burst']) out[`${ch}${f}`]!.set(mux(sel.eq(1), s[1]![`${ch}${f}`]!, s[0]![`${ch}${f}`]!));
    out[`${ch}id`]!.set(mux(sel.eq(1), cat(lit(1, UInt(1)), s[1]![`${ch}id`]!.zext(idBits - 1)), cat(lit(0, UInt(1)), s[0]![`${ch}id`]!.zext(idBits - 1))));
    s[0]![`${ch}ready`]!.set(ready.land(sel.eq(0)));
    s[1]![`${ch}ready`]!.set(ready.land(sel.eq(1)));
    return sel;
  };

  // ---- AR and R.
  arbitrate('ar', lit(1, UInt(1)));
  const rTo = out.rid!.bit(idBits - 1);
  for (const [i, x] of s.entries()) {
    x.rvalid!.set(out.rvalid!.land(rTo.eq(i)));
    x.rid!.set(out.rid!.trunc(i === 0 ? p.idBits0 : p.idBits1));
    x.rdata!.set(out.rdata!);
    x.rresp!.set(out.rresp!);
    x.rlast!.set(out.rlast!);
  }
  out.rready!.set(mux(rTo.eq(1), s[1]!.rready!, s[0]!.rready!));

  // ---- AW, W in AW order, B.
  const wOrder = queue(m, 'wOrder', { master: 1 }, 8);
  const awSel = arbitrate('aw', wOrder.canPush);
  const awFire = out.awvalid!.land(out.awready!);
  wOrder.push(awFire, { master: awSel });
  const wFrom = wOrder.head.master;
  const wValid = wOrder.valid.land(mux(wFrom.eq(1), s[1]!.wvalid!, s[0]!.wvalid!));
  out.wvalid!.set(wValid);
  out.wdata!.set(mux(wFrom.eq(1), s[1]!.wdata!, s[0]!.wdata!));
  out.wstrb!.set(mux(wFrom.eq(1), s[1]!.wstrb!, s[0]!.wstrb!));
  out.wlast!.set(mux(wFrom.eq(1), s[1]!.wlast!, s[0]!.wlast!));
  s[0]!.wready!.set(out.wready!.land(wOrder.valid).land(wFrom.eq(0)));
  s[1]!.wready!.set(out.wready!.land(wOrder.valid).land(wFrom.eq(1)));
  wOrder.pop(wValid.land(out.wready!).land(out.wlast!));

  const bTo = out.bid!.bit(idBits - 1);
  for (const [i, x] of s.entries()) {
    x.bvalid!.set(out.bvalid!.land(bTo.eq(i)));
    x.bid!.set(out.bid!.trunc(i === 0 ? p.idBits0 : p.idBits1));
    x.bresp!.set(out.bresp!);
  }
  out.bready!.set(mux(bTo.eq(1), s[1]!.bready!, s[0]!.bready!));
  return io;
}, { addrBits: 48, dataBits: 64, idBits0: 1, idBits1: 4 } as AxiMuxParams);
