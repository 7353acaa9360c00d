import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { buildTcpFrame, parseFrame, PcapWriter, readPcap, TcpFlags, writePcap, type PcapPacket } from '../../sim/packet/index.ts';
import { bytes } from './arbitraries.ts';

const packet = fc.record({
  ts: fc.record({ sec: fc.integer({ min: 0, max: 0xffffffff }), nsec: fc.integer({ min: 0, max: 999_999 }).map((us) => us * 1000) }),
  data: bytes(200),
  extra: fc.integer({ min: 0, max: 100 }),
}).map(({ ts, data, extra }): PcapPacket => ({ ts, data, origLen: data.length + extra }));

// An independent little writer for the variants writePcap does not produce.
function handMade(littleEndian: boolean, nanosecond: boolean, packets: PcapPacket[]): Uint8Array {
  const out = new Uint8Array(24 + packets.reduce((n, p) => n + 16 + p.data.length, 0));
  const v = new DataView(out.buffer);
  v.setUint32(0, nanosecond ? 0xa1b23c4d : 0xa1b2c3d4, littleEndian);
  v.setUint16(4, 2, littleEndian);
  v.setUint16(6, 4, littleEndian);
  v.setUint32(16, 65535, littleEndian);
  v.setUint32(20, 1, littleEndian);
  let o = 24;
  for (const p of packets) {
    v.setUint32(o, p.ts.sec, littleEndian);
    v.setUint32(o + 4, nanosecond ? p.ts.nsec : p.ts.nsec / 1000, littleEndian);
    v.setUint32(o + 8, p.data.length, littleEndian);
    v.setUint32(o + 12, p.origLen, littleEndian);
    out.set(p.data, o + 16);
    o += 16 + p.data.length;
  }
  return out;
}

describe('pcap', () => {
  it('write → read round trip keeps timestamps, data and original lengths', () => {
    fc.assert(
      fc.property(fc.array(packet, { maxLength: 20 }), (packets) => {
        const file = readPcap(writePcap(packets));
        expect(file).toMatchObject({ nanosecond: false, littleEndian: true, versionMajor: 2, versionMinor: 4, linktype: 1, snaplen: 262144 });
        expect(file.packets).toEqual(packets);
      }),
      { numRuns: 200 },
    );
  });

  it.each([
    [true, false], [false, false], [true, true], [false, true],
  ])('reads littleEndian=%s nanosecond=%s files', (le, ns) => {
    const packets: PcapPacket[] = [
      { ts: { sec: 1_700_000_000, nsec: ns ? 123_456_789 : 123_456_000 }, data: new Uint8Array([1, 2, 3]), origLen: 3 },
      { ts: { sec: 1_700_000_001, nsec: 0 }, data: new Uint8Array([4, 5]), origLen: 60 },
    ];
    const file = readPcap(handMade(le, ns, packets));
    expect(file).toMatchObject({ littleEndian: le, nanosecond: ns, snaplen: 65535, linktype: 1 });
    expect(file.packets).toEqual(packets);
  });

  it('writing truncates to snaplen and keeps the original length', () => {
    const file = readPcap(writePcap([{ ts: { sec: 1, nsec: 0 }, data: new Uint8Array(100).fill(7), origLen: 100 }], { snaplen: 64 }));
    expect(file.snaplen).toBe(64);
    expect(file.packets[0]!.data).toEqual(new Uint8Array(64).fill(7));
    expect(file.packets[0]!.origLen).toBe(100);
  });

  it('malformed files throw errors naming the place', () => {
    expect(() => readPcap(new Uint8Array(10))).toThrow(/shorter than the 24-byte header/);
    expect(() => readPcap(new Uint8Array(24))).toThrow(/unknown magic 0x0 at byte 0/);
    const good = writePcap([{ ts: { sec: 1, nsec: 0 }, data: new Uint8Array(10), origLen: 10 }]);
    expect(() => readPcap(good.subarray(0, 30))).toThrow(/record 0 at byte 24: header cut short/);
    expect(() => readPcap(good.subarray(0, 45))).toThrow(/record 0 at byte 24: 10 captured bytes, only 5 left/);
  });

  it('PcapWriter accumulates frames, stamps them 1 µs apart by default and writes a file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'pcap-'));
    try {
      const w = new PcapWriter();
      const frames = [TcpFlags.SYN, TcpFlags.SYN | TcpFlags.ACK, TcpFlags.ACK].map((flags, i) => buildTcpFrame({
        srcMac: '02:00:00:00:00:01', dstMac: '02:00:00:00:00:02', srcIp: '10.0.0.1', dstIp: '10.0.0.2',
        srcPort: 1000, dstPort: 80, seq: i, ack: 0, flags, window: 100,
      }));
      w.add(frames[0]!).add(frames[1]!).add(frames[2]!, { sec: 5, nsec: 250_000 });
      frames[0]!.fill(0); // the writer copied the frame
      const path = join(dir, 'sub', 'handshake.pcap');
      w.writeFile(path);
      const file = readPcap(readFileSync(path));
      expect(file.packets.map((p) => p.ts)).toEqual([{ sec: 0, nsec: 0 }, { sec: 0, nsec: 1000 }, { sec: 5, nsec: 250_000 }]);
      expect(file.packets.map((p) => parseFrame(p.data).ok)).toEqual([true, true, true]);
      expect(file.packets[2]!.data).toEqual(frames[2]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
