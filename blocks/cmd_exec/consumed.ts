// Bytes the host has consumed per connection (host_glue's rx_read pulses, which have no ready), waiting for
// cmd_exec to open the connection's receive window.
//
// A memory of per-connection sums plus a pending bit per connection (registers). A sum is meaningful only while
// its pending bit is set, so taking a connection's bytes (or forgetting them on CONN_DELETE) only clears the bit:
// the memory has a single write port, used by the accumulation alone, and a pulse is never refused or delayed.
//
//   pulse at t ──► read A (sync) ──► t+1: base = pending ? (forwarded sum | memory) : 0; write base + len; set bit
//   take at T  ──► read B (sync) ──► T+1: taken = forwarded sum | memory; the bit is cleared at the end of T
//
// A take at cycle T holds every pulse of cycles < T (the one still in the pipeline arrives by forwarding); a pulse
// at T or later starts a new sum. A clear at cycle X drops the pulses of cycles < X.
import { Bool, UInt, lit, mux, when, type ModuleBuilder, type Sig } from '../../dsl/index.ts';

export interface ConsumedIo {
  /** host_glue's pulse: `len` bytes of connection `conn` consumed (conn already checked against the table size). */
  read: { valid: Sig; conn: Sig; len: Sig };
  /** Take the picked connection's bytes (only while pickValid). */
  take: { valid: Sig };
  /** Forget connection `conn`'s bytes (its CONN_DELETE). */
  clear: { valid: Sig; conn: Sig };
}

export function consumedBytes(m: ModuleBuilder, conns: number, connBits: number, io: ConsumedIo) {
  const sums = m.memory(32, conns, { name: 'consumed_sum' });
  const pending = m.reg(UInt(conns), { reset: 0, name: 'consumed_pending' });
  const one = (c: Sig) => lit(1, UInt(conns)).shl(c);
  const pickConn = m.reg(UInt(connBits), { reset: 0, name: 'consumed_pick' });

  // Accumulation: stage 1 adds to the sum read from the memory (or forwarded from stage 2, written last edge).
  const s1 = { valid: m.reg(Bool, { reset: false, name: 'consumed_s1_valid' }), conn: m.reg(UInt(connBits), { reset: 0, name: 'consumed_s1_conn' }), len: m.reg(UInt(32), { reset: 0, name: 'consumed_s1_len' }) };
  const s2 = { valid: m.reg(Bool, { reset: false, name: 'consumed_s2_valid' }), conn: m.reg(UInt(connBits), { reset: 0, name: 'consumed_s2_conn' }), sum: m.reg(UInt(32), { reset: 0, name: 'consumed_s2_sum' }) };
  const readConn = io.read.conn.trunc(connBits);
  const memA = sums.read(readConn);
  s1.valid.set(io.read.valid);
  s1.conn.set(readConn);
  s1.len.set(io.read.len);
  const fwd = (c: Sig) => s2.valid.land(s2.conn.eq(c));
  const base = mux(pending.bit(s1.conn), mux(fwd(s1.conn), s2.sum, memA), lit(0, UInt(32)));
  const wide = base.zext(33).add(s1.len.zext(33));
  const sum = mux(wide.bit(32), lit(0xffffffff, UInt(32)), wide.trunc(32)); // saturates (never reached in practice)
  when(s1.valid, () => sums.write(s1.conn, sum));
  s2.valid.set(s1.valid);
  s2.conn.set(s1.conn);
  s2.sum.set(sum);

  // Take: the sum appears the next cycle.
  const takeConn = m.reg(UInt(connBits), { reset: 0, name: 'consumed_take_conn' });
  const memB = sums.read(pickConn);
  when(io.take.valid, () => takeConn.set(pickConn));
  const taken = mux(fwd(takeConn), s2.sum, memB);

  // Pending bits: set by stage 1, cleared by a take or a clear (which win: a take's bytes include stage 1's).
  const set = mux(s1.valid, one(s1.conn), lit(0, UInt(conns)));
  const clr = mux(io.take.valid, one(pickConn), lit(0, UInt(conns))).or(mux(io.clear.valid, one(io.clear.conn), lit(0, UInt(conns))));
  pending.set(pending.or(set).and(clr.not()));

  // The next connection to serve: a pointer that stops on a pending connection and moves on past it once taken,
  // one connection per cycle (round-robin; cheaper than a 64-way priority pick, and at most `conns` cycles to find
  // one, while cmd_exec is usually busy for longer with a command anyway).
  const pickValid = pending.bit(pickConn);
  const nextConn = conns === 2 ** connBits ? pickConn.add(1) : mux(pickConn.eq(conns - 1), lit(0, UInt(connBits)), pickConn.add(1));
  when(pickValid.lnot().lor(io.take.valid), () => pickConn.set(nextConn));
  return { pickValid, pickConn, taken };
}
