import { defineModule, input, output, Bool, UInt, Vec, Stream, when, mux, cat, lit, clog2, type Sig } from '../dsl/index.ts';
import { withKeepLast } from './stream-util.ts';

export interface WidthParams {
  /** tdata bits of the input stream (a multiple of 8). */
  inBits: number;
  /** tdata bits of the output stream (a multiple of 8). */
  outBits: number;
}

function checkRatio(what: string, wide: number, narrow: number): number {
  if (narrow % 8 !== 0 || wide % 8 !== 0 || wide % narrow !== 0 || wide / narrow < 2) {
    throw new Error(`${what}: widths must be multiples of 8 and the wide one a multiple (>= 2x) of the narrow one, got ${wide} and ${narrow}`);
  }
  return wide / narrow;
}

/** Splits x into `n` equal lanes, lane 0 the least significant. */
function lanesOf(x: Sig, n: number): Sig[] {
  const w = x.width / n;
  return Array.from({ length: n }, (_, i) => x.slice(i * w + w - 1, i * w));
}

/** The lane picked by a one-hot select (lane 0 when none is set). */
function pickLane(oneHot: Sig, lanes: Sig[]): Sig {
  let picked = lanes[lanes.length - 1]!;
  for (let i = lanes.length - 2; i >= 0; i--) picked = mux(oneHot.bit(i), lanes[i]!, picked);
  return picked;
}

/**
 * AXI4-Stream downsizer: each inBits input beat leaves as up to inBits/outBits output beats, lowest bytes first.
 * Output beats whose tkeep would be all zero (null bytes only) are skipped, and tlast goes on the last beat
 * emitted for an input beat with tlast. An input beat with no kept byte at all is dropped, unless it carries
 * tlast: then one all-null beat with tlast is sent, so the packet boundary survives.
 *
 * The input beat is held in a register with a mask of the lanes still to send; the lowest pending lane is
 * the output. in_tready is high when the hold register is empty or its last lane is leaving, so a beat
 * that needs one output beat passes at one beat per cycle.
 */
export const StreamDownsizer = defineModule('stream_downsizer', (m, p: WidthParams) => {
  const ratio = checkRatio('stream_downsizer', p.inBits, p.outBits);
  const io = m.io({
    in: input(Stream(p.inBits, { keep: true, last: true })),
    out: output(Stream(p.outBits, { keep: true, last: true })),
  });
  const src = withKeepLast(io.in);
  const dst = withKeepLast(io.out);
  const heldData = m.reg(UInt(p.inBits));
  const heldKeep = m.reg(UInt(p.inBits / 8));
  const heldLast = m.reg(Bool);
  const pending = m.reg(UInt(ratio), { reset: 0 }); // lanes of the held beat still to send

  const busy = pending.orR();
  const current = pending.and(pending.neg()); // the lowest pending lane, one-hot
  const remaining = pending.xor(current);
  const finalLane = remaining.orR().lnot();
  const outFire = busy.land(dst.tready);
  const inReady = busy.lnot().lor(outFire.land(finalLane));
  const inFire = src.tvalid.land(inReady);

  // Lanes of the incoming beat that carry at least one kept byte (lane 0 alone for an all-null tlast beat).
  const laneUsed = cat(...lanesOf(src.tkeep, ratio).map((k) => k.orR()).reverse());
  const anyKept = src.tkeep.orR();
  const loadMask = mux(anyKept, laneUsed, mux(src.tlast, lit(1, UInt(ratio)), lit(0, UInt(ratio))));

  when(outFire, () => pending.set(remaining));
  when(inFire, () => {
    pending.set(loadMask);
    heldData.set(src.tdata);
    heldKeep.set(src.tkeep);
    heldLast.set(src.tlast);
  });

  const outData = pickLane(current, lanesOf(heldData, ratio));
  const outKeep = pickLane(current, lanesOf(heldKeep, ratio));
  src.tready.set(inReady);
  dst.tvalid.set(busy);
  dst.tdata.set(outData);
  dst.tkeep.set(outKeep);
  dst.tlast.set(heldLast.land(finalLane));
  return io;
}, { inBits: 64, outBits: 16 });

/**
 * AXI4-Stream upsizer: packs inBits input beats, lowest lane first, into outBits output beats. An output beat
 * is sent when all its lanes are filled or an input beat carries tlast; lanes not filled before tlast have
 * tkeep (and tdata) zero. Input tkeep is carried lane by lane. A packed (contiguous, low-aligned) stream
 * through the downsizer and back comes out bit-identical.
 *
 * The accumulating lanes are the output register: in_tready = !out_tvalid || out_tready, and the first lane
 * of the next beat loads in the same cycle the finished beat leaves, so one input beat per cycle passes.
 */
export const StreamUpsizer = defineModule('stream_upsizer', (m, p: WidthParams) => {
  const ratio = checkRatio('stream_upsizer', p.outBits, p.inBits);
  const io = m.io({
    in: input(Stream(p.inBits, { keep: true, last: true })),
    out: output(Stream(p.outBits, { keep: true, last: true })),
  });
  const src = withKeepLast(io.in);
  const dst = withKeepLast(io.out);
  const laneData = m.reg(Vec(UInt(p.inBits), ratio));
  const laneKeep = m.reg(Vec(UInt(p.inBits / 8), ratio));
  const lane = m.reg(UInt(clog2(ratio)), { reset: 0 }); // the lane the next input beat fills
  const outValid = m.reg(Bool, { reset: false });
  const outLast = m.reg(Bool);

  const outFire = outValid.land(dst.tready);
  const inReady = outValid.lnot().lor(dst.tready);
  const inFire = src.tvalid.land(inReady);
  const beatDone = lane.eq(ratio - 1).lor(src.tlast);

  const laneOneHot = lit(1, UInt(ratio)).shl(lane);
  const startingBeat = lane.eq(0);

  when(outFire, () => outValid.set(false));
  when(inFire, () => {
    laneData.forEach((data, k) => {
      when(laneOneHot.bit(k), () => {
        data.set(src.tdata);
        laneKeep[k]!.set(src.tkeep);
      }).elseWhen(startingBeat, () => {
        // Starting a new beat clears the lanes above lane 0, so a short final beat has zero tkeep there.
        data.set(0);
        laneKeep[k]!.set(0);
      });
    });
    when(beatDone, () => {
      outValid.set(true);
      outLast.set(src.tlast);
      lane.set(0);
    }).otherwise(() => lane.set(lane.add(1)));
  });

  src.tready.set(inReady);
  dst.tvalid.set(outValid);
  dst.tdata.set(cat(...[...laneData].reverse()));
  dst.tkeep.set(cat(...[...laneKeep].reverse()));
  dst.tlast.set(outLast);
  return io;
}, { inBits: 16, outBits: 64 });
