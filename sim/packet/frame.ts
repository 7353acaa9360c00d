// Whole Ethernet frames: parse wire bytes into a discriminated union, serialise it back
// byte-exact, and build correct TCP and ARP frames from a few fields.
//
// Parsed frames alias the input: payload and trailer are views into the buffer given to
// parseFrame (no copy on the data path); headers, MACs and options are copies.

import { BROADCAST_MAC, toIpv4, toMac, type Ipv4Input, type MacInput } from './addr.ts';
import { arpReply, arpRequest, parseArp, writeArp, ARP_LENGTH, type ArpPacket, type ArpReplySpec, type ArpRequestSpec } from './arp.ts';
import { plainBytes } from './bytes.ts';
import { checksumFinish, checksumPartial, IPPROTO_TCP, pseudoHeaderSum } from './checksum.ts';
import { fail, type Parsed } from './errors.ts';
import {
  ETHERTYPE_ARP, ETHERTYPE_IPV4, ethernetHeaderLength, parseEthernet, writeEthernet,
  type EthernetHeader, type VlanTag,
} from './ethernet.ts';
import { ipv4HeaderLength, isFragment, parseIpv4, writeIpv4, type Ipv4Header } from './ipv4.ts';
import { parseTcp, tcpDataOffsetFor, tcpHeaderLength, writeTcp, type TcpHeader } from './tcp.ts';
import type { TcpOption } from './tcp-options.ts';

export interface TcpFrame {
  kind: 'tcp';
  eth: EthernetHeader;
  ip: Ipv4Header;
  tcp: TcpHeader;
  payload: Uint8Array;
  /** Bytes after the IPv4 total length (Ethernet padding of short frames); usually empty. */
  trailer: Uint8Array;
}

export interface ArpFrame {
  kind: 'arp';
  eth: EthernetHeader;
  arp: ArpPacket;
  /** Bytes after the 28-byte ARP body (Ethernet padding). */
  trailer: Uint8Array;
}

/** Any ethertype other than IPv4 and ARP; everything after the Ethernet header is `payload`. */
export interface OtherFrame {
  kind: 'other';
  eth: EthernetHeader;
  payload: Uint8Array;
}

export type Frame = TcpFrame | ArpFrame | OtherFrame;

/**
 * Parse one Ethernet frame (no FCS). Never throws: malformed input gives { ok: false, error }
 * with a reason code. IPv4 that is fragmented or not TCP is rejected ('ipv4-fragment',
 * 'ipv4-not-tcp'): this model covers what the TOE fast path accepts. Checksums are not
 * checked here; see frameChecksums().
 */
export function parseFrame(input: Uint8Array): Parsed<Frame> {
  const bytes = plainBytes(input);
  const e = parseEthernet(bytes);
  if (!e.ok) return e;
  const eth = e.value.header;
  const off = e.value.length;

  if (eth.ethertype === ETHERTYPE_ARP) {
    const a = parseArp(bytes, off);
    if (!a.ok) return a;
    return { ok: true, value: { kind: 'arp', eth, arp: a.value, trailer: bytes.subarray(off + ARP_LENGTH) } };
  }
  if (eth.ethertype !== ETHERTYPE_IPV4) {
    return { ok: true, value: { kind: 'other', eth, payload: bytes.subarray(off) } };
  }

  const i = parseIpv4(bytes, off);
  if (!i.ok) return i;
  const ip = i.value;
  if (isFragment(ip)) {
    return fail('ipv4-fragment', off + 6, `fragment (MF ${ip.mf ? 1 : 0}, offset ${ip.fragmentOffset * 8} bytes); reassembly is not modelled`);
  }
  if (ip.protocol !== IPPROTO_TCP) return fail('ipv4-not-tcp', off + 9, `protocol is ${ip.protocol}, expected 6 (TCP)`);

  const ipEnd = off + ip.totalLength;
  const segment = bytes.subarray(0, ipEnd); // bounds the TCP parser by the IPv4 total length
  const tcpStart = off + ip.ihl * 4;
  const t = parseTcp(segment, tcpStart);
  if (!t.ok) return t;
  const tcp = t.value;
  return {
    ok: true,
    value: {
      kind: 'tcp', eth, ip, tcp,
      payload: segment.subarray(tcpStart + tcp.dataOffset * 4),
      trailer: bytes.subarray(ipEnd),
    },
  };
}

/**
 * Bytes of a frame, fields written as they are (checksums and lengths are not recomputed), so
 * serializeFrame(parseFrame(x)) === x. Throws if a TCP frame's IPv4 total length disagrees
 * with its header and payload sizes: that is a bug in whoever built the object.
 */
export function serializeFrame(frame: Frame): Uint8Array {
  const ethLen = ethernetHeaderLength(frame.eth);
  switch (frame.kind) {
    case 'tcp': {
      const { ip, tcp, payload, trailer } = frame;
      const ipLen = ipv4HeaderLength(ip) + tcpHeaderLength(tcp) + payload.length;
      if (ip.totalLength !== ipLen) {
        throw new Error(`TCP frame: IPv4 total length ${ip.totalLength} but header + TCP header + payload is ${ipLen} bytes`);
      }
      const out = new Uint8Array(ethLen + ipLen + trailer.length);
      let o = writeEthernet(frame.eth, out);
      o = writeIpv4(ip, out, o);
      o = writeTcp(tcp, out, o);
      out.set(payload, o);
      out.set(trailer, o + payload.length);
      return out;
    }
    case 'arp': {
      const out = new Uint8Array(ethLen + ARP_LENGTH + frame.trailer.length);
      const o = writeArp(frame.arp, out, writeEthernet(frame.eth, out));
      out.set(frame.trailer, o);
      return out;
    }
    case 'other': {
      const out = new Uint8Array(ethLen + frame.payload.length);
      out.set(frame.payload, writeEthernet(frame.eth, out));
      return out;
    }
  }
}

/** Whether the IPv4 header checksum and the TCP checksum (with pseudo-header) of a frame verify. */
export function frameChecksums(frame: TcpFrame): { ipv4: boolean; tcp: boolean } {
  return {
    ipv4: checksumFinish(checksumPartial(ipv4HeaderBytes(frame.ip))) === 0,
    tcp: checksumFinish(tcpSegmentSum(frame.ip, frame.tcp, frame.payload)) === 0,
  };
}

export interface TcpFrameSpec {
  srcMac: MacInput;
  dstMac: MacInput;
  srcIp: Ipv4Input;
  dstIp: Ipv4Input;
  srcPort: number;
  dstPort: number;
  seq: number;
  ack: number;
  /** OR of TcpFlags values. */
  flags: number;
  window: number;
  /** Written in order, then zero-padded (EOL) to a multiple of 4 bytes. Default none. */
  options?: TcpOption[];
  payload?: Uint8Array;
  /** Default 0. */
  ipId?: number;
  /** Default 64. */
  ttl?: number;
  /** Don't-fragment bit; default true, as Linux sets it on TCP. */
  df?: boolean;
  dscp?: number;
  ecn?: number;
  urgentPointer?: number;
  vlan?: VlanTag;
}

/** A TCP frame object with lengths, data offset and both checksums computed. */
export function makeTcpFrame(spec: TcpFrameSpec): TcpFrame {
  const options = spec.options ?? [];
  const payload = spec.payload ?? new Uint8Array(0);
  const dataOffset = tcpDataOffsetFor(options);
  if (dataOffset > 15) throw new Error(`TCP options need ${(dataOffset - 5) * 4} bytes; at most 40 fit`);
  const eth: EthernetHeader = { dst: toMac(spec.dstMac), src: toMac(spec.srcMac), ethertype: ETHERTYPE_IPV4 };
  if (spec.vlan) eth.vlan = spec.vlan;
  const ip: Ipv4Header = {
    ihl: 5, dscp: field('dscp', spec.dscp ?? 0, 63), ecn: field('ecn', spec.ecn ?? 0, 3),
    totalLength: 20 + dataOffset * 4 + payload.length,
    id: field('ipId', spec.ipId ?? 0, 0xffff), reservedFlag: false, df: spec.df ?? true, mf: false, fragmentOffset: 0,
    ttl: field('ttl', spec.ttl ?? 64, 255), protocol: IPPROTO_TCP, checksum: 0,
    src: toIpv4(spec.srcIp), dst: toIpv4(spec.dstIp), options: new Uint8Array(0),
  };
  if (ip.totalLength > 0xffff) throw new Error(`TCP frame: IPv4 total length ${ip.totalLength} exceeds 65535`);
  const tcp: TcpHeader = {
    srcPort: field('srcPort', spec.srcPort, 0xffff), dstPort: field('dstPort', spec.dstPort, 0xffff),
    seq: field('seq', spec.seq, 0xffffffff), ack: field('ack', spec.ack, 0xffffffff),
    dataOffset, reserved: 0, flags: field('flags', spec.flags, 0x1ff), window: field('window', spec.window, 0xffff),
    checksum: 0, urgentPointer: field('urgentPointer', spec.urgentPointer ?? 0, 0xffff), options,
  };
  ip.checksum = checksumFinish(checksumPartial(ipv4HeaderBytes(ip)));
  tcp.checksum = checksumFinish(tcpSegmentSum(ip, tcp, payload));
  return { kind: 'tcp', eth, ip, tcp, payload, trailer: new Uint8Array(0) };
}

/** Wire bytes of a TCP frame with correct checksums (no Ethernet padding, no FCS). */
export function buildTcpFrame(spec: TcpFrameSpec): Uint8Array {
  return serializeFrame(makeTcpFrame(spec));
}

/** Broadcast ARP request frame (42 bytes, unpadded). */
export function buildArpRequest(spec: ArpRequestSpec): Uint8Array {
  const eth: EthernetHeader = { dst: BROADCAST_MAC, src: toMac(spec.srcMac), ethertype: ETHERTYPE_ARP };
  return serializeFrame({ kind: 'arp', eth, arp: arpRequest(spec), trailer: new Uint8Array(0) });
}

/** Unicast ARP reply frame from srcMac to dstMac (42 bytes, unpadded). */
export function buildArpReply(spec: ArpReplySpec): Uint8Array {
  const eth: EthernetHeader = { dst: toMac(spec.dstMac), src: toMac(spec.srcMac), ethertype: ETHERTYPE_ARP };
  return serializeFrame({ kind: 'arp', eth, arp: arpReply(spec), trailer: new Uint8Array(0) });
}

function field(name: string, value: number, max: number): number {
  if (!Number.isInteger(value) || value < 0 || value > max) {
    throw new RangeError(`TCP frame spec: ${name} must be an integer in 0..${max}, got ${value}`);
  }
  return value;
}

function ipv4HeaderBytes(ip: Ipv4Header): Uint8Array {
  const b = new Uint8Array(ipv4HeaderLength(ip));
  writeIpv4(ip, b);
  return b;
}

// Partial sum over pseudo-header, TCP header (as stored, checksum field included) and payload.
// The header is a multiple of 4 bytes, so the payload sum chains on without a byte swap.
function tcpSegmentSum(ip: Ipv4Header, tcp: TcpHeader, payload: Uint8Array): number {
  const hdr = new Uint8Array(tcpHeaderLength(tcp));
  writeTcp(tcp, hdr);
  const pseudo = pseudoHeaderSum(ip.src, ip.dst, IPPROTO_TCP, hdr.length + payload.length);
  return checksumPartial(payload, checksumPartial(hdr, pseudo));
}
