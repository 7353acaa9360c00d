// Merges the ACK generator's frames and the TX builder's frames onto one MAC stream, a whole frame at a time.
import { defineModule, input, output, Bool, UInt, Stream, mux, when } from '../../dsl/index.ts';
import { checkWidth } from './types.ts';
import { AxisSlice } from './axis-slice.ts';

export interface TxArbiterParams {
  /** Datapath bits (8 .. 512). */
  width: number;
  /** ACK frames that may go ahead of a waiting data frame before the data frame gets its turn (>= 1). */
  ackBurst: number;
}

/**
 * Policy: pure ACKs first (they are short and their latency sets the peer's RTT estimate and ACK clock),
 * but after `ackBurst` ACK frames in a row have passed a waiting data frame, the data frame goes next; so
 * data gets at least one frame in every ackBurst + 1, and an ACK waits at most for one data frame in flight.
 * Frames are never interleaved: the source of a frame's first beat keeps the output until its tlast.
 * The choice for the next frame is made in the cycle the previous frame's last beat leaves, so back-to-back
 * frames from either side follow without an idle cycle. Output through a register slice.
 */
export const TxArbiter = defineModule('tx_arbiter', (m, p: TxArbiterParams) => {
  checkWidth('tx_arbiter', p.width);
  if (!Number.isInteger(p.ackBurst) || p.ackBurst < 1 || p.ackBurst > 255) throw new Error(`tx_arbiter: ackBurst must be 1..255, got ${p.ackBurst}`);
  const beat = Stream(p.width, { keep: true, last: true });
  const io = m.io({
    ack: input(beat),
    data: input(beat),
    m_axis: output(beat),
    ack_frames: output(UInt(32)),
    data_frames: output(UInt(32)),
  });
  const slice = m.instance(AxisSlice, { width: p.width });

  const inFrame = m.reg(Bool, { reset: false });
  const ownerData = m.reg(Bool, { reset: false }); // the source of the frame in progress
  const ackRun = m.reg(UInt(8), { reset: 0 }); // ACK frames granted in a row while data waited

  const ackFirst = io.ack.tvalid.land(io.data.tvalid.lnot().lor(ackRun.lt(p.ackBurst)));
  const pickData = mux(inFrame, ownerData, ackFirst.lnot());
  const valid = mux(pickData, io.data.tvalid, io.ack.tvalid);
  const last = mux(pickData, io.data.tlast!, io.ack.tlast!);
  const fire = valid.land(slice.in.tready);
  const frameStart = fire.land(inFrame.lnot());

  when(fire, () => {
    inFrame.set(last.lnot());
    when(frameStart, () => ownerData.set(pickData));
  });
  const ackFrames = m.reg(UInt(32), { reset: 0 });
  const dataFrames = m.reg(UInt(32), { reset: 0 });
  when(frameStart, () => {
    when(pickData, () => {
      ackRun.set(0);
      dataFrames.set(dataFrames.add(1));
    }).otherwise(() => {
      when(io.data.tvalid, () => ackRun.set(ackRun.add(1))).otherwise(() => ackRun.set(0));
      ackFrames.set(ackFrames.add(1));
    });
  });

  io.ack.tready.set(slice.in.tready.land(pickData.lnot()));
  io.data.tready.set(slice.in.tready.land(pickData));
  slice.in.tvalid.set(valid);
  slice.in.tdata.set(mux(pickData, io.data.tdata, io.ack.tdata));
  slice.in.tkeep!.set(mux(pickData, io.data.tkeep!, io.ack.tkeep!));
  slice.in.tlast!.set(last);
  slice.out.tready.set(io.m_axis.tready);
  io.m_axis.tvalid.set(slice.out.tvalid);
  io.m_axis.tdata.set(slice.out.tdata);
  io.m_axis.tkeep!.set(slice.out.tkeep!);
  io.m_axis.tlast!.set(slice.out.tlast!);
  io.ack_frames.set(ackFrames);
  io.data_frames.set(dataFrames);
  return io;
}, { width: 64, ackBurst: 4 } as TxArbiterParams);
