// The DMA engine's byte realigner: turns a stream of source beats (the transfer starting at byte `srcOff` of the
// first beat) into destination beats (starting at byte `dstOff`), with write strobes, one beat per cycle.
//
// Destination beat k holds bytes k*B + j - dstOff of the transfer. Seen through a two-beat window
// {cur, prev} (prev in the low half), it is the B bytes starting `off` bytes into the window, where
// off = (srcOff - dstOff) mod B, or B when the offsets are equal (the beat is `cur` unchanged). When
// srcOff > dstOff the first destination beat needs two source beats, so the first source beat primes `prev`.
// The last destination beat may need no new source beat (the bytes are all in `prev`); then none is consumed.
import { defineModule, input, output, Bool, UInt, lit, mux, cat, when } from '../../dsl/index.ts';
import { Handshake } from './handshake.ts';
import { log2 } from './burst.ts';

export interface RealignParams {
  /** Beat width in bits (a power of two, >= 32). */
  width: number;
  /** Transfer length bits. */
  lenBits: number;
  /** Destination word address bits (counted up from job.word, one per destination beat). */
  wordBits: number;
  /** Bits passed from the job to every beat it produces. */
  userBits: number;
}

export const Realign = defineModule('dma_realign', (m, p: RealignParams) => {
  const B = p.width / 8;
  const ob = log2(B);
  const beatCount = UInt(p.lenBits - ob + 1); // beats of a transfer: up to ceil((B - 1 + 2^lenBits - 1) / B)
  const io = m.io({
    job: input(Handshake({ srcOff: UInt(ob), dstOff: UInt(ob), len: UInt(p.lenBits), word: UInt(p.wordBits), user: UInt(p.userBits) })),
    src: input(Handshake({ data: UInt(p.width), err: UInt(2) })),
    out: output(Handshake({ data: UInt(p.width), strb: UInt(B), word: UInt(p.wordBits), first: Bool, last: Bool, err: UInt(2), user: UInt(p.userBits) })),
  });

  const active = m.reg(Bool, { reset: false });
  const needPrime = m.reg(Bool, { reset: false });
  const srcLeft = m.reg(beatCount, { reset: 0 });
  const dstLeft = m.reg(beatCount, { reset: 0 });
  const off = m.reg(UInt(ob + 1), { reset: 0 });
  const word = m.reg(UInt(p.wordBits), { reset: 0 });
  const first = m.reg(Bool, { reset: false });
  const firstMask = m.reg(UInt(B), { reset: 0 });
  const lastMask = m.reg(UInt(B), { reset: 0 });
  const user = m.reg(UInt(p.userBits), { reset: 0 });
  const prevData = m.reg(UInt(p.width), { reset: 0 });
  const prevErr = m.reg(UInt(2), { reset: 0 });

  const oValid = m.reg(Bool, { reset: false });
  const oData = m.reg(UInt(p.width), { reset: 0 });
  const oStrb = m.reg(UInt(B), { reset: 0 });
  const oWord = m.reg(UInt(p.wordBits), { reset: 0 });
  const oFirst = m.reg(Bool, { reset: false });
  const oLast = m.reg(Bool, { reset: false });
  const oErr = m.reg(UInt(2), { reset: 0 });
  const oUser = m.reg(UInt(p.userBits), { reset: 0 });

  const outFree = oValid.lnot().lor(io.out.ready);
  const needCur = srcLeft.ne(0);
  const emit = active.land(needPrime.lnot()).land(needCur.lnot().lor(io.src.valid)).land(outFree);
  const prime = active.land(needPrime).land(io.src.valid);
  const isLast = dstLeft.eq(1);
  io.src.ready.set(active.land(needPrime.lor(needCur.land(outFree))));

  const curErr = mux(needCur, io.src.err, lit(0, UInt(2)));
  const window = cat(io.src.data, prevData);
  const shifted = window.shr(cat(off, lit(0, UInt(3))));
  const ones = lit((1n << BigInt(B)) - 1n, UInt(B));
  const strb = mux(first, firstMask, ones).and(mux(isLast, lastMask, ones));

  when(outFree, () => oValid.set(emit));
  when(emit, () => {
    oData.set(shifted.trunc(p.width));
    oStrb.set(strb);
    oWord.set(word);
    oFirst.set(first);
    oLast.set(isLast);
    oErr.set(prevErr.or(curErr));
    oUser.set(user);
    when(needCur, () => {
      prevData.set(io.src.data);
      prevErr.set(io.src.err);
      srcLeft.set(srcLeft.sub(1));
    });
    dstLeft.set(dstLeft.sub(1));
    word.set(word.add(1));
    first.set(false);
    when(isLast, () => active.set(false));
  });
  when(prime, () => {
    prevData.set(io.src.data);
    prevErr.set(io.src.err);
    srcLeft.set(srcLeft.sub(1));
    needPrime.set(false);
  });

  // A new job loads when idle, or as the current job's last beat goes out (no bubble between jobs).
  const load = io.job.valid.land(active.lnot().lor(emit.land(isLast)));
  io.job.ready.set(active.lnot().lor(emit.land(isLast)));
  const s = io.job.srcOff, d = io.job.dstOff, len = io.job.len;
  const zero = len.eq(0);
  const wide = p.lenBits + 1;
  const beatsFrom = (o: typeof s) => o.zext(wide).add(len.zext(wide)).add(B - 1).slice(wide - 1, ob);
  const srcBeats = mux(zero, lit(0, beatCount), beatsFrom(s));
  const dstBeats = mux(zero, lit(1, beatCount), beatsFrom(d));
  const lastByte = d.add(len.trunc(ob)).sub(1); // (dstOff + len - 1) mod B
  when(load, () => {
    active.set(true);
    needPrime.set(s.gt(d).land(zero.lnot()));
    srcLeft.set(srcBeats);
    dstLeft.set(dstBeats);
    off.set(mux(s.eq(d), lit(B, UInt(ob + 1)), s.sub(d).zext(ob + 1)));
    word.set(io.job.word);
    first.set(true);
    firstMask.set(mux(zero, lit(0, UInt(B)), ones.shl(d)));
    lastMask.set(ones.shr(lit(B - 1, UInt(ob)).sub(lastByte)));
    user.set(io.job.user);
    prevErr.set(0);
  });

  io.out.valid.set(oValid);
  io.out.data.set(oData);
  io.out.strb.set(oStrb);
  io.out.word.set(oWord);
  io.out.first.set(oFirst);
  io.out.last.set(oLast);
  io.out.err.set(oErr);
  io.out.user.set(oUser);
  return io;
}, { width: 64, lenBits: 20, wordBits: 21, userBits: 9 } as RealignParams);
