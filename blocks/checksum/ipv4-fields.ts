// The Ethernet II + IPv4 fields both checksum units read, at their fixed offsets in an untagged frame, and the
// structural checks that say whether a frame's IPv4 header and TCP segment can be located at all.
import { UInt, cat, lit, type Sig } from '../../dsl/index.ts';
import { OFFSET_BITS, type FrameWalker } from './frame-walker.ts';

/** Offset of the IPv4 header: after an untagged Ethernet II header (VLAN-tagged frames are not IPv4 here). */
export const IP_START = 14;
/** Just past the fixed 20-byte IPv4 header: every field read below is in the frame once it is this long. */
export const FIXED_FIELDS_END = IP_START + 20;
export const IP_CHECKSUM_OFFSET = IP_START + 10;
/** The TCP checksum's offset within the segment. */
export const TCP_CHECKSUM_IN_SEGMENT = 16;

export interface Ipv4Fields {
  ethertype: Sig;
  version: Sig;
  /** IHL * 4: the IPv4 header's length in bytes (UInt(6)). */
  headerBytes: Sig;
  totalLength: Sig;
  protocol: Sig;
  srcIp: Sig;
  dstIp: Sig;
  /** Frame offset just past the IPv4 header: where the TCP segment starts (UInt(OFFSET_BITS)). */
  headerEnd: Sig;
  /** Frame offset just past the IPv4 datagram; Ethernet padding lies beyond (UInt(OFFSET_BITS)). */
  datagramEnd: Sig;
  /** TCP length for the pseudo-header: total length - IHL * 4 (wraps when the header claims more). */
  segmentLength: Sig;
  /** Neither MF nor a fragment offset: the datagram is whole. */
  unfragmented: Sig;
}

export function ipv4Fields(walk: FrameWalker): Ipv4Fields {
  const ethertype = walk.field(12, 2);
  const versionIhl = walk.byte(IP_START);
  const headerBytes = cat(versionIhl.slice(3, 0), lit(0, UInt(2)));
  const totalLength = walk.field(IP_START + 2, 2);
  const flagsFragment = walk.field(IP_START + 6, 2);
  return {
    ethertype,
    version: versionIhl.slice(7, 4),
    headerBytes,
    totalLength,
    protocol: walk.byte(IP_START + 9),
    srcIp: walk.field(IP_START + 12, 4),
    dstIp: walk.field(IP_START + 16, 4),
    headerEnd: headerBytes.zext(OFFSET_BITS).add(IP_START),
    datagramEnd: totalLength.zext(OFFSET_BITS).add(IP_START),
    segmentLength: totalLength.sub(headerBytes.zext(16)),
    unfragmented: flagsFragment.slice(13, 0).eq(0),
  };
}

export interface Ipv4Checks {
  /** Ethertype 0x0800: the frame claims to carry IPv4. */
  isIpv4: Sig;
  /** Version 4, IHL >= 5, and the whole header is in the frame. */
  headerSane: Sig;
  /** Total length covers the header, and the frame holds the whole datagram. */
  lengthSane: Sig;
  /** IPv4 protocol 6, not a fragment. */
  isTcp: Sig;
  /** The segment is long enough for a TCP header (20 bytes). */
  segmentSane: Sig;
}

/** The checks, given the frame length seen so far (on the last beat: the frame length). */
export function ipv4Checks(f: Ipv4Fields, frameLength: Sig): Ipv4Checks {
  const atLeast = (n: number | Sig) => frameLength.ge(n);
  const isIpv4 = atLeast(IP_START).land(f.ethertype.eq(0x0800));
  const fixedPresent = atLeast(FIXED_FIELDS_END);
  const headerBytes16 = f.headerBytes.zext(16);
  return {
    isIpv4,
    headerSane: fixedPresent.land(f.version.eq(4)).land(f.headerBytes.ge(20)).land(atLeast(f.headerEnd)),
    lengthSane: f.totalLength.ge(headerBytes16).land(atLeast(f.datagramEnd)),
    isTcp: isIpv4.land(fixedPresent).land(f.protocol.eq(6)).land(f.unfragmented),
    segmentSane: f.totalLength.zext(17).ge(headerBytes16.zext(17).add(20)),
  };
}
