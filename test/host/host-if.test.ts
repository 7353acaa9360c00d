// The whole host interface end to end: the driver model posts sends (gather chains) and receive buffers, rings
// doorbells and reaps completions on interrupts; the data moves between user buffers and NIC buffer memory with
// no copy in between. Every byte, checksum and completion is checked against the model, and nothing outside
// the buffers is touched; then SLVERR/DECERR answers and bad descriptors fail only what they must.
import { afterAll, describe, expect, it } from 'vitest';
import { simulate } from '../../sim/harness.ts';
import { simBackends } from '../backends.ts';
import { HostIf } from '../../blocks/host/host-if.ts';
import { CplKind, CplStatus, RingId, StatusBits, TxFlags, regAddr } from '../../blocks/host/layouts.ts';
import { fromWord } from '../../blocks/host/layout-codec.ts';
import { HostIfEnv, NIC_RX, USER_RX, USER_TX, randomWorkload, type Chain, type Payload, type RxBuffer } from './host-if-env.ts';

describe.each(simBackends())('host_if (%s)', async (backend) => {
  const sim = await simulate(HostIf, {}, { backend });
  afterAll(() => sim.close());
  const fresh = (seed: number) => {
    for (const a of [...sim.agents]) sim.removeAgent(a);
    const env = new HostIfEnv(sim as never, seed);
    sim.reset();
    env.drv.init();
    return env;
  };

  it('moves sends and receives byte-exact between user buffers and NIC memory, with every completion', () => {
    const env = fresh(1);
    env.axi.configure({ readLatency: 60, writeLatency: 60, reorder: true, arStall: 0.1, rGap: 0.1, wStall: 0.1 });
    env.nicMem.configure({ wrStall: 0.2, rdStall: 0.2, readLatency: 3 });
    env.txData.setBackpressure(0.3); env.rxFree.setBackpressure(0.3); env.cmdDesc.setBackpressure(0.3);
    const w = randomWorkload(24, 10);
    const r = env.run(w.chains, w.payloads, w.buffers, 5);
    expect(env.check(w.chains, w.payloads, w.buffers, r)).toEqual([]);
    expect(env.reaped.filter((c) => c.kind === CplKind.CMD).map((c) => c.index)).toEqual([0, 1, 2, 3, 4]);
    expect(env.drv.interrupts).toBeGreaterThan(0);
    expect(env.mmio.readNow(regAddr('STATUS'))).toBe(0);
  });

  it('fails only what a host error touches: SLVERR/DECERR, zero-length, out-of-range, overrun doorbell', () => {
    const env = fresh(2);
    const at = (k: number) => USER_TX + 0x1000 * k;
    const chains: Chain[] = [
      { conn: 1, flags: 0, frags: [{ addr: at(1), len: 300 }, { addr: at(2) + 5, len: 700 }, { addr: at(3), len: 200 }] }, // middle one SLVERR
      { conn: 2, flags: TxFlags.PSH, frags: [{ addr: at(4), len: 100 }, { addr: at(5), len: 0 }, { addr: at(6), len: 50 }] }, // zero-length
      { conn: 3, flags: 0, frags: [{ addr: 2 ** 48 - 10, len: 100 }] }, // out of range
      { conn: 4, flags: TxFlags.FIN, frags: [{ addr: at(7) + 3, len: 999 }] }, // fine
    ];
    env.axi.errors = [
      { start: at(2), end: at(2) + 64, resp: 2, on: 'read' },
      { start: USER_RX + 0x1000, end: USER_RX + 0x1100, resp: 3, on: 'write' },
    ];
    const payloads: Payload[] = [
      { conn: 7, addr: NIC_RX + 3, bytes: Uint8Array.from({ length: 2500 }, (_, i) => (i * 7) & 255) }, // spans buffers 0-2, buffer 1 DECERR
      { conn: 8, addr: NIC_RX + 0x4000, bytes: Uint8Array.from({ length: 333 }, (_, i) => (i * 3 + 1) & 255) },
    ];
    const buffers: RxBuffer[] = [{ addr: USER_RX, len: 1000 }, { addr: USER_RX + 0x1000, len: 1000 }, { addr: USER_RX + 0x2003, len: 1000 }, { addr: USER_RX + 0x3000, len: 500 }];
    const r = env.run(chains, payloads, buffers, 0, { badDoorbell: true });
    const txStatus = new Map([[1, CplStatus.SLVERR], [4, CplStatus.ZERO_LEN], [6, CplStatus.OUT_OF_RANGE]]);
    expect(env.check(chains, payloads, buffers, r, { txStatus, rxStatus: new Map([[1, CplStatus.DECERR]]) })).toEqual([]);
    expect(env.txData.got.map((d) => Number(d.error))).toEqual([1, 1, 1, 0]);
    const overrun = env.reaped.filter((c) => c.kind === CplKind.ERROR);
    expect(overrun.map((c) => [c.status, c.ring])).toEqual([[CplStatus.OVERRUN, RingId.RX]]);
    const st = fromWord(StatusBits, env.mmio.readNow(regAddr('STATUS')));
    expect([st.dmaError, st.descError, st.rxOverrun, st.txOverrun]).toEqual([1n, 1n, 1n, 0n]);
    // And the interface carries on as new.
    env.axi.errors = [];
    const w = randomWorkload(6, 20);
    const env2 = fresh(3);
    const r2 = env2.run(w.chains, w.payloads, w.buffers, 2);
    expect(env2.check(w.chains, w.payloads, w.buffers, r2)).toEqual([]);
  });
});
