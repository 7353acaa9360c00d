import { defineModule, input, output, Bool, UInt, when } from '../dsl/index.ts';

/** A free-running counter with enable and synchronous clear; `wrap` pulses when it rolls over. */
export const Counter = defineModule('counter', (m, p: { width: number }) => {
  const io = m.io({
    enable: input(Bool),
    clear: input(Bool),
    count: output(UInt(p.width)),
    wrap: output(Bool),
  });
  const value = m.reg(UInt(p.width), { reset: 0 });
  const atMax = value.andR();
  when(io.clear, () => value.set(0))
    .elseWhen(io.enable, () => value.set(value.add(1)));
  io.count.set(value);
  io.wrap.set(atMax.land(io.enable).land(io.clear.lnot()));
  return io;
}, { width: 32 });
