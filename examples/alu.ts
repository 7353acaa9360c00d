import { defineModule, input, output, Bool, UInt, switchOn, clog2 } from '../dsl/index.ts';

/** ALU opcodes (the `op` input). */
export const AluOp = {
  ADD: 0, SUB: 1, AND: 2, OR: 3, XOR: 4,
  /** Shifts by b's low clog2(width) bits: logical left, logical right, arithmetic right. */
  SLL: 5, SRL: 6, SRA: 7,
  /** Set if less than (result 1 or 0): signed, unsigned. */
  SLT: 8, SLTU: 9,
  /** The low half of the product (the same bits for signed and unsigned operands). */
  MUL: 10,
} as const;

/**
 * A combinational ALU over `width`-bit operands that are two's complement or unsigned depending on the op.
 * Unknown opcodes give 0. Flags describe the result `y`:
 *  - zero: y == 0;  negative: the top bit of y;
 *  - carry: ADD the carry out, SUB the borrow (a < b unsigned); 0 for every other op;
 *  - overflow: signed overflow of ADD or SUB; 0 for every other op.
 */
export const Alu = defineModule('alu', (m, p: { width: number }) => {
  const w = p.width;
  if (!Number.isInteger(w) || w < 2) throw new Error(`alu: width must be an integer >= 2, got ${w}`);
  const io = m.io({
    op: input(UInt(4)),
    a: input(UInt(w)),
    b: input(UInt(w)),
    y: output(UInt(w)),
    zero: output(Bool),
    negative: output(Bool),
    carry: output(Bool),
    overflow: output(Bool),
  });
  const { a, b } = io;
  const aSign = a.bit(w - 1);
  const bSign = b.bit(w - 1);

  const sum = a.addWide(b);
  const diff = a.subWide(b);
  const sumSign = sum.bit(w - 1);
  const diffSign = diff.bit(w - 1);
  const addOverflow = aSign.eq(bSign).land(sumSign.ne(aSign));
  const subOverflow = aSign.ne(bSign).land(diffSign.ne(aSign));

  const shamt = b.trunc(clog2(w));
  const sll = a.shl(shamt);
  const srl = a.shr(shamt);
  const sraSigned = a.asSInt().shr(shamt);
  const sra = sraSigned.asUInt();
  const slt = a.asSInt().lt(b.asSInt());
  const sltu = a.lt(b);
  const product = a.mul(b);

  const result = m.wire(UInt(w));
  const carryOut = m.wire(Bool, { default: false });
  const overflowOut = m.wire(Bool, { default: false });
  switchOn(io.op)
    .is(AluOp.ADD, () => { result.set(sum.trunc(w)); carryOut.set(sum.bit(w)); overflowOut.set(addOverflow); })
    .is(AluOp.SUB, () => { result.set(diff.trunc(w)); carryOut.set(diff.bit(w)); overflowOut.set(subOverflow); })
    .is(AluOp.AND, () => result.set(a.and(b)))
    .is(AluOp.OR, () => result.set(a.or(b)))
    .is(AluOp.XOR, () => result.set(a.xor(b)))
    .is(AluOp.SLL, () => result.set(sll))
    .is(AluOp.SRL, () => result.set(srl))
    .is(AluOp.SRA, () => result.set(sra))
    .is(AluOp.SLT, () => result.set(slt.zext(w)))
    .is(AluOp.SLTU, () => result.set(sltu.zext(w)))
    .is(AluOp.MUL, () => result.set(product))
    .default(() => result.set(0));

  io.y.set(result);
  io.zero.set(result.eq(0));
  io.negative.set(result.bit(w - 1));
  io.carry.set(carryOut);
  io.overflow.set(overflowOut);
  return io;
}, { width: 32 });
