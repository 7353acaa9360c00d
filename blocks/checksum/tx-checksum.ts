// The transmit path's checksum inserter: frames come in with their IPv4 header checksum and TCP checksum fields
// holding anything, and leave with both filled in.
import { defineModule, input, output, Bool, UInt, Stream, cat, clog2, lit, mux, when, type Sig, type Wire } from '../../dsl/index.ts';
import { beatBytes, checksumField, onesSumBytes, sumTree } from './ones-sum.ts';
import { byteRange } from './byte-range.ts';
import { checkWidth, frameWalker, OFFSET_BITS } from './frame-walker.ts';
import { FIXED_FIELDS_END, IP_CHECKSUM_OFFSET, IP_START, TCP_CHECKSUM_IN_SEGMENT, ipv4Checks, ipv4Fields } from './ipv4-fields.ts';
import { Fifo } from '../lib/fifo.ts';
import type { SinkPorts, SourcePorts } from './stream-ports.ts';

/**
 * 'partial': every frame comes with the ones'-complement sum of its TCP payload on tuser[15:0]; only the
 *   headers are buffered. 'store': frames are buffered whole (up to fifoBytes) and summed. 'both': tuser[16]
 *   picks per frame (1: partial sum on tuser[15:0], 0: store and forward); the buffer is sized for 'store'.
 */
export type TxChecksumMode = 'partial' | 'store' | 'both';

export interface TxChecksumParams {
  /** tdata bits: 8, 64, 128, 256 or 512. */
  width: number;
  mode: TxChecksumMode;
  /** Frame buffer bytes for 'store' and 'both' (a power of two; the default holds a 9000-byte jumbo frame and the next). */
  fifoBytes: number;
}

/** The longest stretch a frame's header sums can need: Ethernet + a 60-byte IPv4 header + a 60-byte TCP header. */
export const MAX_HEADERS = IP_START + 60 + 60;
/** Entries in the queue of finished results (frames whose headers are summed and wait to be sent). */
const RESULT_DEPTH = 32;
/** Beats in the sum pipeline that may still produce a result: input register to result queue. */
const SUM_PIPELINE = 4;
const SUM_BITS = 32;

const nextPow2 = (n: number) => 1 << clog2(n);

/** Frame buffer entries for a width and mode. */
export function txFifoDepth(p: TxChecksumParams): number {
  const n = p.width / 8;
  if (p.mode === 'partial') return nextPow2(Math.ceil(MAX_HEADERS / n) + 2 * SUM_PIPELINE + 8);
  if (!Number.isInteger(p.fifoBytes) || p.fifoBytes < MAX_HEADERS || (p.fifoBytes & (p.fifoBytes - 1)) !== 0) {
    throw new Error(`tx_checksum: fifoBytes must be a power of two of at least ${MAX_HEADERS}, got ${p.fifoBytes}`);
  }
  return Math.max(2, p.fifoBytes / n);
}

/** tuser bits on s_axis for a mode: the partial sum, and the per-frame mode bit. */
export const txUserBits = (mode: TxChecksumMode) => (mode === 'partial' ? 16 : mode === 'both' ? 17 : 0);

/**
 * Fills in the IPv4 header checksum (every IPv4 frame with a well-formed header) and the TCP checksum (IPv4,
 * protocol 6, not a fragment, room for a TCP header) of each frame, whatever the fields held.
 *
 * Beats enter a frame buffer and, at the same time, a sum pipeline (the RX verifier's byte-range masks and
 * adder trees, with the checksum fields masked out). When a frame's sums are complete, its result (both
 * checksums, where the TCP field is) joins a result queue; a frame leaves the buffer only once its result is
 * at the head of that queue, and its checksum bytes are replaced as they pass the output register.
 * - Partial-sum frames are complete after the TCP header (at most 134 bytes): the TCP checksum is
 *   pseudo-header + TCP header + tuser's payload sum, and the payload streams through. Full line rate
 *   back to back; latency = header beats + about 8 cycles.
 * - Store-and-forward frames are complete at the end of the IPv4 datagram: the buffer holds the frame, while
 *   the previous one drains, so back-to-back frames still flow at line rate once the first is out; each
 *   frame's latency is its own length in beats + about 8 cycles. A datagram longer than the buffer cannot be
 *   summed: it leaves unchanged, counted in `oversize`.
 * Frames with no usable headers leave unchanged (`frames` counts every frame; the filled counters say which
 * got checksums). Every non-last beat must be full (tkeep all ones).
 */
export const TxChecksum = defineModule('tx_checksum', (m, p: TxChecksumParams) => {
  checkWidth('tx_checksum', p.width);
  const n = p.width / 8;
  const hasKeep = n > 1;
  const userBits = txUserBits(p.mode);
  const depth = txFifoDepth(p);
  const io = m.io({
    s_axis: input(Stream(p.width, { keep: hasKeep, user: userBits || undefined })),
    m_axis: output(Stream(p.width, { keep: hasKeep })),
    frames: output(UInt(32)),
    ipv4_filled: output(UInt(32)),
    tcp_filled: output(UInt(32)),
    oversize: output(UInt(32)),
  });
  const s = io.s_axis as SinkPorts;
  const out = io.m_axis as SourcePorts;
  const keepMask = s.tkeep ?? lit(1, UInt(1));

  const beatEntryBits = p.width + (hasKeep ? n : 0) + 1;
  const buffer = m.instance(Fifo, { width: beatEntryBits, depth });
  const resultQueue = m.instance(Fifo, { width: 16 + 16 + 7 + 2, depth: RESULT_DEPTH });

  // ---- Input: accept while the buffer has room and the result queue has room for every result in flight.
  const resultRoom = resultQueue.count.le(RESULT_DEPTH - SUM_PIPELINE - 1);
  const inReady = buffer.in.tready.land(resultRoom);
  const accept = s.tvalid.land(inReady);
  s.tready.set(inReady);
  buffer.in.tvalid.set(accept);
  buffer.in.tdata.set(hasKeep ? cat(s.tlast, s.tkeep!, s.tdata) : cat(s.tlast, s.tdata));

  // ---- Where this beat is in its frame, and which of its bytes are summed.
  const walk = frameWalker(m, { data: s.tdata, keep: s.tkeep, last: s.tlast, accept });
  const ip = ipv4Fields(walk);
  const checks = ipv4Checks(ip, walk.end);

  // The per-frame mode and payload sum arrive on tuser with the first beat.
  let usePartial: Sig = lit(p.mode === 'partial' ? 1 : 0, Bool);
  let payloadSum: Sig = lit(0, UInt(16));
  if (userBits) {
    const user = s.tuser!;
    const userCapture = accept.land(walk.first);
    const firstUser = m.reg(UInt(userBits), { enable: userCapture }) as Wire;
    firstUser.set(user);
    const frameUser = mux(walk.first, user, firstUser);
    payloadSum = frameUser.slice(15, 0);
    if (p.mode === 'both') usePartial = frameUser.bit(16);
  }

  // The TCP data offset sits 12 bytes into the segment, wherever IPv4 options put the segment.
  let dataOffsetByte: Sig = walk.byte(IP_START + 20 + 12);
  for (let words = 6; words <= 15; words++) {
    dataOffsetByte = mux(ip.headerBytes.eq(words * 4), walk.byte(IP_START + words * 4 + 12), dataOffsetByte);
  }
  const dataOffset = dataOffsetByte.slice(7, 4);
  const tcpHeaderBytes = cat(mux(dataOffset.lt(5), lit(5, UInt(4)), dataOffset), lit(0, UInt(2)));
  const tcpHeaderEnd = ip.headerEnd.add(tcpHeaderBytes.zext(OFFSET_BITS));
  // Partial-sum frames sum the TCP header only; store-and-forward frames the whole segment.
  const headersEnd = mux(tcpHeaderEnd.lt(ip.datagramEnd), tcpHeaderEnd, ip.datagramEnd);
  const summedEnd = mux(usePartial, headersEnd, ip.datagramEnd);
  const tcpChecksumAt = ip.headerEnd.add(TCP_CHECKSUM_IN_SEGMENT);

  // One result per frame: `issued` is set once it has left for the pipeline, until the frame's last beat.
  const issued = m.reg(Bool, { reset: false });
  const seen = walk.end;
  const sumsComplete = seen.ge(FIXED_FIELDS_END).land(seen.ge(ip.headerEnd)).land(checks.isTcp.lnot().lor(seen.ge(summedEnd)));
  const resultHere = accept.land(issued.lnot()).land(sumsComplete.lor(s.tlast));

  const counting = issued.lnot().rep(n).and(keepMask);
  const ipChecksumBytes = byteRange(walk.offset, lit(IP_CHECKSUM_OFFSET, UInt(8)), lit(IP_CHECKSUM_OFFSET + 2, UInt(8)), n);
  const tcpChecksumBytes = byteRange(walk.offset, tcpChecksumAt, tcpChecksumAt.add(2), n);
  const headerMask = byteRange(walk.offset, lit(IP_START, UInt(8)), ip.headerEnd, n).and(ipChecksumBytes.not()).and(counting);
  const segmentMask = byteRange(walk.offset, ip.headerEnd, summedEnd, n).and(tcpChecksumBytes.not()).and(counting);

  const fillIp = checks.isIpv4.land(checks.headerSane);
  const fillTcp = fillIp.land(checks.isTcp).land(checks.segmentSane).land(seen.ge(summedEnd));
  const segmentExtra = sumTree([
    ip.srcIp.slice(31, 16), ip.srcIp.slice(15, 0), ip.dstIp.slice(31, 16), ip.dstIp.slice(15, 0),
    lit(6, UInt(16)), ip.segmentLength, mux(usePartial, payloadSum, lit(0, UInt(16))),
  ]);

  // A frame whose datagram outgrows the buffer: the buffer is full, nothing waits in the result pipeline or
  // queue, and the output waits at a frame boundary, so the frame being received blocks itself. Give it an
  // empty result now: it leaves unchanged and the rest of it streams through.
  const outMidFrame = m.reg(Bool, { reset: false });
  const resultsInFlight = m.wire(Bool);
  const stuck = buffer.in.tready.lnot().land(issued.lnot()).land(resultsInFlight.lnot())
    .land(resultQueue.count.eq(0)).land(outMidFrame.lnot());
  when(resultHere.lor(stuck), () => issued.set(true));
  when(accept.land(s.tlast), () => issued.set(false));

  // ---- Sum pipeline, stage 1: the masked beat.
  const p1Valid = m.reg(Bool, { reset: false });
  const p1Result = m.reg(Bool, { reset: false });
  const p1Data = m.reg(UInt(p.width));
  const p1HeaderMask = m.reg(UInt(n));
  const p1SegmentMask = m.reg(UInt(n));
  const p1Fill = m.reg(UInt(2));
  const p1Oversize = m.reg(Bool);
  const p1Extra = m.reg(segmentExtra.type);
  const p1TcpAt = m.reg(UInt(7));
  p1Valid.set(accept.lor(stuck));
  p1Result.set(resultHere.lor(stuck));
  p1Data.set(s.tdata);
  p1HeaderMask.set(mux(accept, headerMask, lit(0, UInt(n))));
  p1SegmentMask.set(mux(accept, segmentMask, lit(0, UInt(n))));
  // On an 8-bit bus a byte's half of its 16-bit word follows the frame offset; wider beats start on even offsets.
  let oddStart: Sig | false = false;
  if (n === 1) {
    const p1OddStart = m.reg(Bool);
    p1OddStart.set(walk.offset.bit(0));
    oddStart = p1OddStart;
  }
  p1Fill.set(mux(stuck, lit(0, UInt(2)), cat(fillIp, fillTcp)));
  p1Oversize.set(stuck);
  p1Extra.set(segmentExtra);
  p1TcpAt.set(tcpChecksumAt.trunc(7));

  // Stage 2: the adder trees.
  const bytes1 = beatBytes(p1Data);
  const p2Valid = m.reg(Bool, { reset: false });
  const p2Result = m.reg(Bool, { reset: false });
  const p2HeaderSum = m.reg(UInt(SUM_BITS));
  const p2SegmentSum = m.reg(UInt(SUM_BITS));
  const p2Fill = m.reg(UInt(2));
  const p2Oversize = m.reg(Bool);
  const p2Extra = m.reg(segmentExtra.type);
  const p2TcpAt = m.reg(UInt(7));
  p2Valid.set(p1Valid);
  p2Result.set(p1Valid.land(p1Result));
  p2HeaderSum.set(onesSumBytes(bytes1, p1HeaderMask, oddStart).zext(SUM_BITS));
  p2SegmentSum.set(onesSumBytes(bytes1, p1SegmentMask, oddStart).zext(SUM_BITS));
  p2Fill.set(p1Fill);
  p2Oversize.set(p1Oversize);
  p2Extra.set(p1Extra);
  p2TcpAt.set(p1TcpAt);

  // Stage 3: per-frame accumulation; a result takes the totals and restarts the sums.
  const headerAcc = m.reg(UInt(SUM_BITS), { reset: 0 });
  const segmentAcc = m.reg(UInt(SUM_BITS), { reset: 0 });
  const headerTotal = headerAcc.add(p2HeaderSum);
  const segmentTotal = segmentAcc.add(p2SegmentSum);
  when(p2Valid, () => {
    when(p2Result, () => {
      headerAcc.set(0);
      segmentAcc.set(0);
    }).otherwise(() => {
      headerAcc.set(headerTotal);
      segmentAcc.set(segmentTotal);
    });
  });
  const p3Result = m.reg(Bool, { reset: false });
  const p3HeaderTotal = m.reg(UInt(SUM_BITS));
  const p3SegmentTotal = m.reg(UInt(SUM_BITS));
  const p3Fill = m.reg(UInt(2));
  const p3Oversize = m.reg(Bool);
  const p3TcpAt = m.reg(UInt(7));
  p3Result.set(p2Valid.land(p2Result));
  p3HeaderTotal.set(headerTotal);
  p3SegmentTotal.set(segmentTotal.add(p2Extra.zext(SUM_BITS)));
  p3Fill.set(p2Fill);
  p3Oversize.set(p2Oversize);
  p3TcpAt.set(p2TcpAt);

  // Stage 4: fold and complement into the result queue.
  resultsInFlight.set(p1Valid.land(p1Result).lor(p2Result).lor(p3Result));
  resultQueue.in.tvalid.set(p3Result);
  resultQueue.in.tdata.set(cat(p3Fill, p3TcpAt, checksumField(p3HeaderTotal), checksumField(p3SegmentTotal)));

  const frames = m.reg(UInt(32), { reset: 0 });
  const ipv4Filled = m.reg(UInt(32), { reset: 0 });
  const tcpFilled = m.reg(UInt(32), { reset: 0 });
  const oversize = m.reg(UInt(32), { reset: 0 });
  when(p3Result, () => {
    frames.set(frames.add(1));
    when(p3Fill.bit(1), () => ipv4Filled.set(ipv4Filled.add(1)));
    when(p3Fill.bit(0), () => tcpFilled.set(tcpFilled.add(1)));
    when(p3Oversize, () => oversize.set(oversize.add(1)));
  });

  // ---- Output: a frame's beats leave once its result heads the queue; the checksum bytes are replaced.
  const result = resultQueue.out.tdata;
  const tcpChecksum = result.slice(15, 0);
  const ipChecksum = result.slice(31, 16);
  const tcpAt = result.slice(38, 32);
  const fillTcpOut = result.bit(39);
  const fillIpOut = result.bit(40);
  const headBeat = buffer.out.tdata;
  const headData = headBeat.slice(p.width - 1, 0);
  const headLast = headBeat.bit(beatEntryBits - 1);

  const outValid = m.reg(Bool, { reset: false });
  const outData = m.reg(UInt(p.width));
  const outLast = m.reg(Bool);
  const outOffset = m.reg(UInt(OFFSET_BITS), { reset: 0 });
  const load = outValid.lnot().lor(out.tready);
  const send = load.land(buffer.out.tvalid).land(resultQueue.out.tvalid);
  buffer.out.tready.set(send);
  resultQueue.out.tready.set(send.land(headLast));

  // Byte i of the head beat is at frame offset outOffset + i, and outOffset is a multiple of the beat size: a
  // field byte is in this beat when the offsets agree above the lane bits, and in lane (its offset mod n).
  const laneBits = Math.log2(n);
  const lanesOf = (at: Sig) => {
    const wide = at.zext(OFFSET_BITS);
    const here = laneBits === 0 ? outOffset.eq(wide) : outOffset.slice(OFFSET_BITS - 1, laneBits).eq(wide.slice(OFFSET_BITS - 1, laneBits));
    return (i: number) => (laneBits === 0 ? here : here.land(wide.slice(laneBits - 1, 0).eq(i)));
  };
  const ipHigh = lanesOf(lit(IP_CHECKSUM_OFFSET, UInt(7)));
  const ipLow = lanesOf(lit(IP_CHECKSUM_OFFSET + 1, UInt(7)));
  const tcpHigh = lanesOf(tcpAt);
  const tcpLow = lanesOf(tcpAt.add(1));
  const lanes = beatBytes(headData).map((b, i) =>
    mux(fillIpOut.land(ipHigh(i)), ipChecksum.slice(15, 8),
      mux(fillIpOut.land(ipLow(i)), ipChecksum.slice(7, 0),
        mux(fillTcpOut.land(tcpHigh(i)), tcpChecksum.slice(15, 8),
          mux(fillTcpOut.land(tcpLow(i)), tcpChecksum.slice(7, 0), b)))));
  const patched = cat(...lanes.slice().reverse());

  when(load, () => outValid.set(send));
  when(send, () => {
    outData.set(patched);
    outLast.set(headLast);
    when(headLast, () => outOffset.set(0)).elseWhen(outOffset.bit(OFFSET_BITS - 1).lnot(), () => outOffset.set(outOffset.add(n)));
    when(headLast, () => outMidFrame.set(false)).otherwise(() => outMidFrame.set(true));
  });

  out.tvalid.set(outValid);
  out.tdata.set(outData);
  out.tlast.set(outLast);
  if (hasKeep) {
    const outKeep = m.reg(UInt(n));
    when(send, () => outKeep.set(headBeat.slice(p.width + n - 1, p.width)));
    out.tkeep!.set(outKeep);
  }
  io.frames.set(frames);
  io.ipv4_filled.set(ipv4Filled);
  io.tcp_filled.set(tcpFilled);
  io.oversize.set(oversize);
  return io;
}, { width: 64, mode: 'partial', fifoBytes: 16384 } as TxChecksumParams);
