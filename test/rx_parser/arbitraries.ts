// fast-check generators of frames for the RX parser: well-formed TCP with any IPv4 and TCP options and payloads
// up to jumbo size, the slow-path classes, and garbage (random bytes, truncations, corrupted length fields).
import fc from 'fast-check';
import {
  ETHERTYPE_VLAN, buildArpReply, buildArpRequest, makeTcpFrame, serializeFrame, tcpDataOffsetFor, type TcpOption,
} from '../../sim/packet/index.ts';
import { tcpOptions } from '../packet/arbitraries.ts';
import type { InFrame } from './driver.ts';

const u8 = fc.integer({ min: 0, max: 0xff });
const u16 = fc.integer({ min: 0, max: 0xffff });
const u32 = fc.integer({ min: 0, max: 0xffffffff });
const mac = fc.uint8Array({ minLength: 6, maxLength: 6 });

/** Payload sizes: mostly small, some up to a full 1500-byte MTU, a few jumbo (up to 9000 bytes). */
export const payloadSize = (max = 9000) => fc.oneof(
  { weight: 6, arbitrary: fc.integer({ min: 0, max: Math.min(64, max) }) },
  { weight: 3, arbitrary: fc.integer({ min: 0, max: Math.min(1460, max) }) },
  { weight: 1, arbitrary: fc.integer({ min: 0, max }) },
);

/** A correct TCP segment in an Ethernet frame: random fields, IPv4 options, TCP options, padding to 60 bytes. */
export const tcpFrameBytes = (maxPayload = 9000) => fc.record({
  dstMac: mac, srcMac: mac, srcIp: u32, dstIp: u32, srcPort: u16, dstPort: u16, seq: u32, ack: u32,
  flags: fc.integer({ min: 0, max: 0x1ff }), window: u16, urgentPointer: u16, df: fc.boolean(), ipId: u16, ttl: u8,
  ipOptionWords: fc.oneof({ weight: 3, arbitrary: fc.constant(0) }, { weight: 1, arbitrary: fc.integer({ min: 1, max: 10 }) }),
  ipOptionBytes: fc.uint8Array({ minLength: 40, maxLength: 40 }),
  options: fc.oneof({ weight: 1, arbitrary: fc.constant<TcpOption[]>([]) }, { weight: 3, arbitrary: tcpOptions }),
  extraOptionWords: fc.integer({ min: 0, max: 10 }),
  payloadLen: payloadSize(maxPayload), payloadSeed: u8,
  trailer: fc.oneof({ weight: 4, arbitrary: fc.constant(0) }, { weight: 1, arbitrary: fc.integer({ min: 1, max: 12 }) }),
}).map((r) => {
  const payload = Uint8Array.from({ length: r.payloadLen }, (_, i) => (i * 31 + r.payloadSeed) & 0xff);
  const t = makeTcpFrame({ ...r, payload, options: r.options });
  // IPv4 options (any bytes: the parser skips them), and zero words after the TCP options.
  const ipOptions = r.ipOptionBytes.slice(0, 4 * r.ipOptionWords);
  t.ip = { ...t.ip, ihl: 5 + r.ipOptionWords, options: ipOptions };
  t.tcp = { ...t.tcp, dataOffset: Math.min(15, tcpDataOffsetFor(r.options) + r.extraOptionWords) };
  t.ip.totalLength = 20 + ipOptions.length + 4 * t.tcp.dataOffset + payload.length;
  const wire = serializeFrame(t);
  const padded = new Uint8Array(Math.max(60, wire.length + r.trailer));
  padded.set(wire);
  padded.fill(0x5a, wire.length);
  return padded;
});

/** Frames for the slow path: ARP, IPv6, VLAN-tagged TCP, IPv4 UDP/ICMP, IPv4 fragments. */
export const slowPathFrameBytes = fc.oneof(
  fc.record({ srcMac: mac, dstMac: mac, srcIp: u32, targetIp: u32, reply: fc.boolean() }).map((r) => (r.reply
    ? buildArpReply({ srcMac: r.srcMac, srcIp: r.srcIp, dstMac: r.dstMac, dstIp: r.targetIp })
    : buildArpRequest({ srcMac: r.srcMac, srcIp: r.srcIp, targetIp: r.targetIp }))),
  fc.tuple(tcpFrameBytes(200), fc.constantFrom(0x86dd, ETHERTYPE_VLAN, 0x88cc)).map(([f, type]) => {
    const g = f.slice();
    g[12] = type >> 8; g[13] = type & 0xff;
    return g;
  }),
  fc.tuple(tcpFrameBytes(200), fc.constantFrom(1, 17, 0, 255)).map(([f, proto]) => { const g = f.slice(); g[23] = proto; return g; }),
  fc.tuple(tcpFrameBytes(1500), fc.boolean(), fc.integer({ min: 0, max: 0x1fff })).map(([f, mf, off]) => {
    const g = f.slice();
    const flags = (g[20]! & 0xc0) | (mf || off === 0 ? 0x20 : 0) | (off >> 8);
    g[20] = flags; g[21] = off & 0xff;
    return g;
  }),
);

/** Damaged frames: random bytes, cut-short frames, frames with a corrupted length field or version. */
export const garbageFrameBytes = fc.oneof(
  fc.uint8Array({ minLength: 1, maxLength: 200 }),
  fc.tuple(tcpFrameBytes(1500), fc.nat()).map(([f, at]) => f.slice(0, 1 + (at % f.length))),
  fc.tuple(tcpFrameBytes(1500), u16).map(([f, tl]) => { const g = f.slice(); g[16] = tl >> 8; g[17] = tl & 0xff; return g; }),
  fc.tuple(tcpFrameBytes(1500), fc.integer({ min: 0, max: 15 }), fc.integer({ min: 0, max: 15 })).map(([f, ver, ihl]) => {
    const g = f.slice(); g[14] = (ver === 4 || ver < 2 ? 4 : ver) << 4 | ihl; return g;
  }),
  fc.tuple(tcpFrameBytes(1500), fc.integer({ min: 0, max: 15 })).map(([f, dataOffset]) => {
    const g = f.slice(); const at = 14 + (g[14]! & 15) * 4 + 12; g[at] = (dataOffset << 4) | (g[at]! & 15); return g;
  }),
  // Random option-area bytes: malformed options must end the walk, not the frame.
  fc.tuple(tcpFrameBytes(300), fc.uint8Array({ minLength: 40, maxLength: 40 })).map(([f, junk]) => {
    const g = f.slice(); const tcp = 14 + (g[14]! & 15) * 4; const area = (g[tcp + 12]! >> 4) * 4 - 20;
    g.set(junk.subarray(0, area), tcp + 20); return g;
  }),
);

/** Any frame, with the MAC's error flag and the checksum-error flag now and then. */
export const anyFrame = (weights = { tcp: 6, slow: 2, garbage: 2 }): fc.Arbitrary<InFrame> => fc.record({
  data: fc.oneof(
    { weight: weights.tcp, arbitrary: tcpFrameBytes() },
    { weight: weights.slow, arbitrary: slowPathFrameBytes },
    { weight: weights.garbage, arbitrary: garbageFrameBytes },
  ),
  macError: fc.oneof({ weight: 15, arbitrary: fc.constant(false) }, { weight: 1, arbitrary: fc.constant(true) }),
  checksumError: fc.oneof({ weight: 10, arbitrary: fc.constant(false) }, { weight: 1, arbitrary: fc.constant(true) }),
});
