// The DMA engine against the reference model: random transfers in both directions at once (any alignment and
// length, 4 KiB crossings, zero-length), random host latency, reordering across IDs, stalls and backpressure,
// every byte checked by hash and nothing else in either memory touched; then SLVERR/DECERR answers.
import { afterAll, describe, expect, it } from 'vitest';
import { simulate } from '../../sim/harness.ts';
import { simBackends } from '../backends.ts';
import { DmaEngine } from '../../blocks/host/dma-engine.ts';
import { DmaEnv, HOST_DST, HOST_SRC, NIC_DST, NIC_SRC, randomTraffic } from './dma-env.ts';

describe.each(simBackends())('dma_engine (%s)', async (backend) => {
  const sim = await simulate(DmaEngine, {}, { backend });
  afterAll(() => sim.close());
  sim.reset();
  const env = new DmaEnv(sim as never, 1);

  it('copies byte-exact at full speed: long latency, IDs answered out of order', () => {
    env.configure({ axi: { readLatency: 78, writeLatency: 78, reorder: true } });
    env.run(randomTraffic(40, 100));
  });

  it('copies byte-exact under random latency, stalls on every channel and backpressure', () => {
    for (const [i, lat] of [3, 17, 41].entries()) {
      env.configure({
        axi: { readLatency: lat, writeLatency: 60 - lat, reorder: i !== 1, arStall: 0.3, awStall: 0.2, wStall: 0.3, rGap: 0.3 },
        nic: { readLatency: 1 + i * 3, wrStall: 0.3, rdStall: 0.2 }, cmdGap: 0.5, backpressure: 0.5,
      });
      env.run(randomTraffic(15, 200 + i));
    }
  });

  it('splits at every 4 KiB boundary and handles each byte offset at both ends', () => {
    env.configure({ axi: { readLatency: 10, writeLatency: 10, reorder: true } });
    const reads = [], writes = [];
    for (let s = 0; s < 8; s++) {
      for (const d of [0, 3, 7]) {
        reads.push({ host: HOST_SRC + 4096 - 40 + s, nic: NIC_DST + 0x4000 * (s * 3 + d / 3 | 0) + d, len: 9000 });
        writes.push({ host: HOST_DST + 0x4000 * (s * 3 + d / 3 | 0) + 4096 - 5 + d, nic: NIC_SRC + s, len: 8200 + s });
      }
    }
    for (let n = 1; n <= 17; n++) reads.push({ host: HOST_SRC + n * 5, nic: NIC_DST + 0x80000 + n * 64 + (n % 8), len: n });
    env.run({ reads, writes });
  });

  it('reports SLVERR and DECERR, keeps every other transfer exact and never writes outside a destination', () => {
    const beat = env.axi.beatBytes;
    const errors = [
      { start: HOST_SRC + 0x2000, end: HOST_SRC + 0x2000 + 4 * beat, resp: 2 as const, on: 'read' as const },
      { start: HOST_SRC + 0x5000, end: HOST_SRC + 0x5000 + beat, resp: 3 as const, on: 'read' as const },
      { start: HOST_DST + 0x3000, end: HOST_DST + 0x3000 + 2 * beat, resp: 2 as const, on: 'write' as const },
      { start: HOST_DST + 0x8000, end: HOST_DST + 0x9000, resp: 3 as const, on: 'write' as const },
    ];
    env.configure({ axi: { readLatency: 30, writeLatency: 30, reorder: true, rGap: 0.2 }, errors, backpressure: 0.3 });
    const reads = [
      { host: HOST_SRC + 0x1f00, nic: NIC_DST, len: 600 }, // covers the SLVERR beats
      { host: HOST_SRC + 0x3000, nic: NIC_DST + 0x1000, len: 300 },
      { host: HOST_SRC + 0x4ffd, nic: NIC_DST + 0x2003, len: 20 }, // DECERR
      { host: HOST_SRC + 0x1f00, nic: NIC_DST + 0x3000, len: 0x3200 }, // both
      { host: HOST_SRC + 0x6000, nic: NIC_DST + 0x7000, len: 1000 },
    ];
    const writes = [
      { host: HOST_DST + 0x2ff0, nic: NIC_SRC, len: 100 }, // SLVERR
      { host: HOST_DST + 0x4000, nic: NIC_SRC + 1, len: 2000 },
      { host: HOST_DST + 0x7f00, nic: NIC_SRC + 2, len: 9000 }, // DECERR, several bursts
      { host: HOST_DST + 0xa000, nic: NIC_SRC + 3, len: 64 },
    ];
    const r = env.run({ reads, writes });
    expect(r.readStatus).toEqual([2, 0, 3, 3, 0]);
    expect(r.writeStatus).toEqual([2, 0, 3, 0]);
    // After the errors the engine is as good as new.
    env.configure({ axi: { readLatency: 20, writeLatency: 20, reorder: true }, errors: [] });
    env.run(randomTraffic(10, 300));
  });
});
