import { defineModule, input, output, Bool, UInt, Stream, when, mux, clog2 } from '../dsl/index.ts';

export interface RingBufferParams {
  /** Bits per entry (8 for a byte ring). */
  width: number;
  /** Entries: a power of two >= 2. */
  depth: number;
}

/**
 * A RAM-backed ring with random-access reads, the shape of a TCP send buffer: bytes are appended at the write
 * pointer, read at any offset from the read pointer (e.g. for retransmission), and freed in bulk by advancing the
 * read pointer (e.g. when acknowledged).
 *
 * - append: AXI4-Stream sink in_*; in_tready is low while the ring is full.
 * - read: rd_req with rd_offset reads the entry at rd_ptr + rd_offset; rd_data appears the next cycle with
 *   rd_valid high if rd_offset was below the occupancy when requested (the RAM's synchronous read port).
 * - free: free_en with free_count moves rd_ptr forward by min(free_count, count).
 * - wr_ptr / rd_ptr are free-running (one bit wider than the address, wrapping), so count = wr_ptr - rd_ptr.
 * Appending and freeing in the same cycle both take effect.
 */
export const RingBuffer = defineModule('ring_buffer', (m, p: RingBufferParams) => {
  if (!Number.isInteger(p.depth) || p.depth < 2 || (p.depth & (p.depth - 1)) !== 0) {
    throw new Error(`ring_buffer: depth must be a power of two >= 2, got ${p.depth}`);
  }
  const addrBits = clog2(p.depth);
  const ptrBits = addrBits + 1;
  const io = m.io({
    in: input(Stream(p.width, { keep: false, last: false })),
    rd_req: input(Bool),
    rd_offset: input(UInt(addrBits)),
    rd_data: output(UInt(p.width)),
    rd_valid: output(Bool),
    free_en: input(Bool),
    free_count: input(UInt(ptrBits)),
    count: output(UInt(ptrBits)),
    wr_ptr: output(UInt(ptrBits)),
    rd_ptr: output(UInt(ptrBits)),
    full: output(Bool),
    empty: output(Bool),
  });
  const ring = m.memory(p.width, p.depth);
  const wrPtr = m.reg(UInt(ptrBits), { reset: 0 });
  const rdPtr = m.reg(UInt(ptrBits), { reset: 0 });
  const readValid = m.reg(Bool, { reset: false });

  const occupancy = wrPtr.sub(rdPtr);
  const isFull = occupancy.eq(p.depth);
  const push = io.in.tvalid.land(isFull.lnot());
  ring.write(wrPtr.trunc(addrBits), io.in.tdata, { enable: push });
  when(push, () => wrPtr.set(wrPtr.add(1)));

  const freed = mux(io.free_count.gt(occupancy), occupancy, io.free_count);
  when(io.free_en, () => rdPtr.set(rdPtr.add(freed)));

  const readAddr = rdPtr.add(io.rd_offset.zext(ptrBits)).trunc(addrBits);
  const readData = ring.read(readAddr, { enable: io.rd_req });
  readValid.set(io.rd_req.land(io.rd_offset.zext(ptrBits).lt(occupancy)));

  io.in.tready.set(isFull.lnot());
  io.rd_data.set(readData);
  io.rd_valid.set(readValid);
  io.count.set(occupancy);
  io.wr_ptr.set(wrPtr);
  io.rd_ptr.set(rdPtr);
  io.full.set(isFull);
  io.empty.set(occupancy.eq(0));
  return io;
}, { width: 8, depth: 256 } as RingBufferParams);
