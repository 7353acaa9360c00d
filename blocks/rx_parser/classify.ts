// The reason-code decisions of reasons.ts as logic over header fields and the bytes received so far.
import { UInt, cat, lit, mux, type Sig } from '../../dsl/index.ts';
import { RX_REASON_BITS, RxReason, SLOW_PATH_REASONS } from './reasons.ts';
import { IP_START } from './header-fields.ts';

/** Bits of frame byte counts: enough for 14 + 65535 (an IPv4 total length) and then some; counters saturate. */
export const FRAME_LEN_BITS = 17;

export const reasonLit = (r: RxReason): Sig => lit(r, UInt(RX_REASON_BITS));

/** The reason of the first case whose condition holds, else `otherwise` (a priority chain). */
export function firstReason(cases: [cond: Sig, reason: RxReason][], otherwise: Sig): Sig {
  let r = otherwise;
  for (let i = cases.length - 1; i >= 0; i--) r = mux(cases[i]![0], reasonLit(cases[i]![1]), r);
  return r;
}

export const isReason = (code: Sig, rs: readonly RxReason[]): Sig =>
  rs.map((r) => code.eq(r)).reduce((a, b) => a.lor(b));

export interface ClassInputs {
  /** Bytes of the frame received so far (saturating). */
  frameLen: Sig;
  ethertype: Sig;
  /** The first IPv4 byte: version (high nibble) and IHL. */
  versionIhl: Sig;
  /** IPv4 bytes 6..7: flags and fragment offset. */
  flagsFragment: Sig;
  protocol: Sig;
}

/**
 * The frame's class from its first 24 bytes (rules 1-9): a slow-path code, a drop code, or OK for a TCP
 * candidate. `known` once 24 bytes are in or the frame has ended.
 */
export function classifyFrame(x: ClassInputs, ended: Sig) {
  const have = (n: number) => x.frameLen.ge(n);
  const version = x.versionIhl.slice(7, 4);
  const ihl = x.versionIhl.slice(3, 0);
  const moreFragments = x.flagsFragment.bit(13);
  const fragmentOffset = x.flagsFragment.slice(12, 0);
  const reason = firstReason([
    [have(14).lnot(), RxReason.TRUNCATED],
    [x.ethertype.eq(0x0806), RxReason.ARP],
    [x.ethertype.ne(0x0800), RxReason.NON_IPV4],
    [have(15).lnot(), RxReason.TRUNCATED],
    [version.ne(4), RxReason.NON_IPV4],
    [ihl.lt(5), RxReason.BAD_IHL],
    [have(24).lnot(), RxReason.TRUNCATED],
    [moreFragments.lor(fragmentOffset.orR()), RxReason.FRAGMENT],
    [x.protocol.ne(6), RxReason.NON_TCP],
  ], reasonLit(RxReason.OK));
  return {
    known: ended.lor(have(24)),
    reason,
    tcpCandidate: reason.eq(RxReason.OK),
    slowPath: isReason(reason, SLOW_PATH_REASONS),
  };
}

export interface TcpInputs {
  frameLen: Sig;
  ihl: Sig;
  totalLength: Sig;
  dataOffset: Sig;
}

/**
 * A TCP candidate's header checks (rules 10-15) and where its payload lies.
 * - `layoutKnown` once the data offset byte is in (or the frame has ended); then `layoutOk` says rules 11-14
 *   pass: the payload is frame bytes [payloadStart, payloadEnd) of whatever the frame holds (payloadEnd may
 *   lie past the frame's end: rule 16 is checked at the end). A frame that ends before payloadStart fails
 *   rule 10 or 15, but it carries no payload byte either, so nothing is sent for it.
 * - `reason` (rules 10-15) is final once the headers are in or the frame has ended.
 */
export function checkTcpHeaders(x: TcpInputs, ended: Sig) {
  const L = x.frameLen.width;
  const ipHeaderLen = cat(x.ihl, lit(0, UInt(2))); // 6 bits, 20..60
  const tcpHeaderLen = cat(x.dataOffset, lit(0, UInt(2)));
  const tcpStart = lit(IP_START, UInt(7)).add(ipHeaderLen.zext(7)); // <= 74
  const payloadStart = tcpStart.zext(8).add(tcpHeaderLen.zext(8)); // <= 134
  const fixedTcpEnd = tcpStart.zext(8).add(20);
  const totalLen = x.totalLength;
  const ipPlusTcp = ipHeaderLen.zext(7).add(tcpHeaderLen.zext(7)); // <= 120
  const haveFixedTcp = x.frameLen.ge(fixedTcpEnd.zext(L));
  const haveAllHeaders = x.frameLen.ge(payloadStart.zext(L));
  const haveDataOffset = x.frameLen.ge(tcpStart.zext(L).add(13));
  const layout: [Sig, RxReason][] = [
    [totalLen.lt(ipHeaderLen.zext(16)), RxReason.BAD_IHL],
    [totalLen.lt(ipHeaderLen.zext(16).add(20)), RxReason.BAD_TOTAL_LEN],
    [x.dataOffset.lt(5), RxReason.BAD_DATA_OFFSET],
    [ipPlusTcp.zext(16).gt(totalLen), RxReason.BAD_DATA_OFFSET],
  ];
  const layoutOk = layout.map(([bad]) => bad.lnot()).reduce((a, b) => a.land(b));
  const reason = firstReason([
    [haveFixedTcp.lnot(), RxReason.TRUNCATED],
    ...layout,
    [haveAllHeaders.lnot(), RxReason.TRUNCATED],
  ], reasonLit(RxReason.OK));
  return {
    layoutKnown: ended.lor(haveDataOffset),
    layoutOk,
    reason,
    payloadStart,
    payloadEnd: lit(IP_START, UInt(L)).add(totalLen.zext(L)),
    payloadLen: totalLen.sub(ipPlusTcp.zext(16)),
    optionBytes: mux(x.dataOffset.lt(5), lit(0, UInt(6)), tcpHeaderLen.sub(20)), // 0..40
  };
}
