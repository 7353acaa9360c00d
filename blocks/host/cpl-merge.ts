// Round-robin merge of completion streams into one (the send path's, the receive path's and the firmware's into
// the ring engine). A source's ready depends on the other sources' valids and the output's ready, never on its
// own valid, so no valid → ready path runs through it.
import { defineModule, input, output, UInt, Vec, lit, mux, when, type Sig, type Wire } from '../../dsl/index.ts';
import { CplFields, CplPort } from './cpl-writer.ts';
import { clog2 } from '../../dsl/index.ts';

export const CplMerge = defineModule('cpl_merge', (m, p: { inputs: number }) => {
  const n = p.inputs;
  const io = m.io({ in: input(Vec(CplPort, n)), out: output(CplPort) });
  const ins = io.in as unknown as Record<string, Wire>[];
  const turn = m.reg(UInt(clog2(n)), { reset: 0 }); // the source that goes first
  const valids = ins.map((s) => s.valid as Sig);
  const F = lit(0, UInt(1));
  // For each value of `turn`: which sources are free to go (no valid source ahead of them) and which win.
  const plans = Array.from({ length: n }, (_, t) => {
    const free: Sig[] = Array(n).fill(F), win: Sig[] = Array(n).fill(F);
    let ahead: Sig = F;
    for (let k = 0; k < n; k++) {
      const i = (t + k) % n;
      free[i] = ahead.lnot();
      win[i] = valids[i]!.land(ahead.lnot());
      ahead = ahead.lor(valids[i]!);
    }
    return { free, win };
  });
  const byTurn = (xs: Sig[]) => xs.slice(1).reduce((acc, x, t) => mux(turn.eq(t + 1), x, acc), xs[0]!);
  const win = ins.map((_, i) => byTurn(plans.map((q) => q.win[i]!)));
  const free = ins.map((_, i) => byTurn(plans.map((q) => q.free[i]!)));
  ins.forEach((s, i) => s.ready!.set(free[i]!.land(io.out.ready)));
  io.out.valid.set(valids.reduce((a, b) => a.lor(b)));
  const out = io.out as unknown as Record<string, Wire>;
  for (const k of Object.keys(CplFields)) {
    out[k]!.set(ins.slice(0, -1).reduceRight((acc, s, i) => mux(win[i]!, s[k]!, acc), ins[n - 1]![k]! as Sig));
  }
  // After a completion goes out, the source after the winner goes first.
  const next = win.slice(0, -1).reduceRight((acc, w, i) => mux(w, lit((i + 1) % n, UInt(clog2(n))), acc), lit(0, UInt(clog2(n))));
  when(io.out.valid.land(io.out.ready), () => turn.set(next));
  return io;
}, { inputs: 3 });
