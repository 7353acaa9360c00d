// The TOE's configuration and counter registers (csr-map.ts): written and read by the host over AXI4-Lite, read
// by the two cores through their fw_bus TCB/CSR windows (a core cannot reconfigure the TOE: window writes are
// answered err). One register access per port per two cycles; the three ports are independent.
import { defineModule, input, output, AxiLite, Bool, UInt, cat, lit, mux, when, type Sig, type Wire } from '../../dsl/index.ts';
import { WindowRequest, WindowResponse } from '../fw_bus/ports.ts';
import { CSR_ADDR_BITS, CSR_REGS, counterAddr, type CsrReg } from './csr-map.ts';

export interface ToeCsrParams {
  /** Names of the 32-bit counters shown from COUNTER_BASE on, in order (inputs `cnt_<name>`). */
  counters: readonly string[];
}

const AXI_OKAY = 0, AXI_SLVERR = 2, AXI_DECERR = 3;
const rwRegs = CSR_REGS.filter((r): r is Extract<typeof r, { access: 'rw' }> => r.access === 'rw');
const lower = (r: CsrReg) => r.name.toLowerCase();

export const ToeCsr = defineModule('toe_csr', (m, p: ToeCsrParams) => {
  const io = m.io({
    s_axil: input(AxiLite(CSR_ADDR_BITS)),
    win0_req: input(WindowRequest),
    win0_resp: output(WindowResponse),
    win1_req: input(WindowRequest),
    win1_resp: output(WindowResponse),
    ...Object.fromEntries(rwRegs.map((r) => [lower(r), output(UInt(r.width))])),
    ...Object.fromEntries(rwRegs.filter((r) => (r as CsrReg).pulse).map((r) => [`${lower(r)}_written`, output(Bool)])),
    ...Object.fromEntries(p.counters.map((n) => [`cnt_${n}`, input(UInt(32))])),
  } as const) as unknown as Record<string, Wire> & {
    s_axil: Record<string, Wire>; win0_req: Record<string, Wire>; win1_req: Record<string, Wire>;
    win0_resp: Record<string, Wire>; win1_resp: Record<string, Wire>;
  };
  const regs = new Map(rwRegs.map((r) => [r.name, m.reg(UInt(r.width), { reset: r.reset, name: lower(r) })]));
  for (const r of rwRegs) io[lower(r)]!.set(regs.get(r.name)!);
  // Write pulses: registered, so `<name>_written` rises the cycle after the write, with the new value out.
  const pulses = rwRegs.filter((r) => (r as CsrReg).pulse).map((r) => {
    const pulse = m.reg(Bool, { reset: false, name: `${lower(r)}_written` });
    pulse.set(false);
    io[`${lower(r)}_written`]!.set(pulse);
    return [r, pulse] as const;
  });

  /** The value at a word address and whether anything is there. */
  const readAt = (word: Sig): { value: Sig; hit: Sig } => {
    let value: Sig = lit(0, UInt(32));
    let hit: Sig = lit(false, Bool);
    for (const r of CSR_REGS) {
      const here = word.eq(r.addr >> 2);
      const v = r.access === 'rw' ? regs.get(r.name)!.zext(32) : lit(r.reset, UInt(32));
      value = mux(here, v, value);
      hit = hit.lor(here);
    }
    p.counters.forEach((n, i) => {
      const here = word.eq(counterAddr(i) >> 2);
      value = mux(here, io[`cnt_${n}`]!, value);
      hit = hit.lor(here);
    });
    return { value, hit };
  };
  const WORD_BITS = CSR_ADDR_BITS - 2;

  // ---- Host writes: address and data together; the response follows.
  const axil = io.s_axil;
  const bValid = m.reg(Bool, { reset: false });
  const bResp = m.reg(UInt(2), { reset: 0 });
  const doWrite = axil.awvalid!.land(axil.wvalid!).land(bValid.lnot());
  axil.awready!.set(doWrite);
  axil.wready!.set(doWrite);
  when(doWrite, () => bValid.set(true)).elseWhen(axil.bready!, () => bValid.set(false));
  axil.bvalid!.set(bValid);
  axil.bresp!.set(bResp);
  const wword = axil.awaddr!.slice(CSR_ADDR_BITS - 1, 2);
  const merged = (old: Sig): Sig => {
    const bytes = [3, 2, 1, 0].map((i) => mux(axil.wstrb!.bit(i), axil.wdata!.slice(8 * i + 7, 8 * i), old.zext(32).slice(8 * i + 7, 8 * i)));
    return cat(...bytes).trunc(old.width);
  };
  when(doWrite, () => {
    let resp: Sig = mux(readAt(wword).hit, lit(AXI_SLVERR, UInt(2)), lit(AXI_DECERR, UInt(2)));
    for (const r of rwRegs) {
      const here = wword.eq(r.addr >> 2);
      resp = mux(here, lit(AXI_OKAY, UInt(2)), resp);
      when(here, () => regs.get(r.name)!.set(merged(regs.get(r.name)!)));
    }
    for (const [r, pulse] of pulses) pulse.set(wword.eq(r.addr >> 2));
    bResp.set(resp);
  });

  // ---- Host reads.
  const rValid = m.reg(Bool, { reset: false });
  const rData = m.reg(UInt(32), { reset: 0 });
  const rResp = m.reg(UInt(2), { reset: 0 });
  const doRead = axil.arvalid!.land(rValid.lnot());
  axil.arready!.set(rValid.lnot());
  when(doRead, () => rValid.set(true)).elseWhen(axil.rready!, () => rValid.set(false));
  const rd = readAt(axil.araddr!.slice(CSR_ADDR_BITS - 1, 2));
  when(doRead, () => { rData.set(rd.value); rResp.set(mux(rd.hit, lit(AXI_OKAY, UInt(2)), lit(AXI_DECERR, UInt(2)))); });
  axil.rvalid!.set(rValid);
  axil.rdata!.set(rData);
  axil.rresp!.set(rResp);

  // ---- The cores' windows: reads answered the next cycle; writes and addresses past the space answered err.
  for (const [req, resp] of [[io.win0_req, io.win0_resp], [io.win1_req, io.win1_resp]] as const) {
    req.ready!.set(true);
    const valid = m.reg(Bool, { reset: false });
    const data = m.reg(UInt(32), { reset: 0 });
    const err = m.reg(Bool, { reset: false });
    const tag = m.reg(UInt(req.tag!.width), { reset: 0 });
    const inSpace = req.addr!.slice(req.addr!.width - 1, WORD_BITS).eq(0);
    const at = readAt(req.addr!.slice(WORD_BITS - 1, 0));
    valid.set(req.valid!);
    when(req.valid!, () => {
      data.set(at.value);
      err.set(req.write!.lor(inSpace.lnot()).lor(at.hit.lnot()));
      tag.set(req.tag!);
    });
    resp.valid!.set(valid);
    resp.rdata!.set(data);
    resp.err!.set(err);
    resp.tag!.set(tag);
  }
  return io;
});
