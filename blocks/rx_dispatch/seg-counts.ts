// Per-connection count of SEG events posted to the RX core and not yet popped by it (the model's fwSegsQueued):
// cmd_exec refuses RX_MODE = FAST while a connection has any.
import { Bool, UInt, lit, mux, type ModuleBuilder, type Sig } from '../../dsl/index.ts';

/** One register per connection; +1 on `inc` (conn incConn), -1 on `dec` (conn decConn, never below zero). */
export function segCounts(m: ModuleBuilder, conns: number, bits: number, inc: Sig, incConn: Sig, dec: Sig, decConn: Sig) {
  const counts: Sig[] = [];
  for (let c = 0; c < conns; c++) {
    const n = m.reg(UInt(bits), { reset: 0, name: `segs_queued_${c}` });
    const up = inc.land(incConn.eq(c)).land(n.ne(2 ** bits - 1));
    const down = dec.land(decConn.eq(c)).land(n.ne(0));
    n.set(mux(up.land(down.lnot()), n.add(1), mux(down.land(up.lnot()), n.sub(1), n)));
    counts.push(n);
  }
  /** The count of connection `conn` (zero for a number out of range): a mux tree on its bits. */
  const query = (conn: Sig): Sig => {
    let level = counts;
    for (let b = 0; level.length > 1; b++) {
      const next: Sig[] = [];
      for (let i = 0; i < level.length; i += 2) next.push(mux(conn.bit(b), level[i + 1] ?? lit(0, UInt(bits)), level[i]!));
      level = next;
    }
    const idxBits = Math.ceil(Math.log2(conns));
    const inRange = conn.width > idxBits ? conn.slice(conn.width - 1, idxBits).orR().lnot() : lit(true, Bool);
    return mux(inRange, level[0]!, lit(0, UInt(bits)));
  };
  return { query };
}
