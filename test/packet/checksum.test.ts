import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  checksumCombine, checksumFinish, checksumPartial, checksumUpdate16, fillIpv4HeaderChecksum, fillTcpChecksum,
  internetChecksum, ipv4HeaderChecksumOk, pseudoHeaderSum, tcpChecksum, tcpChecksumOk,
} from '../../sim/packet/index.ts';
import { bytes, u32 } from './arbitraries.ts';

// Straightforward RFC 1071 sum to compare against: 32-bit accumulate, fold at the end.
function referenceSum(b: Uint8Array): number {
  let s = 0;
  for (let i = 0; i < b.length; i += 2) s += (b[i]! << 8) | (b[i + 1] ?? 0);
  while (s > 0xffff) s = (s & 0xffff) + Math.floor(s / 0x10000);
  return s;
}

describe('internet checksum', () => {
  it('matches the RFC 1071 §3 example', () => {
    const b = new Uint8Array([0x00, 0x01, 0xf2, 0x03, 0xf4, 0xf5, 0xf6, 0xf7]);
    expect(checksumPartial(b)).toBe(0xddf2);
    expect(internetChecksum(b)).toBe(0x220d);
  });

  it('verifies a known IPv4 header and fills the same value', () => {
    const h = new Uint8Array([0x45, 0x00, 0x00, 0x73, 0x00, 0x00, 0x40, 0x00, 0x40, 0x11, 0xb8, 0x61, 0xc0, 0xa8, 0x00, 0x01, 0xc0, 0xa8, 0x00, 0xc7]);
    expect(ipv4HeaderChecksumOk(h)).toBe(true);
    const copy = h.slice();
    copy[10] = 0x12;
    expect(ipv4HeaderChecksumOk(copy)).toBe(false);
    fillIpv4HeaderChecksum(copy);
    expect(copy).toEqual(h);
  });

  it('equals a plain reference sum, odd lengths included', () => {
    fc.assert(fc.property(bytes(300), (b) => {
      expect(checksumPartial(b)).toBe(referenceSum(b));
    }), { numRuns: 500 });
  });

  it('folds correctly on buffers longer than one fold interval', () => {
    const big = new Uint8Array(300_001).fill(0xff);
    expect(checksumPartial(big)).toBe(referenceSum(big));
    big[7] = 0x12;
    expect(checksumPartial(big, 0, 3, 299_990)).toBe(referenceSum(big.subarray(3, 299_993)));
  });

  it('a buffer with its checksum inserted sums to checksum 0', () => {
    fc.assert(
      fc.property(bytes(200, 2), fc.nat(), (b, at) => {
        const pos = (at % (b.length >> 1)) * 2; // the field is word-aligned, the buffer may be odd
        b[pos] = 0;
        b[pos + 1] = 0;
        const c = internetChecksum(b);
        b[pos] = c >>> 8;
        b[pos + 1] = c & 0xff;
        expect(internetChecksum(b)).toBe(0);
      }),
      { numRuns: 500 },
    );
  });

  it('partial sums of pieces split at any point (even or odd) combine to the whole', () => {
    fc.assert(
      fc.property(bytes(300), fc.array(fc.nat(), { maxLength: 5 }), (b, cuts) => {
        const points = [...new Set(cuts.map((c) => c % (b.length + 1)))].sort((x, y) => x - y);
        let sum = 0;
        let start = 0;
        for (const end of [...points, b.length]) {
          sum = checksumCombine(sum, checksumPartial(b.subarray(start, end)), start);
          start = end;
        }
        expect(sum).toBe(checksumPartial(b));
      }),
      { numRuns: 500 },
    );
  });

  it('an even-length prefix sum can seed the rest through `initial`', () => {
    fc.assert(
      fc.property(bytes(300), fc.nat(), (b, k) => {
        const cut = (k % ((b.length >> 1) + 1)) * 2;
        expect(checksumPartial(b, checksumPartial(b.subarray(0, cut)), cut)).toBe(checksumPartial(b));
      }),
    );
  });

  it('RFC 1624 incremental update agrees with recomputation', () => {
    fc.assert(
      fc.property(bytes(40, 40).map((h) => h.slice(0, 40)), fc.integer({ min: 1, max: 19 }), fc.integer({ min: 0, max: 0xffff }), (h, word, v) => {
        h[0] = 0x45; // a real header never sums to zero, which is the one case where ±0 differ
        h[10] = 0;
        h[11] = 0;
        fillIpv4HeaderChecksum(h);
        if (word === 5) return; // the checksum field itself
        const old = (h[word * 2]! << 8) | h[word * 2 + 1]!;
        const updated = checksumUpdate16((h[10]! << 8) | h[11]!, old, v);
        h[word * 2] = v >>> 8;
        h[word * 2 + 1] = v & 0xff;
        h[10] = updated >>> 8;
        h[11] = updated & 0xff;
        expect(ipv4HeaderChecksumOk(h)).toBe(true);
      }),
      { numRuns: 500 },
    );
  });
});

describe('TCP pseudo-header checksum', () => {
  it('pseudo-header sum equals the sum of the explicit 12-byte pseudo-header', () => {
    fc.assert(
      fc.property(u32, u32, fc.integer({ min: 0, max: 255 }), fc.integer({ min: 0, max: 0xffff }), (s, d, p, len) => {
        const ph = new Uint8Array(12);
        const v = new DataView(ph.buffer);
        v.setUint32(0, s);
        v.setUint32(4, d);
        v.setUint8(9, p);
        v.setUint16(10, len);
        expect(pseudoHeaderSum(s, d, p, len)).toBe(checksumPartial(ph));
      }),
    );
  });

  it('fill then verify; any single-byte change is detected; the stored field is ignored by tcpChecksum', () => {
    fc.assert(
      fc.property(u32, u32, bytes(120, 20), fc.nat(), fc.integer({ min: 1, max: 255 }), (s, d, seg, at, delta) => {
        const before = tcpChecksum(s, d, seg);
        fillTcpChecksum(s, d, seg);
        expect((seg[16]! << 8) | seg[17]!).toBe(before);
        expect(tcpChecksumOk(s, d, seg)).toBe(true);
        expect(tcpChecksum(s, d, seg)).toBe(before);
        const i = at % seg.length;
        seg[i] = (seg[i]! + delta) & 0xff;
        expect(tcpChecksumOk(s, d, seg)).toBe(false);
      }),
      { numRuns: 300 },
    );
  });

  it('checksumFinish is the ones-complement of the folded sum', () => {
    expect(checksumFinish(0)).toBe(0xffff);
    expect(checksumFinish(0xffff)).toBe(0);
    expect(checksumFinish(0x1fffe)).toBe(0);
  });
});
