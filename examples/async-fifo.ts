import { defineModule, input, output, Bool, UInt, Stream, when, cat, clog2, synchronize, type Sig } from '../dsl/index.ts';

export interface AsyncFifoParams {
  /** Data bits per entry. */
  width: number;
  /** RAM entries: a power of two, >= 4 (the output register holds one more, so depth + 1 words fit in all). */
  depth: number;
}

/** Binary to Gray code: b ^ (b >> 1). */
export function toGray(bin: Sig): Sig {
  return bin.xor(bin.shr(1));
}

/** Gray code to binary: each bit is the XOR of its Gray bit and every Gray bit above it. */
export function fromGray(gray: Sig): Sig {
  const bits: Sig[] = [gray.bit(gray.width - 1)];
  for (let i = gray.width - 2; i >= 0; i--) bits.push(bits[bits.length - 1]!.xor(gray.bit(i)));
  return cat(...bits);
}

/**
 * A dual-clock FIFO (Cummings style): a RAM written in the `wr` domain and read in the `rd` domain, with
 * Gray-coded read and write pointers, one bit wider than the address, each crossing into the other domain
 * through a two-flop synchroniser (`synchronize()`); only one pointer bit changes per step, so a pointer
 * sampled mid-change is either the old or the new value.
 *
 * Ports: an AXI4-Stream sink `in_*` and level `wr_level` in the write domain (clock wr_clk, reset wr_rst);
 * a show-ahead AXI4-Stream source `out_*` and `rd_level` in the read domain (rd_clk, rd_rst). The RAM's read
 * register is the output register, as in the synchronous FIFO. Levels are conservative: a domain sees the other
 * side's progress two or three of its own clocks late, so the writer may see the FIFO fuller, and the reader
 * emptier, than it is. Assert both resets together for a few cycles of the slower clock.
 */
export const AsyncFifo = defineModule('async_fifo', (m, p: AsyncFifoParams) => {
  if (!Number.isInteger(p.depth) || p.depth < 4 || (p.depth & (p.depth - 1)) !== 0) {
    throw new Error(`async_fifo: depth must be a power of two >= 4, got ${p.depth}`);
  }
  const addrBits = clog2(p.depth);
  const ptrBits = addrBits + 1;
  const beat = Stream(p.width, { keep: false, last: false });
  const io = m.io({
    in: input(beat),
    wr_level: output(UInt(ptrBits)),
    out: output(beat),
    rd_level: output(UInt(ptrBits)),
  });
  const wr = m.domain('wr');
  const rd = m.domain('rd');
  const ram = m.memory(p.width, p.depth);

  // Pointer registers of both sides first: each side synchronises the other's Gray pointer.
  const wrBin = m.reg(UInt(ptrBits), { reset: 0, domain: wr });
  const wrGray = m.reg(UInt(ptrBits), { reset: 0, domain: wr });
  const rdBin = m.reg(UInt(ptrBits), { reset: 0, domain: rd });
  const rdGray = m.reg(UInt(ptrBits), { reset: 0, domain: rd });

  m.withDomain(wr, () => {
    const rdGrayInWr = synchronize(rdGray, wr, { reset: 0 });
    // Full: the write pointer is a whole lap ahead: Gray codes differ in exactly the top two bits.
    const lapAhead = cat(rdGrayInWr.slice(ptrBits - 1, ptrBits - 2).not(), rdGrayInWr.slice(ptrBits - 3, 0));
    const full = wrGray.eq(lapAhead);
    const push = io.in.tvalid.land(full.lnot());
    const wrBinNext = wrBin.add(1);
    when(push, () => {
      wrBin.set(wrBinNext);
      wrGray.set(toGray(wrBinNext));
    });
    ram.write(wrBin.trunc(addrBits), io.in.tdata, { enable: push });
    io.in.tready.set(full.lnot());
    io.wr_level.set(wrBin.sub(fromGray(rdGrayInWr)));
  });

  m.withDomain(rd, () => {
    const wrGrayInRd = synchronize(wrGray, rd, { reset: 0 });
    const ramEmpty = rdGray.eq(wrGrayInRd);
    const outValid = m.reg(Bool, { reset: false });
    const fetch = ramEmpty.lnot().land(outValid.lnot().lor(io.out.tready));
    const rdBinNext = rdBin.add(1);
    when(fetch, () => {
      rdBin.set(rdBinNext);
      rdGray.set(toGray(rdBinNext));
    });
    const head = ram.read(rdBin.trunc(addrBits), { enable: fetch });
    outValid.set(fetch.lor(outValid.land(io.out.tready.lnot())));
    io.out.tdata.set(head);
    io.out.tvalid.set(outValid);
    // Entries still in the RAM plus the one in the output register.
    io.rd_level.set(fromGray(wrGrayInRd).sub(rdBin).add(outValid.zext(ptrBits)));
  });
  return io;
}, { width: 16, depth: 16 } as AsyncFifoParams);
