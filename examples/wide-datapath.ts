import { defineModule, input, output, Bool, UInt, when, lit, clog2, type Sig } from '../dsl/index.ts';

export interface WideDatapathParams {
  /** Datapath width in bits; the interesting case is one that is not a multiple of 32 or 64 (130). */
  width: number;
}

/** The rotate-amount width: the largest amount, 2^bits - 1, stays below the width. */
export const rotateBits = (width: number) => Math.floor(Math.log2(width));

/** x rotated left by a dynamic amount below x's width: (x << r) | (x >> (width - r)); a shift by the full width gives 0. */
export function rotateLeft(x: Sig, amount: Sig): Sig {
  const amountBits = clog2(x.width + 1);
  const backAmount = lit(x.width, UInt(amountBits)).sub(amount.zext(amountBits));
  return x.shl(amount).or(x.shr(backAmount));
}

/**
 * A three-stage pipeline over `width`-bit words (130 by default: wider than any machine word, and not a
 * multiple of 32 or 64), with a valid bit travelling alongside:
 *  1. sum = a + b (wrapping, carry kept), mix = a ^ b, and the rotate amount are registered;
 *  2. mixed = sum ^ rotl(mix, rot) is registered;
 *  3. acc += mixed (wrapping); acc_carry is sticky: set by any carry out of acc, cleared with acc by `clear`.
 * `result` is stage 2 delayed to line up with `acc`: both change on the cycle out_valid is high.
 * `sum_carry` is stage 1's carry out, registered alongside.
 */
export const WideDatapath = defineModule('wide_datapath', (m, p: WideDatapathParams) => {
  const w = p.width;
  if (!Number.isInteger(w) || w < 4) throw new Error(`wide_datapath: width must be an integer >= 4, got ${w}`);
  const io = m.io({
    in_valid: input(Bool),
    a: input(UInt(w)),
    b: input(UInt(w)),
    rot: input(UInt(rotateBits(w))),
    clear: input(Bool),
    out_valid: output(Bool),
    result: output(UInt(w)),
    acc: output(UInt(w)),
    acc_carry: output(Bool),
    sum_carry: output(Bool),
  });

  // Stage 1.
  const s1Valid = m.reg(Bool, { reset: false });
  const s1Sum = m.reg(UInt(w));
  const s1Carry = m.reg(Bool);
  const s1Mix = m.reg(UInt(w));
  const s1Rot = m.reg(UInt(rotateBits(w)));
  const sum = io.a.addWide(io.b);
  s1Valid.set(io.in_valid);
  when(io.in_valid, () => {
    s1Sum.set(sum.trunc(w));
    s1Carry.set(sum.bit(w));
    s1Mix.set(io.a.xor(io.b));
    s1Rot.set(io.rot);
  });

  // Stage 2.
  const s2Valid = m.reg(Bool, { reset: false });
  const s2Mixed = m.reg(UInt(w));
  const s2Carry = m.reg(Bool);
  const rotated = rotateLeft(s1Mix, s1Rot);
  s2Valid.set(s1Valid);
  when(s1Valid, () => {
    s2Mixed.set(s1Sum.xor(rotated));
    s2Carry.set(s1Carry);
  });

  // Stage 3: the accumulator.
  const s3Valid = m.reg(Bool, { reset: false });
  const s3Result = m.reg(UInt(w));
  const s3Carry = m.reg(Bool);
  const accumulator = m.reg(UInt(w), { reset: 0 });
  const accCarry = m.reg(Bool, { reset: false });
  const accSum = accumulator.addWide(s2Mixed);
  s3Valid.set(s2Valid);
  when(s2Valid, () => {
    accumulator.set(accSum.trunc(w));
    accCarry.set(accCarry.lor(accSum.bit(w)));
    s3Result.set(s2Mixed);
    s3Carry.set(s2Carry);
  });
  when(io.clear, () => {
    accumulator.set(0);
    accCarry.set(false);
  });

  io.out_valid.set(s3Valid);
  io.result.set(s3Result);
  io.acc.set(accumulator);
  io.acc_carry.set(accCarry);
  io.sum_carry.set(s3Carry);
  return io;
}, { width: 130 });
