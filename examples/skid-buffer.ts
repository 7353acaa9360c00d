import { defineModule, input, output, Bool, Stream, when } from '../dsl/index.ts';
import { payloadType, setPayload } from './stream-util.ts';

export interface SkidBufferParams {
  /** tdata bits (a multiple of 8 when keep is on). */
  width: number;
  /** Carry tkeep (one bit per byte). */
  keep: boolean;
  /** Carry tlast. */
  last: boolean;
}

/**
 * An AXI4-Stream register slice (skid buffer): breaks every combinational path between its two sides at full
 * throughput. out_* comes straight from the output register and in_tready straight from a flip-flop, so
 * neither depends on the other side's signals in the same cycle.
 *
 * When the output is stalled the beat accepted in that cycle (tready was already high) parks in the skid
 * register and in_tready drops; it moves to the output register as soon as the output is free. One beat per
 * cycle passes through with one cycle of latency.
 */
export const SkidBuffer = defineModule('skid_buffer', (m, p: SkidBufferParams) => {
  const beat = Stream(p.width, { keep: p.keep, last: p.last });
  const io = m.io({ in: input(beat), out: output(beat) });
  const payload = payloadType(beat);

  const outValid = m.reg(Bool, { reset: false });
  const outBeat = m.reg(payload);
  const inReady = m.reg(Bool, { reset: true }); // low exactly while the skid register holds a beat
  const skidBeat = m.reg(payload);

  const outFree = outValid.lnot().lor(io.out.tready);
  when(outFree, () => {
    when(inReady, () => {
      outValid.set(io.in.tvalid);
      setPayload(outBeat, io.in);
    }).otherwise(() => {
      outValid.set(true);
      setPayload(outBeat, skidBeat);
      inReady.set(true);
    });
  }).elseWhen(io.in.tvalid.land(inReady), () => {
    setPayload(skidBeat, io.in);
    inReady.set(false);
  });

  io.in.tready.set(inReady);
  io.out.tvalid.set(outValid);
  setPayload(io.out, outBeat);
  return io;
}, { width: 32, keep: true, last: true } as SkidBufferParams);
