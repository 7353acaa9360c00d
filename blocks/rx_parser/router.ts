// The RX parser's data path: takes frame beats from the beat queue once the frame's route is decided, and
// sends them whole to the slow-path port, drops them, or cuts out the TCP payload and re-aligns it so payload
// byte 0 is lane 0 of the first payload beat.
import { Bool, UInt, cat, clog2, lit, mux, when, type ModuleBuilder, type Sig, type Wire } from '../../dsl/index.ts';
import { FRAME_LEN_BITS } from './classify.ts';
import { lanesBefore, lanesBelow, saturatingAdd } from './lanes.ts';

/** What the data path does with a frame, decided from its first 24 bytes. */
export const FrameAction = { DROP: 0, SLOW: 1, TCP: 2 } as const;
export const FRAME_ACTION_BITS = 2;
/** No TCP payload starts before this frame byte (14 + 20 + 20). */
export const MIN_PAYLOAD_START = 54;

export interface RouterBeat { valid: Sig; data: Sig; keep: Sig; last: Sig; macError: Sig }
/** The frame's class: one entry per frame. */
export interface RouterClass { valid: Sig; action: Sig; reason: Sig }
/** Where a TCP frame's payload lies: one entry per TCP frame; `ok` false means it has none to send. */
export interface RouterLayout { valid: Sig; ok: Sig; payloadStart: Sig; payloadEnd: Sig }
export interface StreamOut { tvalid: Wire; tdata: Wire; tkeep?: Wire; tlast?: Wire; tuser?: Wire; tready: Sig }

/**
 * Two decisions steer a frame: its class (known after byte 23) and, for TCP, its payload layout (known after
 * the data offset byte). Beats of a TCP frame below byte MIN_PAYLOAD_START need only the class, so the
 * header drains while the layout is still being decided.
 *
 * Re-alignment: with s = payloadStart mod B, output beat j is lanes s..B-1 of input beat kP+j followed by
 * lanes 0..s-1 of the next input beat ({cur, prev} >> 8s), sent when that next beat is taken. The payload's
 * last bytes, when they sit in lanes >= s of the frame's last beat, leave one cycle later as a flush beat,
 * in parallel with the next frame's first beat (which never carries output of its own: a payload starts at
 * byte 54 or later, so lanes below s of a first beat are header bytes). So frames pass back to back.
 */
export function buildRouter(m: ModuleBuilder, lanes: number, beat: RouterBeat, cls: RouterClass, layout: RouterLayout,
  payload: StreamOut, slow: StreamOut): { takeBeat: Sig; takeClass: Sig; takeLayout: Sig } {
  const W = lanes * 8;
  const shiftBits = Math.max(1, clog2(lanes));
  const allLanes = lit((1n << BigInt(lanes)) - 1n, UInt(lanes));

  const atFrameStart = m.reg(Bool, { reset: true });
  const beatOffset = m.reg(UInt(FRAME_LEN_BITS), { reset: 0 }); // frame byte of the head beat's lane 0
  const prevData = m.reg(UInt(W));
  const prevMask = m.reg(UInt(lanes), { reset: 0 });
  const shift = m.reg(UInt(shiftBits), { reset: 0 });
  const flushPending = m.reg(Bool, { reset: false });
  const payValid = m.reg(Bool, { reset: false });
  const payData = m.reg(UInt(W));
  const payKeep = m.reg(UInt(lanes));
  const payLast = m.reg(Bool);
  const slowValid = m.reg(Bool, { reset: false });
  const slowData = m.reg(UInt(W));
  const slowKeep = m.reg(UInt(lanes));
  const slowLast = m.reg(Bool);
  const slowUser = m.reg(UInt(1 + cls.reason.width));

  const isTcp = cls.action.eq(FrameAction.TCP);
  const isSlow = cls.action.eq(FrameAction.SLOW);
  // A TCP beat that may hold payload bytes, and the last beat (which retires the layout entry), wait for it.
  const mayHoldPayload = lanes > MIN_PAYLOAD_START ? lit(1, UInt(1)) : beatOffset.gt(MIN_PAYLOAD_START - lanes);
  const needsLayout = isTcp.land(beat.last.lor(mayHoldPayload));
  const headValid = beat.valid.land(cls.valid).land(needsLayout.lnot().lor(layout.valid));
  const payFree = payValid.lnot().lor(payload.tready);
  const slowFree = slowValid.lnot().lor(slow.tready);

  // Payload lanes of the head beat: frame bytes in [payloadStart, payloadEnd) that the beat carries.
  const keptLanes = mux(beat.last, beat.keep, allLanes);
  const startLanes = lanesBefore(layout.payloadStart.zext(FRAME_LEN_BITS), beatOffset, lanes);
  const endLanes = lanesBefore(layout.payloadEnd, beatOffset, lanes);
  const inPayload = lanesBelow(endLanes, lanes).and(lanesBelow(startLanes, lanes).not()).and(keptLanes);
  const payloadMask = mux(needsLayout.land(layout.ok), inPayload, lit(0, UInt(lanes)));
  const frameShift = lanes === 1 ? lit(0, UInt(1)) : layout.payloadStart.slice(shiftBits - 1, 0);
  // Payload bytes of this beat that belong to the next output beat.
  const carriesOver = payloadMask.shr(frameShift).orR();

  // One shifter serves the flush (the previous frame's tail, at its own shift) and the main output; they never
  // coincide: a flush is pending only until the next frame's first beat, which has no output of its own.
  const shifterData = mux(flushPending, cat(lit(0, UInt(W)), prevData), cat(beat.data, prevData));
  const shifterMask = mux(flushPending, cat(lit(0, UInt(lanes)), prevMask), cat(payloadMask, prevMask));
  const shiftUsed = mux(flushPending, shift, frameShift);
  const alignedData = shifterData.shr(cat(shiftUsed, lit(0, UInt(3)))).trunc(W);
  const alignedKeep = shifterMask.shr(shiftUsed).trunc(lanes);
  const emitsMain = atFrameStart.lnot().land(alignedKeep.orR());

  const flushGo = flushPending.land(payFree);
  const tcpGo = flushPending.lnot().lor(payFree).land(emitsMain.lnot().lor(payFree));
  const takeBeat = headValid.land(mux(isTcp, tcpGo, isSlow.lnot().lor(slowFree)));
  const mainGo = takeBeat.land(isTcp).land(emitsMain);
  const slowGo = takeBeat.land(isSlow);

  when(payFree, () => payValid.set(flushGo.lor(mainGo)));
  when(flushGo.lor(mainGo), () => {
    payData.set(alignedData);
    payKeep.set(alignedKeep);
    payLast.set(flushGo.lor(carriesOver.lnot()));
  });
  when(flushGo, () => flushPending.set(false));
  when(takeBeat.land(isTcp), () => {
    prevData.set(beat.data);
    prevMask.set(payloadMask);
    when(beat.last, () => {
      shift.set(frameShift);
      when(carriesOver, () => flushPending.set(true));
    });
  });

  when(slowFree, () => slowValid.set(slowGo));
  when(slowGo, () => {
    slowData.set(beat.data);
    slowKeep.set(beat.keep);
    slowLast.set(beat.last);
    slowUser.set(cat(beat.macError, cls.reason));
  });

  when(takeBeat, () => {
    atFrameStart.set(beat.last);
    beatOffset.set(mux(beat.last, lit(0, UInt(FRAME_LEN_BITS)), saturatingAdd(beatOffset, lit(lanes, UInt(FRAME_LEN_BITS)))));
  });

  payload.tvalid.set(payValid);
  payload.tdata.set(payData);
  payload.tkeep?.set(payKeep);
  payload.tlast?.set(payLast);
  slow.tvalid.set(slowValid);
  slow.tdata.set(slowData);
  slow.tkeep?.set(slowKeep);
  slow.tlast?.set(slowLast);
  slow.tuser?.set(slowUser);
  const frameDone = takeBeat.land(beat.last);
  return { takeBeat, takeClass: frameDone, takeLayout: frameDone.land(isTcp) };
}
