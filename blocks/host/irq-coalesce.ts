// Interrupt coalescing: one interrupt per `count` completions, or `time` cycles after the first completion not
// yet signalled, whichever comes first. The interrupt fires only while armed and disarms itself (as Corundum's
// completion queues do): the host re-arms it after reaping, so a busy host is not interrupted at all.
import { defineModule, input, output, Bool, UInt, mux, when } from '../../dsl/index.ts';

export const IrqCoalesce = defineModule('irq_coalesce', (m, p: { timerBits: number }) => {
  const io = m.io({
    enable: input(Bool),
    /** One pulse per completion that became visible to the host. */
    written: input(Bool),
    /** Host settings: completions per interrupt (0 counts as 1) and the timeout in cycles. */
    count: input(UInt(16)),
    timeout: input(UInt(p.timerBits)),
    arm: input(Bool),
    irq: output(Bool),
    armed: output(Bool),
    pending: output(UInt(16)),
  });
  const armed = m.reg(Bool, { reset: false });
  const pending = m.reg(UInt(16), { reset: 0 });
  const timer = m.reg(UInt(p.timerBits), { reset: 0 });
  const irq = m.reg(Bool, { reset: false });

  const threshold = mux(io.count.eq(0), 1, io.count);
  const due = pending.ne(0).land(pending.ge(threshold).lor(timer.ge(io.timeout)));
  const fire = io.enable.land(armed).land(due);
  irq.set(fire);
  when(pending.ne(0).land(timer.andR().lnot()), () => timer.set(timer.add(1))); // saturates
  when(io.written.land(pending.ne(0xffff)), () => pending.set(pending.add(1)));
  when(fire, () => {
    armed.set(false);
    pending.set(io.written.zext(16));
    timer.set(0);
  });
  when(io.arm, () => armed.set(true));
  when(io.enable.lnot(), () => { pending.set(0); timer.set(0); armed.set(false); });
  io.irq.set(irq);
  io.armed.set(armed);
  io.pending.set(pending);
  return io;
}, { timerBits: 24 });
