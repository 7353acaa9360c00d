import { defineModule, input, output, Bool, UInt, when, mux, cat, lit, type Sig } from '../dsl/index.ts';

export interface LfsrParams {
  /** Register width in bits (>= 2). */
  width: number;
  /**
   * Feedback taps as the exponents of the polynomial, highest first, without the constant term:
   * x^16 + x^14 + x^13 + x^11 + 1 is [16, 14, 13, 11]. The highest tap must equal the width.
   */
  taps: number[];
  /** 'galois' (XOR into the tap bits while shifting right) or 'fibonacci' (XOR of the tap bits shifted in at the bottom). */
  kind: 'galois' | 'fibonacci';
}

/** The tap mask of a Galois LFSR: tap t is bit t-1. */
export function tapMask(taps: readonly number[]): bigint {
  return taps.reduce((acc, t) => acc | (1n << BigInt(t - 1)), 0n);
}

/**
 * A linear-feedback shift register. Galois form: each step shifts right, and when the bit shifted out is 1 the
 * tap mask is XORed in. Fibonacci form: each step shifts left and the XOR of the tap bits (bit t-1 for tap t)
 * enters at bit 0. With a primitive polynomial both run through all 2^width - 1 non-zero states.
 *
 * `load` (priority over `enable`) loads `seed`; an all-zero seed locks the register at zero, as in any XOR LFSR.
 * Reset value is 1. `state` is the register; `out` the bit each step shifts out (bit 0 Galois, the top bit Fibonacci).
 */
export const Lfsr = defineModule('lfsr', (m, p: LfsrParams) => {
  const w = p.width;
  if (!Number.isInteger(w) || w < 2) throw new Error(`lfsr: width must be an integer >= 2, got ${w}`);
  if (!p.taps.length || p.taps.some((t) => !Number.isInteger(t) || t < 1 || t > w) || Math.max(...p.taps) !== w) {
    throw new Error(`lfsr: taps must lie in 1..${w} and include ${w}, got [${p.taps.join(', ')}]`);
  }
  const io = m.io({
    enable: input(Bool),
    load: input(Bool),
    seed: input(UInt(w)),
    state: output(UInt(w)),
    out: output(Bool),
  });
  const lfsr = m.reg(UInt(w), { reset: 1 });

  let next: Sig;
  if (p.kind === 'galois') {
    const shiftedOut = lfsr.bit(0);
    const shifted = lfsr.shr(1);
    const taps = lit(tapMask(p.taps), UInt(w));
    next = mux(shiftedOut, shifted.xor(taps), shifted);
  } else {
    const tapBits = p.taps.map((t) => lfsr.bit(t - 1));
    const feedback = tapBits.reduce((acc, b) => acc.xor(b));
    next = cat(lfsr.slice(w - 2, 0), feedback);
  }

  when(io.load, () => lfsr.set(io.seed))
    .elseWhen(io.enable, () => lfsr.set(next));
  io.state.set(lfsr);
  io.out.set(p.kind === 'galois' ? lfsr.bit(0) : lfsr.bit(w - 1));
  return io;
}, { width: 16, taps: [16, 14, 13, 11], kind: 'galois' } as LfsrParams);
