// toe_csr (blocks/toe_top/toe-csr.ts): the host writes and reads every rw register of csr-map.ts with byte
// strobes honoured, ro registers refuse writes, unmapped addresses decode-error, counters read live, and the
// cores' windows read the same values and are refused writes, on both simulators.
import { afterAll, describe, expect, it } from 'vitest';
import { simulate } from '../../sim/harness.ts';
import { AxiLiteMaster } from '../../sim/host/axil-master.ts';
import { ToeCsr } from '../../blocks/toe_top/toe-csr.ts';
import { CSR_REGS, COUNTER_BASE, TOE_CSR_ID, csrAddr } from '../../blocks/toe_top/csr-map.ts';
import { simBackends } from '../backends.ts';

const COUNTERS = ['alpha', 'beta'];

describe.each(simBackends())('toe_csr (%s)', async (backend) => {
  const sim = await simulate(ToeCsr, { counters: COUNTERS }, { backend });
  afterAll(() => sim.close());
  sim.reset();
  const host = new AxiLiteMaster(sim);

  /** One window read or write on core port k: the response's rdata and err. */
  function win(k: number, addrByte: number, write = false): { rdata: number; err: number } {
    const pre = `win${k}_req_`;
    sim.poke(`${pre}addr`, addrByte >> 2); sim.poke(`${pre}write`, write ? 1 : 0); sim.poke(`${pre}wdata`, 0x1234);
    sim.poke(`${pre}wstrb`, write ? 0xf : 0); sim.poke(`${pre}tag`, 5); sim.poke(`${pre}valid`, 1);
    expect(sim.peek(`${pre}ready`)).toBe(1);
    sim.step();
    sim.poke(`${pre}valid`, 0);
    expect(sim.peek(`win${k}_resp_valid`)).toBe(1);
    expect(sim.peek(`win${k}_resp_tag`)).toBe(5);
    const out = { rdata: Number(sim.peek(`win${k}_resp_rdata`)), err: Number(sim.peek(`win${k}_resp_err`)) };
    sim.step();
    expect(sim.peek(`win${k}_resp_valid`)).toBe(0);
    return out;
  }

  it('resets to the documented values and shows them on the outputs', () => {
    for (const r of CSR_REGS) {
      expect(host.readNow(r.addr), r.name).toBe(r.reset);
      if (r.access === 'rw') expect(sim.peek(r.name.toLowerCase()), r.name).toBe(r.reset);
    }
    expect(host.readNow(csrAddr('ID'))).toBe(TOE_CSR_ID);
  });

  it('host writes land with their byte strobes; widths clip; ro and unmapped are refused', () => {
    const ip = host.write(csrAddr('IP'), 0xc6120001); host.sync();
    expect(ip.resp).toBe(0);
    expect(sim.peek('ip')).toBe(0xc6120001);
    expect(host.readNow(csrAddr('IP'))).toBe(0xc6120001);
    host.writeNow(csrAddr('MAC_HI'), 0xffff0203);
    expect(host.readNow(csrAddr('MAC_HI'))).toBe(0x0203);
    const id = host.write(csrAddr('ID'), 0); host.sync();
    expect(id.resp).toBe(2);
    expect(host.readNow(csrAddr('ID'))).toBe(TOE_CSR_ID);
    const gap = host.write(0x080, 1); const gapRead = host.read(0x080); host.sync();
    expect(gap.resp).toBe(3);
    expect(gapRead.resp).toBe(3);
  });

  it('a write to a pulse register raises <name>_written for exactly one cycle, with the new value out', () => {
    let pulses = 0, valueAtPulse = -1;
    sim.addAgent({ sample: () => { if (Number(sim.peek('neigh_mac_hi_written'))) { pulses++; valueAtPulse = Number(sim.peek('neigh_mac_hi')); } } });
    host.writeNow(csrAddr('NEIGH_IP'), 0xc6120002);
    expect(pulses).toBe(0);
    host.writeNow(csrAddr('NEIGH_MAC_HI'), 0x0200);
    sim.step(4);
    expect({ pulses, valueAtPulse }).toEqual({ pulses: 1, valueAtPulse: 0x0200 });
  });

  it('counters read live from their inputs at COUNTER_BASE', () => {
    sim.poke('cnt_alpha', 7); sim.poke('cnt_beta', 0xfffffffe);
    expect(host.readNow(COUNTER_BASE)).toBe(7);
    expect(host.readNow(COUNTER_BASE + 4)).toBe(0xfffffffe);
    sim.poke('cnt_alpha', 8);
    expect(host.readNow(COUNTER_BASE)).toBe(8);
  });

  it('both cores read the same registers through their windows; writes and unmapped words answer err', () => {
    host.writeNow(csrAddr('TICK_CYCLES'), 250);
    for (const k of [0, 1]) {
      expect(win(k, csrAddr('TICK_CYCLES'))).toEqual({ rdata: 250, err: 0 });
      expect(win(k, COUNTER_BASE)).toEqual({ rdata: 8, err: 0 });
      expect(win(k, csrAddr('TICK_CYCLES'), true).err).toBe(1);
      expect(win(k, 0x080).err).toBe(1);
      expect(win(k, 0x4000).err).toBe(1);
    }
    expect(host.readNow(csrAddr('TICK_CYCLES'))).toBe(250);
  });
});
