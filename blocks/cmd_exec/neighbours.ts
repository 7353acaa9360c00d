// The neighbour table: IPv4 -> MAC pairs learned from accepted frames (rx_dispatch's learn_* port), in
// registers, searched in one cycle. A known IP updates its entry in place; a new one replaces the entries
// round-robin (oldest first).
import { Bool, UInt, Vec, Struct, lit, mux, when, type ModuleBuilder, type Sig } from '../../dsl/index.ts';

export function neighbourTable(m: ModuleBuilder, entries: number, bits: number, learn: { valid: Sig; ip: Sig; mac: Sig }) {
  const table = m.reg(Vec(Struct({ ip: UInt(32), mac: UInt(48) }), entries), { name: 'nbr' });
  const valid = m.reg(UInt(entries), { reset: 0, name: 'nbr_valid' });
  const next = m.reg(UInt(bits), { reset: 0, name: 'nbr_next' });
  const hits = (ip: Sig) => table.map((e, i) => valid.bit(i).land(e.ip.eq(ip)));
  const learnHits = hits(learn.ip);
  const known = learnHits.reduce((a, b) => a.lor(b));
  table.forEach((e, i) => {
    when(learn.valid.land(learnHits[i]!.lor(known.lnot().land(next.eq(i)))), () => { e.ip.set(learn.ip); e.mac.set(learn.mac); });
  });
  when(learn.valid.land(known.lnot()), () => {
    valid.set(valid.or(lit(1, UInt(entries)).shl(next)));
    next.set(entries === 2 ** bits ? next.add(1) : mux(next.eq(entries - 1), lit(0, UInt(bits)), next.add(1)));
  });
  /** The MAC of `ip`, combinationally. */
  return (ip: Sig): { hit: Sig; mac: Sig } => {
    const h = hits(ip);
    // IPs are unique in the table (learning updates in place), so at most one entry hits: an AND-OR select.
    const mac = h.map((b, i) => mux(b, table[i]!.mac, lit(0, UInt(48)))).reduce((a, b) => a.or(b));
    return { hit: h.reduce((a, b) => a.lor(b), lit(false, Bool)), mac };
  };
}
