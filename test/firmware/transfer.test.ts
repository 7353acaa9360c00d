// 1 MiB each way at once on one connection, byte-exact, clean, lossless and under impairments.
import { describe, expect, it } from 'vitest';
import { makePair, utilisationReport, type PairOptions } from './harness.ts';
import { bidirectional } from './transfer.ts';

const MiB = 1 << 20;

function scenario(name: string, o: PairOptions) {
  it(name, () => {
    const p = makePair({ ...o, pcap: !!process.env.TOE_PCAP });
    const r = bidirectional(p, MiB);
    if (process.env.TOE_PCAP) p.pcap!.writeFile(`${process.env.TOE_PCAP}/firmware-${name.replace(/[^a-z0-9]+/gi, '_')}.pcap`);
    expect(r.gotB).toBe(r.sentA);
    expect(r.gotA).toBe(r.sentB);
    expect(p.wire.bad, p.wire.badDetail.join('\n')).toBe(0);
    expect(p.a.leaks()).toEqual({ skbsInUse: 0, hwConns: 0, fwConns: 0 });
    expect(p.b.leaks()).toEqual({ skbsInUse: 0, hwConns: 0, fwConns: 0 });
    expect(p.a.refusals).toEqual([]);
    expect(p.b.refusals).toEqual([]);
    for (const u of [p.a.utilisation(), p.b.utilisation()]) for (const x of [u.rx, u.tx]) { expect(x).toBeGreaterThan(0); expect(x).toBeLessThan(1); }
    const mbps = (2 * MiB * 8) / (r.simMs * 1e3);
    console.log(`${utilisationReport(p, name)}; ${r.simMs.toFixed(2)} ms for 2 x 1 MiB = ${mbps.toFixed(0)} Mb/s total; ` +
      `wire ${p.wire.frames} frames, lost ${p.link.stats.lost}, reordered ${p.link.stats.reordered}, dup ${p.link.stats.duplicated}; ` +
      `A tx ${JSON.stringify(p.a.txFirmware.stats)}; B rx held ${p.b.rxFirmware.stats.oooHeld}`);
  });
}

describe('bulk transfer, 1 MiB each way at once', () => {
  scenario('clean link, 10 Gb/s', {});
  scenario('1% loss', { link: { loss: 0.01, seed: 11 } });
  scenario('reordering (10% of frames held up to 30 µs) and 0.5% duplication', { link: { reorder: 0.1, reorderNs: 30_000, duplicate: 0.005, seed: 5 } });
  scenario('1% loss, 5% reordering, sequence numbers wrapping', {
    link: { loss: 0.01, reorder: 0.05, seed: 23 },
    a: { fw: { iss: () => 0xffff_ff00 } }, b: { fw: { iss: () => 0xfff8_0000 } },
  });
  scenario('1 Gb/s link, Nagle on, small skb pool (nomem is real)', {
    link: { rateBps: 1e9, delayNs: 20_000 },
    fw: { nagle: true },
    a: { skbBlocks: 96 }, b: { skbBlocks: 96 },
  });
});
