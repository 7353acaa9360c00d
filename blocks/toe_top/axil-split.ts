// One AXI4-Lite slave port split by address onto two slaves: the host sees the ring registers (host_if) at
// 0x0000 and the TOE's CSRs (toe_csr) at 0x1000 (bit `splitBit` of the address chooses). One write and one read
// in flight at a time; the slaves' responses pass through unchanged. A slave's narrower address takes the low bits.
import { defineModule, input, output, AxiLite, Bool, mux, when } from '../../dsl/index.ts';

export interface AxilSplitParams {
  /** Address bits of the master port; bit addrBits-1 chooses the slave (0: s0, 1: s1). */
  addrBits: number;
  s0AddrBits: number;
  s1AddrBits: number;
}

export const AxilSplit = defineModule('axil_split', (m, p: AxilSplitParams) => {
  const io = m.io({
    s_axil: input(AxiLite(p.addrBits)),
    m0: output(AxiLite(p.s0AddrBits)),
    m1: output(AxiLite(p.s1AddrBits)),
  });
  const s = io.s_axil, outs = [io.m0, io.m1] as const;
  const top = p.addrBits - 1;

  // ---- Writes: AW picks the slave; W follows it (in the same cycle or later); B comes back from it.
  const wBusy = m.reg(Bool, { reset: false }); // AW taken, B not yet
  const wTarget = m.reg(Bool, { reset: false });
  const wDone = m.reg(Bool, { reset: false }); // W taken for the write in flight
  const awTarget = s.awaddr.bit(top);
  const wTo = mux(wBusy, wTarget, awTarget);
  outs.forEach((o, i) => {
    const isMe = wTo.eq(i);
    o.awaddr.set(s.awaddr.trunc(i === 0 ? p.s0AddrBits : p.s1AddrBits));
    o.awprot.set(s.awprot);
    o.awvalid.set(s.awvalid.land(wBusy.lnot()).land(awTarget.eq(i)));
    o.wdata.set(s.wdata);
    o.wstrb.set(s.wstrb);
    // W goes with its AW (same cycle) or after it, never before: a slave sees W only for the write it is in.
    o.wvalid.set(s.wvalid.land(isMe).land(mux(wBusy, wDone.lnot(), s.awvalid)));
    o.bready.set(s.bready.land(wBusy).land(wTarget.eq(i)));
  });
  const awTaken = s.awvalid.land(wBusy.lnot()).land(mux(awTarget, io.m1.awready, io.m0.awready));
  const wTaken = s.wvalid.land(mux(wBusy, wDone.lnot(), s.awvalid)).land(mux(wTo, io.m1.wready, io.m0.wready));
  s.awready.set(wBusy.lnot().land(mux(awTarget, io.m1.awready, io.m0.awready)));
  s.wready.set(mux(wBusy, wDone.lnot(), s.awvalid).land(mux(wTo, io.m1.wready, io.m0.wready)));
  const bFrom = (f: 'bvalid' | 'bresp') => mux(wTarget, io.m1[f], io.m0[f]);
  s.bvalid.set(wBusy.land(bFrom('bvalid')));
  s.bresp.set(bFrom('bresp'));
  when(awTaken, () => { wBusy.set(true); wTarget.set(awTarget); wDone.set(wTaken); })
    .elseWhen(wBusy.land(s.bready).land(bFrom('bvalid')), () => { wBusy.set(false); wDone.set(false); })
    .elseWhen(wTaken, () => wDone.set(true));

  // ---- Reads.
  const rBusy = m.reg(Bool, { reset: false });
  const rTarget = m.reg(Bool, { reset: false });
  const arTarget = s.araddr.bit(top);
  outs.forEach((o, i) => {
    o.araddr.set(s.araddr.trunc(i === 0 ? p.s0AddrBits : p.s1AddrBits));
    o.arprot.set(s.arprot);
    o.arvalid.set(s.arvalid.land(rBusy.lnot()).land(arTarget.eq(i)));
    o.rready.set(s.rready.land(rBusy).land(rTarget.eq(i)));
  });
  const arReady = mux(arTarget, io.m1.arready, io.m0.arready);
  s.arready.set(rBusy.lnot().land(arReady));
  const rFrom = (f: 'rvalid' | 'rdata' | 'rresp') => mux(rTarget, io.m1[f], io.m0[f]);
  s.rvalid.set(rBusy.land(rFrom('rvalid')));
  s.rdata.set(rFrom('rdata'));
  s.rresp.set(rFrom('rresp'));
  when(s.arvalid.land(rBusy.lnot()).land(arReady), () => { rBusy.set(true); rTarget.set(arTarget); })
    .elseWhen(rBusy.land(s.rready).land(rFrom('rvalid')), () => rBusy.set(false));
  return io;
});

