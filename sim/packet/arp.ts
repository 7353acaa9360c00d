// ARP for IPv4 over Ethernet (RFC 826): the only kind a NIC answers.

import { toIpv4, toMac, type Ipv4Addr, type Ipv4Input, type MacAddr, type MacInput } from './addr.ts';
import { be16, be32, put16, put32 } from './bytes.ts';
import { fail, type Parsed } from './errors.ts';

export const ARP_REQUEST = 1;
export const ARP_REPLY = 2;
export const ARP_LENGTH = 28;

export interface ArpPacket {
  /** 1 request, 2 reply (other values are kept as read). */
  op: number;
  senderMac: MacAddr;
  senderIp: Ipv4Addr;
  targetMac: MacAddr;
  targetIp: Ipv4Addr;
}

export function parseArp(bytes: Uint8Array, offset = 0): Parsed<ArpPacket> {
  if (bytes.length - offset < ARP_LENGTH) {
    return fail('arp-truncated', offset, `ARP body needs ${ARP_LENGTH} bytes, ${bytes.length - offset} present`);
  }
  const htype = be16(bytes, offset);
  const ptype = be16(bytes, offset + 2);
  const hlen = bytes[offset + 4]!;
  const plen = bytes[offset + 5]!;
  if (htype !== 1 || ptype !== 0x0800 || hlen !== 6 || plen !== 4) {
    return fail('arp-unsupported', offset,
      `only Ethernet/IPv4 ARP is supported, got htype ${htype} ptype 0x${ptype.toString(16)} hlen ${hlen} plen ${plen}`);
  }
  return {
    ok: true,
    value: {
      op: be16(bytes, offset + 6),
      senderMac: bytes.slice(offset + 8, offset + 14),
      senderIp: be32(bytes, offset + 14),
      targetMac: bytes.slice(offset + 18, offset + 24),
      targetIp: be32(bytes, offset + 24),
    },
  };
}

/** Write the 28-byte ARP body at out[offset..]; returns the offset just past it. */
export function writeArp(a: ArpPacket, out: Uint8Array, offset = 0): number {
  let o = put16(out, offset, 1);
  o = put16(out, o, 0x0800);
  out[o++] = 6;
  out[o++] = 4;
  o = put16(out, o, a.op);
  out.set(toMac(a.senderMac), o);
  o = put32(out, o + 6, a.senderIp);
  out.set(toMac(a.targetMac), o);
  return put32(out, o + 6, a.targetIp);
}

export interface ArpRequestSpec {
  srcMac: MacInput;
  srcIp: Ipv4Input;
  /** Address being resolved. */
  targetIp: Ipv4Input;
}

export interface ArpReplySpec {
  /** The replier: the MAC that owns srcIp. */
  srcMac: MacInput;
  srcIp: Ipv4Input;
  /** The requester. */
  dstMac: MacInput;
  dstIp: Ipv4Input;
}

/** ARP body of a request: target MAC zero, as Linux sends it. */
export function arpRequest(spec: ArpRequestSpec): ArpPacket {
  return {
    op: ARP_REQUEST,
    senderMac: toMac(spec.srcMac),
    senderIp: toIpv4(spec.srcIp),
    targetMac: new Uint8Array(6),
    targetIp: toIpv4(spec.targetIp),
  };
}

export function arpReply(spec: ArpReplySpec): ArpPacket {
  return {
    op: ARP_REPLY,
    senderMac: toMac(spec.srcMac),
    senderIp: toIpv4(spec.srcIp),
    targetMac: toMac(spec.dstMac),
    targetIp: toIpv4(spec.dstIp),
  };
}
