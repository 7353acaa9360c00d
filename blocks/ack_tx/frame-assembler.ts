// Header bytes + payload stream -> one AXI4-Stream frame, the payload re-aligned behind a header of any length.
import { defineModule, input, output, Bool, UInt, Stream, lit, mux, cat, when, fsm, type Sig, type IoValue } from '../../dsl/index.ts';
import { Handshake, MAX_HEADER_BYTES, checkWidth } from './types.ts';
import { headerFields } from './seg-header.ts';
import { sumTree } from './header-sum.ts';
import { AxisSlice } from './axis-slice.ts';

export interface FrameAssemblerParams {
  /** Datapath bits (8 .. 512). */
  width: number;
  /** With a payload input; without, every frame is a header alone (the ACK generator). */
  payload: boolean;
}

const log2 = (n: number) => Math.round(Math.log2(n));

/** Contiguous-low tkeep -> byte count (1..bytes; 0 for an all-zero tkeep). */
function keptBytes(keep: Sig): Sig {
  return sumTree(Array.from({ length: keep.width }, (_, i) => keep.bit(i)));
}

/**
 * Frames leave as: floor(len / B) full header beats (B = bus bytes), then the o = len mod B header bytes
 * left over followed by the payload shifted up by o bytes: each output beat is the previous beat's top o
 * bytes (the carry) under the current beat's bytes. A last payload beat whose bytes do not fit beside the
 * carry adds one tail beat. With o = 0 the payload passes straight through.
 *
 * The next header loads in the cycle the current frame's last beat leaves, so back-to-back frames need no
 * idle cycle. The payload frame's tlast ends the frame; a byte count that differs from the header's
 * payload_len is counted in `len_errors` (the frame still goes out, delimited by tlast). A header with `drop`
 * has its payload frame consumed without output (the header builder counts those). Output through a register slice.
 */
export const FrameAssembler = defineModule('frame_assembler', (m, p: FrameAssemblerParams) => {
  const B = checkWidth('frame_assembler', p.width);
  const W = p.width;
  const beat = Stream(W, { keep: true, last: true });
  const counters = { frames: output(UInt(32)), len_errors: output(UInt(32)) };
  const spec = { hdr: input(Handshake(headerFields)), s_axis: input(beat), m_axis: output(beat), ...counters };
  const io = (p.payload ? m.io(spec) : m.io({ hdr: spec.hdr, m_axis: spec.m_axis, ...counters })) as IoValue<typeof spec>;

  const lb = log2(B);
  const headerBeats = Math.ceil(MAX_HEADER_BYTES / B);
  const allKeep = lit((1n << BigInt(B)) - 1n, UInt(B));
  const offBits = Math.max(1, lb);
  const lowMask = (n: Sig) => allKeep.shl(n).not(); // n low bytes

  const slice = m.instance(AxisSlice, { width: W });
  const outReady = slice.in.tready;

  const active = m.reg(Bool, { reset: false });
  const phase = fsm(['HDR', 'BODY', 'TAIL']);
  const shifter = m.reg(UInt(headerBeats * W)); // header bytes still to send; in BODY/TAIL its low beat is the carry
  const fullLeft = m.reg(UInt(7)); // full header beats still to send
  const offset = m.reg(UInt(offBits)); // o = header length mod B
  const withPayload = m.reg(Bool);
  const dropping = m.reg(Bool);
  const tailKeep = m.reg(UInt(B));
  const byteCount = m.reg(UInt(17));
  const expectLen = m.reg(UInt(16));
  const frames = m.reg(UInt(32), { reset: 0 });
  const lenErrors = m.reg(UInt(32), { reset: 0 });

  const carry = shifter.slice(W - 1, 0);
  const inHdr = active.land(phase.is('HDR'));
  const inBody = active.land(phase.is('BODY'));
  const inTail = active.land(phase.is('TAIL'));

  // Body beat: the payload shifted up by o bytes over the carry; what spills over is the next carry.
  let bodyData: Sig = carry, bodyKeep: Sig = allKeep, spillData: Sig = carry, spillKeep: Sig = allKeep, spills: Sig = lit(0, Bool);
  let payloadValid: Sig = lit(0, Bool), payloadLast: Sig = lit(0, Bool), payloadBytes: Sig = lit(0, UInt(1));
  if (p.payload) {
    const s = io.s_axis;
    payloadValid = s.tvalid;
    payloadLast = s.tlast!;
    payloadBytes = mux(s.tlast!, keptBytes(s.tkeep!), lit(B, UInt(keptBytes(s.tkeep!).width)));
    if (B === 1) {
      bodyData = s.tdata;
      bodyKeep = s.tkeep!;
    } else {
      const shiftBits = cat(offset, lit(0, UInt(3)));
      const merged = s.tdata.zext(2 * W).shl(shiftBits).or(carry.zext(2 * W));
      const mergedKeep = s.tkeep!.zext(2 * B).shl(offset).or(lowMask(offset).zext(2 * B));
      bodyData = merged.slice(W - 1, 0);
      bodyKeep = mergedKeep.slice(B - 1, 0);
      spillData = merged.slice(2 * W - 1, W);
      spillKeep = mergedKeep.slice(2 * B - 1, B);
      spills = spillKeep.orR();
    }
  }

  const lastHeaderBeat = fullLeft.eq(1);
  const outValid = inHdr.lor(inTail).lor(inBody.land(payloadValid).land(dropping.lnot()));
  const outData = mux(inBody, bodyData, carry);
  const outKeep = mux(inHdr, allKeep, mux(inBody, bodyKeep, tailKeep));
  const outLast = mux(inHdr, lastHeaderBeat.land(withPayload.lnot()).land(offset.eq(0)),
    mux(inBody, payloadLast.land(spills.lnot()), lit(1, Bool)));
  const outFire = outValid.land(outReady);
  const payloadReady = inBody.land(dropping.lor(outReady));
  const payloadFire = payloadValid.land(payloadReady);

  // The frame ends with its last output beat, or with the last payload beat of a dropped frame.
  const frameEnd = outFire.land(outLast).lor(payloadFire.land(payloadLast).land(dropping));
  const takeHeader = active.lnot().lor(frameEnd);
  const start = io.hdr.valid.land(takeHeader);

  when(outFire.land(inHdr), () => {
    shifter.set(shifter.shr(W));
    fullLeft.set(fullLeft.sub(1));
    when(lastHeaderBeat, () => {
      when(withPayload, () => phase.goto('BODY')).elseWhen(offset.orR(), () => phase.goto('TAIL'));
    });
  });
  when(payloadFire, () => {
    shifter.set(spillData.zext(headerBeats * W));
    tailKeep.set(spillKeep);
    const counted = byteCount.add(payloadBytes.zext(17));
    byteCount.set(counted);
    when(payloadLast, () => {
      phase.goto('TAIL');
      when(counted.ne(expectLen.zext(17)).land(dropping.lnot()), () => lenErrors.set(lenErrors.add(1)));
    });
  });
  when(frameEnd, () => {
    active.set(false);
    when(dropping.lnot(), () => frames.set(frames.add(1)));
  });
  when(start, () => {
    const len = io.hdr.len;
    const beats = len.shr(lb);
    const off = B === 1 ? lit(0, UInt(1)) : len.slice(lb - 1, 0);
    const hasPayload = p.payload ? io.hdr.payload_len.orR() : lit(0, Bool);
    active.set(true);
    shifter.set(io.hdr.bytes.zext(headerBeats * W));
    fullLeft.set(beats);
    offset.set(off);
    withPayload.set(hasPayload);
    dropping.set(io.hdr.drop.land(hasPayload));
    tailKeep.set(lowMask(off));
    byteCount.set(0);
    expectLen.set(io.hdr.payload_len);
    when(beats.orR().land(io.hdr.drop.lnot()), () => phase.goto('HDR'))
      .elseWhen(hasPayload, () => phase.goto('BODY'))
      .otherwise(() => phase.goto('TAIL'));
  });

  io.hdr.ready.set(takeHeader);
  if (p.payload) io.s_axis.tready.set(payloadReady);
  slice.in.tvalid.set(outValid);
  slice.in.tdata.set(outData);
  slice.in.tkeep!.set(outKeep);
  slice.in.tlast!.set(outLast);
  slice.out.tready.set(io.m_axis.tready);
  io.m_axis.tvalid.set(slice.out.tvalid);
  io.m_axis.tdata.set(slice.out.tdata);
  io.m_axis.tkeep!.set(slice.out.tkeep!);
  io.m_axis.tlast!.set(slice.out.tlast!);
  io.frames.set(frames);
  io.len_errors.set(lenErrors);
  return io;
}, { width: 64, payload: true } as FrameAssemblerParams);
