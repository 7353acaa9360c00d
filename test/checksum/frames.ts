// Random TCP frames for the checksum tests (IPv4 options, TCP options, payloads up to jumbo size, Ethernet
// padding), and the reference verdict of a frame's bytes computed with sim/packet's checksum functions.
import fc from 'fast-check';
import {
  checksumFinish, checksumPartial, fillIpv4HeaderChecksum, fillTcpChecksum, makeTcpFrame, pseudoHeaderSum,
  serializeFrame, type TcpOption,
} from '../../sim/packet/index.ts';
import { tcpOptions } from '../packet/arbitraries.ts';
import type { VerdictValue } from '../../blocks/checksum/verdict.ts';
import { Xorshift } from '../../sim/stream-models.ts';

export interface TcpFrameSpec {
  ipOptionWords: number;
  ipOptionBytes: Uint8Array;
  tcpOptions: TcpOption[];
  payload: Uint8Array;
  /** Bytes after the datagram; frames under 60 bytes are padded to 60 with these first, then zeros. */
  trailer: Uint8Array;
  srcIp: number;
  dstIp: number;
  srcPort: number;
  dstPort: number;
  seq: number;
  ack: number;
  flags: number;
  window: number;
  ipId: number;
}

/** Wire bytes of a TCP frame with correct checksums, IPv4 options, and any trailer / padding. */
export function buildFrame(s: TcpFrameSpec): Uint8Array {
  const f = makeTcpFrame({
    srcMac: '02:00:00:00:00:01', dstMac: '02:00:00:00:00:02', srcIp: s.srcIp, dstIp: s.dstIp,
    srcPort: s.srcPort, dstPort: s.dstPort, seq: s.seq, ack: s.ack, flags: s.flags, window: s.window,
    options: s.tcpOptions, payload: s.payload, ipId: s.ipId,
  });
  f.ip.options = s.ipOptionBytes.slice(0, s.ipOptionWords * 4);
  f.ip.ihl = 5 + s.ipOptionWords;
  f.ip.totalLength += f.ip.options.length;
  const datagram = serializeFrame(f);
  const ipEnd = datagram.length;
  const total = Math.max(60, ipEnd + s.trailer.length);
  const bytes = new Uint8Array(total);
  bytes.set(datagram);
  bytes.set(s.trailer.subarray(0, total - ipEnd), ipEnd);
  const headerEnd = 14 + f.ip.ihl * 4;
  fillIpv4HeaderChecksum(bytes.subarray(14, headerEnd));
  bytes[headerEnd + 16] = 0;
  bytes[headerEnd + 17] = 0;
  fillTcpChecksum(s.srcIp, s.dstIp, bytes.subarray(headerEnd, ipEnd));
  return bytes;
}

const u16 = fc.integer({ min: 0, max: 0xffff });
const u32 = fc.integer({ min: 0, max: 0xffffffff });

/** Payload lengths: mostly small, some around an MTU, a few jumbo (up to maxPayload). */
export const payloadLength = (maxPayload: number) => fc.oneof(
  { weight: 4, arbitrary: fc.integer({ min: 0, max: Math.min(100, maxPayload) }) },
  { weight: 2, arbitrary: fc.integer({ min: 0, max: Math.min(1500, maxPayload) }) },
  { weight: 1, arbitrary: fc.integer({ min: 0, max: maxPayload }) },
);

export const frameSpec = (maxPayload = 9000): fc.Arbitrary<TcpFrameSpec> => fc.record({
  ipOptionWords: fc.integer({ min: 0, max: 10 }),
  ipOptionBytes: fc.uint8Array({ minLength: 40, maxLength: 40 }),
  tcpOptions,
  payload: payloadLength(maxPayload).chain((n) => fc.uint8Array({ minLength: n, maxLength: n })),
  trailer: fc.oneof(fc.constant(new Uint8Array(0)), fc.uint8Array({ minLength: 1, maxLength: 12 })),
  srcIp: u32, dstIp: u32, srcPort: u16, dstPort: u16, seq: u32, ack: u32,
  flags: fc.integer({ min: 0, max: 0x1ff }), window: u16, ipId: u16,
});

/** A frame and, sometimes, one byte of its IPv4 header or TCP segment changed (never to the same value). */
export interface Case { bytes: Uint8Array; corruptAt?: number }

export const frameCase = (maxPayload = 9000): fc.Arbitrary<Case> => fc
  .record({ spec: frameSpec(maxPayload), corrupt: fc.boolean(), where: fc.double({ min: 0, max: 1, noNaN: true, maxExcluded: true }), xor: fc.integer({ min: 1, max: 255 }) })
  .map(({ spec, corrupt, where, xor }) => {
    const bytes = buildFrame(spec);
    if (!corrupt) return { bytes };
    const ipEnd = 14 + ((bytes[16]! << 8) | bytes[17]!);
    const at = 14 + Math.floor(where * (ipEnd - 14));
    bytes[at]! ^= xor;
    return { bytes, corruptAt: at };
  });

const be16 = (b: Uint8Array, o: number) => (b[o]! << 8) | b[o + 1]!;
const be32 = (b: Uint8Array, o: number) => ((b[o]! << 24) | (b[o + 1]! << 16) | (b[o + 2]! << 8) | b[o + 3]!) >>> 0;

/**
 * The verdict the RX verifier must give, from the frame's bytes, using sim/packet's checksum arithmetic and
 * the rules in blocks/checksum/verdict.ts.
 */
export function referenceVerdict(b: Uint8Array): VerdictValue {
  const len = b.length;
  const ipv4Checked = len >= 14 && be16(b, 12) === 0x0800;
  if (!ipv4Checked) return { ipv4Checked, ipv4Ok: false, tcpChecked: false, tcpOk: false };
  if (len < 34) return { ipv4Checked, ipv4Ok: false, tcpChecked: false, tcpOk: false };
  const version = b[14]! >> 4;
  const headerBytes = (b[14]! & 15) * 4;
  const totalLength = be16(b, 16);
  const headerSane = version === 4 && headerBytes >= 20 && len >= 14 + headerBytes;
  const lengthSane = totalLength >= headerBytes && len >= 14 + totalLength;
  const usable = headerSane && lengthSane;
  const tcpChecked = b[23] === 6 && (be16(b, 20) & 0x3fff) === 0;
  const ipv4Ok = usable && checksumFinish(checksumPartial(b, 0, 14, headerBytes)) === 0;
  let tcpOk = false;
  if (tcpChecked && usable && totalLength >= headerBytes + 20) {
    const segLen = totalLength - headerBytes;
    const pseudo = pseudoHeaderSum(be32(b, 26), be32(b, 30), 6, segLen);
    tcpOk = checksumFinish(checksumPartial(b, pseudo, 14 + headerBytes, segLen)) === 0;
  }
  return { ipv4Checked, ipv4Ok, tcpChecked, tcpOk };
}

/**
 * Each frame with one byte in [14, end of the IPv4 datagram) changed (XOR with 1..255), the byte chosen by a
 * seeded PRNG: a corruption the IPv4 header checksum or the TCP checksum must catch.
 */
export function withOneByteChanged(frames: readonly Uint8Array[], seed: number): { bytes: Uint8Array; at: number }[] {
  const rng = new Xorshift(seed);
  return frames.map((f) => {
    const ipEnd = 14 + ((f[16]! << 8) | f[17]!);
    const at = 14 + Math.floor(rng.next() * (ipEnd - 14));
    const bytes = f.slice();
    bytes[at]! ^= 1 + Math.floor(rng.next() * 255);
    return { bytes, at };
  });
}
