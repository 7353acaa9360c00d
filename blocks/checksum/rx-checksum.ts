// The receive path's checksum verifier: Ethernet frames pass through unchanged, four cycles later, and the last
// beat of each carries a verdict on tuser (see verdict.ts) on the IPv4 header checksum and the TCP checksum.
import { defineModule, input, output, Bool, UInt, Stream, cat, lit, mux, when, type ModuleBuilder, type Sig, type Wire } from '../../dsl/index.ts';
import { beatBytes, checksumVerifies, onesSumBytes, sumTree } from './ones-sum.ts';
import { byteRange } from './byte-range.ts';
import { checkWidth, frameWalker } from './frame-walker.ts';
import { IP_START, ipv4Checks, ipv4Fields } from './ipv4-fields.ts';
import { Verdict, VERDICT_BITS } from './verdict.ts';
import type { SinkPorts, SourcePorts } from './stream-ports.ts';

export interface RxChecksumParams {
  /** tdata bits: 8, 64, 128, 256 or 512. */
  width: number;
  /**
   * Bits of s_axis_tuser carried through with each beat (default 0: no s_axis_tuser). They come out on
   * m_axis_tuser above the verdict, on the same beat they went in with (e.g. a MAC's FCS-error bit).
   */
  userBits?: number;
}

/** Cycles from a beat's acceptance on s_axis to its appearance on m_axis. */
export const RX_CHECKSUM_LATENCY = 4;

/** A sum of up to 65535 bytes of 16-bit words plus the pseudo-header never reaches 2^31. */
const SUM_BITS = 32;

/** A register that loads `value` whenever `enable` is high. */
function stage(m: ModuleBuilder, value: Sig, enable: Sig, name: string): Sig {
  const r = m.reg(value.type, { enable, name }) as Wire;
  r.set(value);
  return r;
}

/**
 * Verifies the IPv4 header checksum and the TCP checksum (with the pseudo-header: source and destination
 * address, protocol 6, TCP length = total length - IHL * 4) of every frame at full bus width, one beat per
 * cycle with no bubbles. Each beat's bytes are split by frame offset into IPv4-header bytes [14, 14 + IHL*4)
 * and TCP-segment bytes [14 + IHL*4, 14 + total length), so IPv4 options and Ethernet padding are handled
 * whatever the alignment, and summed by two adder trees.
 *
 * Pipeline (all stages move together; s_axis_tready = !m_axis_tvalid || m_axis_tready):
 *   0. find each byte's region from the frame offset and the header fields seen so far;
 *   1. add the beat's header bytes and segment bytes (adder trees);
 *   2. accumulate per frame; on the last beat, the frame's two sums (the segment's with the pseudo-header);
 *   3. fold to 16 bits, compare with 0xffff, drive the beat and its verdict out.
 *
 * Input: every beat but the last full (tkeep all ones), tkeep on the last contiguous from byte 0. Frames of any
 * length pass; fields a frame is too short to carry make it fail the structural checks, never hang the unit.
 * Non-IPv4 (including VLAN-tagged) frames get "IPv4 not checked"; non-TCP and fragments get "TCP not checked".
 * The counters wrap at 2^32.
 */
export const RxChecksum = defineModule('rx_checksum', (m, p: RxChecksumParams) => {
  checkWidth('rx_checksum', p.width);
  const n = p.width / 8;
  const hasKeep = n > 1;
  const userBits = p.userBits ?? 0;
  if (!Number.isInteger(userBits) || userBits < 0 || userBits > 64) throw new Error(`rx_checksum: userBits must be 0..64, got ${p.userBits}`);
  const io = m.io({
    s_axis: input(Stream(p.width, { keep: hasKeep, user: userBits > 0 ? userBits : undefined })),
    m_axis: output(Stream(p.width, { keep: hasKeep, user: VERDICT_BITS + userBits })),
    frames: output(UInt(32)),
    ipv4_bad: output(UInt(32)),
    tcp_bad: output(UInt(32)),
  });
  const inStream = io.s_axis as SinkPorts;
  const outStream = io.m_axis as SourcePorts;
  const inKeep = inStream.tkeep;

  const outValid = m.reg(Bool, { reset: false });
  const advance = outValid.lnot().lor(outStream.tready);
  const accept = inStream.tvalid.land(advance);
  inStream.tready.set(advance);

  // ---- Stage 0: which bytes of this beat belong to the IPv4 header and which to the TCP segment.
  const walk = frameWalker(m, { data: inStream.tdata, keep: inKeep, last: inStream.tlast, accept });
  const ip = ipv4Fields(walk);
  const keepMask = inKeep ?? lit(1, UInt(1));
  const headerMask = byteRange(walk.offset, lit(IP_START, UInt(8)), ip.headerEnd, n).and(keepMask);
  const segmentMask = byteRange(walk.offset, ip.headerEnd, ip.datagramEnd, n).and(keepMask);
  // For an 8-bit bus the byte's word half follows the frame offset; wider buses start every beat on an even offset.
  const oddStart = n === 1 ? walk.offset.bit(0) : undefined;
  // Frame-level results, meaningful on the last beat (where walk.end is the frame length).
  const checks = ipv4Checks(ip, walk.end);
  const ipv4Usable = checks.headerSane.land(checks.lengthSane);
  const tcpUsable = ipv4Usable.land(checks.segmentSane);
  const pseudoHeader = sumTree([
    ip.srcIp.slice(31, 16), ip.srcIp.slice(15, 0), ip.dstIp.slice(31, 16), ip.dstIp.slice(15, 0),
    lit(6, UInt(16)), ip.segmentLength,
  ]);

  const s1Valid = m.reg(Bool, { reset: false, enable: advance }) as Wire;
  s1Valid.set(accept);
  const s1Data = stage(m, inStream.tdata, advance, 's1_data');
  const s1Keep = inKeep && stage(m, inKeep, advance, 's1_keep');
  const s1Last = stage(m, inStream.tlast, advance, 's1_last');
  const s1User = inStream.tuser && stage(m, inStream.tuser, advance, 's1_user');
  const s1HeaderMask = stage(m, headerMask, advance, 's1_header_mask');
  const s1SegmentMask = stage(m, segmentMask, advance, 's1_segment_mask');
  const s1OddStart = oddStart ? stage(m, oddStart, advance, 's1_odd_start') : false;
  const s1Flags = stage(m, cat(checks.isIpv4, ipv4Usable, checks.isTcp, tcpUsable), advance, 's1_flags');
  const s1Pseudo = stage(m, pseudoHeader, advance, 's1_pseudo');

  // ---- Stage 1: the adder trees.
  const bytes1 = beatBytes(s1Data);
  const headerSum = onesSumBytes(bytes1, s1HeaderMask, s1OddStart);
  const segmentSum = onesSumBytes(bytes1, s1SegmentMask, s1OddStart);

  const s2Valid = m.reg(Bool, { reset: false, enable: advance }) as Wire;
  s2Valid.set(s1Valid);
  const s2Data = stage(m, s1Data, advance, 's2_data');
  const s2Keep = s1Keep && stage(m, s1Keep, advance, 's2_keep');
  const s2Last = stage(m, s1Last, advance, 's2_last');
  const s2User = s1User && stage(m, s1User, advance, 's2_user');
  const s2Flags = stage(m, s1Flags, advance, 's2_flags');
  const s2Pseudo = stage(m, s1Pseudo, advance, 's2_pseudo');
  const s2HeaderSum = stage(m, headerSum, advance, 's2_header_sum');
  const s2SegmentSum = stage(m, segmentSum, advance, 's2_segment_sum');

  // ---- Stage 2: per-frame accumulation.
  const headerAcc = m.reg(UInt(SUM_BITS), { reset: 0 });
  const segmentAcc = m.reg(UInt(SUM_BITS), { reset: 0 });
  const headerTotal = headerAcc.add(s2HeaderSum.zext(SUM_BITS));
  const segmentTotal = segmentAcc.add(s2SegmentSum.zext(SUM_BITS));
  const segmentWithPseudo = segmentTotal.add(s2Pseudo.zext(SUM_BITS));
  when(advance.land(s2Valid), () => {
    when(s2Last, () => {
      headerAcc.set(0);
      segmentAcc.set(0);
    }).otherwise(() => {
      headerAcc.set(headerTotal);
      segmentAcc.set(segmentTotal);
    });
  });

  const s3Valid = m.reg(Bool, { reset: false, enable: advance }) as Wire;
  s3Valid.set(s2Valid);
  const s3Data = stage(m, s2Data, advance, 's3_data');
  const s3Keep = s2Keep && stage(m, s2Keep, advance, 's3_keep');
  const s3Last = stage(m, s2Last, advance, 's3_last');
  const s3User = s2User && stage(m, s2User, advance, 's3_user');
  const s3Flags = stage(m, s2Flags, advance, 's3_flags');
  const s3HeaderTotal = stage(m, headerTotal, advance, 's3_header_total');
  const s3SegmentTotal = stage(m, segmentWithPseudo, advance, 's3_segment_total');

  // ---- Stage 3: fold, compare, and the output register.
  const isIpv4 = s3Flags.bit(3);
  const ipv4Ok = isIpv4.land(s3Flags.bit(2)).land(checksumVerifies(s3HeaderTotal));
  const isTcp = s3Flags.bit(1);
  const tcpOk = isTcp.land(s3Flags.bit(0)).land(checksumVerifies(s3SegmentTotal));
  const verdictBits: Sig[] = [];
  verdictBits[Verdict.IPV4_CHECKED] = isIpv4;
  verdictBits[Verdict.IPV4_OK] = ipv4Ok;
  verdictBits[Verdict.TCP_CHECKED] = isTcp;
  verdictBits[Verdict.TCP_OK] = tcpOk;
  const verdict = cat(...verdictBits.slice().reverse());

  outValid.set(mux(advance, s3Valid, outValid));
  const outData = stage(m, s3Data, advance, 'out_data');
  const outKeep = s3Keep && stage(m, s3Keep, advance, 'out_keep');
  const outLast = stage(m, s3Last, advance, 'out_last');
  const beatVerdict = mux(s3Last, verdict, lit(0, UInt(VERDICT_BITS)));
  const outUser = stage(m, s3User ? cat(s3User, beatVerdict) : beatVerdict, advance, 'out_user');

  const frameDone = advance.land(s3Valid).land(s3Last);
  const frames = m.reg(UInt(32), { reset: 0 });
  const ipv4Bad = m.reg(UInt(32), { reset: 0 });
  const tcpBad = m.reg(UInt(32), { reset: 0 });
  when(frameDone, () => {
    frames.set(frames.add(1));
    when(isIpv4.land(ipv4Ok.lnot()), () => ipv4Bad.set(ipv4Bad.add(1)));
    when(isTcp.land(tcpOk.lnot()), () => tcpBad.set(tcpBad.add(1)));
  });

  outStream.tvalid.set(outValid);
  outStream.tdata.set(outData);
  if (outKeep) outStream.tkeep!.set(outKeep);
  outStream.tlast.set(outLast);
  outStream.tuser!.set(outUser);
  io.frames.set(frames);
  io.ipv4_bad.set(ipv4Bad);
  io.tcp_bad.set(tcpBad);
  return io;
}, { width: 64 } as RxChecksumParams);
