// Ethernet II header with an optional single 802.1Q (or 802.1ad) tag. No FCS: frames here
// are what a MAC hands over after stripping it, as in a pcap.

import { toMac, type MacAddr } from './addr.ts';
import { be16, put16 } from './bytes.ts';
import { fail, type Parsed } from './errors.ts';

export const ETHERTYPE_IPV4 = 0x0800;
export const ETHERTYPE_ARP = 0x0806;
export const ETHERTYPE_VLAN = 0x8100;
export const ETHERTYPE_QINQ = 0x88a8;

export interface VlanTag {
  /** 0x8100 (802.1Q) or 0x88a8 (802.1ad). */
  tpid: number;
  /** Priority code point, 0..7. */
  pcp: number;
  /** Drop eligible indicator. */
  dei: boolean;
  /** VLAN id, 0..4095. */
  vid: number;
}

export interface EthernetHeader {
  dst: MacAddr;
  src: MacAddr;
  vlan?: VlanTag;
  /** Ethertype after the tag, if any. */
  ethertype: number;
}

export function ethernetHeaderLength(h: EthernetHeader): number {
  return h.vlan ? 18 : 14;
}

export function parseEthernet(bytes: Uint8Array, offset = 0): Parsed<{ header: EthernetHeader; length: number }> {
  if (bytes.length - offset < 14) {
    return fail('eth-truncated', offset, `Ethernet header needs 14 bytes, ${bytes.length - offset} present`);
  }
  const dst = bytes.slice(offset, offset + 6);
  const src = bytes.slice(offset + 6, offset + 12);
  const type = be16(bytes, offset + 12);
  if (type !== ETHERTYPE_VLAN && type !== ETHERTYPE_QINQ) {
    return { ok: true, value: { header: { dst, src, ethertype: type }, length: 14 } };
  }
  if (bytes.length - offset < 18) {
    return fail('eth-truncated', offset + 12, `VLAN-tagged header needs 18 bytes, ${bytes.length - offset} present`);
  }
  const tci = be16(bytes, offset + 14);
  const vlan: VlanTag = { tpid: type, pcp: tci >>> 13, dei: (tci & 0x1000) !== 0, vid: tci & 0x0fff };
  return { ok: true, value: { header: { dst, src, vlan, ethertype: be16(bytes, offset + 16) }, length: 18 } };
}

/** Write the header at out[offset..]; returns the offset just past it. */
export function writeEthernet(h: EthernetHeader, out: Uint8Array, offset = 0): number {
  out.set(toMac(h.dst), offset);
  out.set(toMac(h.src), offset + 6);
  let o = offset + 12;
  if (h.vlan) {
    const { tpid, pcp, dei, vid } = h.vlan;
    o = put16(out, o, tpid);
    o = put16(out, o, ((pcp & 7) << 13) | (dei ? 0x1000 : 0) | (vid & 0x0fff));
  }
  return put16(out, o, h.ethertype);
}
