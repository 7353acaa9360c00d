// An AXI4-Stream register slice (skid buffer) for the blocks' frame outputs: out_* and in_tready come from
// flip-flops, one beat per cycle passes with one cycle of latency.
import { defineModule, input, output, Bool, UInt, Stream, when } from '../../dsl/index.ts';

export const AxisSlice = defineModule('axis_slice', (m, p: { width: number }) => {
  const beat = Stream(p.width, { keep: true, last: true });
  const io = m.io({ in: input(beat), out: output(beat) });
  const bytes = p.width / 8;
  const inKeep = io.in.tkeep!, inLast = io.in.tlast!;

  const outValid = m.reg(Bool, { reset: false });
  const outData = m.reg(UInt(p.width));
  const outKeep = m.reg(UInt(bytes));
  const outLast = m.reg(Bool);
  const inReady = m.reg(Bool, { reset: true }); // low exactly while the skid register holds a beat
  const skidData = m.reg(UInt(p.width));
  const skidKeep = m.reg(UInt(bytes));
  const skidLast = m.reg(Bool);

  const outFree = outValid.lnot().lor(io.out.tready);
  when(outFree, () => {
    when(inReady, () => {
      outValid.set(io.in.tvalid);
      outData.set(io.in.tdata); outKeep.set(inKeep); outLast.set(inLast);
    }).otherwise(() => {
      outValid.set(true);
      outData.set(skidData); outKeep.set(skidKeep); outLast.set(skidLast);
      inReady.set(true);
    });
  }).elseWhen(io.in.tvalid.land(inReady), () => {
    skidData.set(io.in.tdata); skidKeep.set(inKeep); skidLast.set(inLast);
    inReady.set(false);
  });

  io.in.tready.set(inReady);
  io.out.tvalid.set(outValid);
  io.out.tdata.set(outData);
  io.out.tkeep!.set(outKeep);
  io.out.tlast!.set(outLast);
  return io;
}, { width: 64 });
