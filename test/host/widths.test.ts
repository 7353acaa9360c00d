// The host interface at other bus widths: the DMA engine at 32, 128 and 512 bits, the whole interface at 256
// (descriptors and completions narrower than a beat: lanes within beats). Shorter random runs than at 64 bits.
import { afterAll, describe, expect, it } from 'vitest';
import { simulate } from '../../sim/harness.ts';
import { simBackends } from '../backends.ts';
import { DmaEngine } from '../../blocks/host/dma-engine.ts';
import { HostIf } from '../../blocks/host/host-if.ts';
import { DmaEnv, randomTraffic } from './dma-env.ts';
import { HostIfEnv, randomWorkload } from './host-if-env.ts';

describe.each(simBackends())('host interface widths (%s)', async (backend) => {
  const dmas = await Promise.all([32, 128, 512].map((width) => simulate(DmaEngine, { width, nicAddrBits: 24 }, { backend })));
  const hostIf = await simulate(HostIf, { width: 256 }, { backend });
  afterAll(() => { for (const s of [...dmas, hostIf]) s.close(); });

  it.each([[32, 0], [128, 1], [512, 2]])('dma_engine at %i bits: byte-exact both ways with random latency and stalls', (_width, i) => {
    const sim = dmas[i]!;
    sim.reset();
    const env = new DmaEnv(sim as never, 10 + i);
    env.configure({ axi: { readLatency: 30, writeLatency: 20, reorder: true, arStall: 0.2, rGap: 0.2, wStall: 0.2 }, nic: { wrStall: 0.2, rdStall: 0.2 }, backpressure: 0.3 });
    env.run(randomTraffic(14, 40 + i));
  });

  it('host_if at 256 bits: sends, receives and completions', () => {
    const env = new HostIfEnv(hostIf as never, 5);
    hostIf.reset();
    env.drv.init();
    env.axi.configure({ readLatency: 30, writeLatency: 30, reorder: true, rGap: 0.1 });
    const w = randomWorkload(10, 50);
    const r = env.run(w.chains, w.payloads, w.buffers, 3);
    expect(env.check(w.chains, w.payloads, w.buffers, r)).toEqual([]);
  });
});
