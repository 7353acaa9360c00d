// Round-robin merge of n valid/ready sources of one payload width onto one sink: the TOE's several event sources
// per core, the ack_gen event clients, the shared skb manager ports. A transfer is one beat (an event, a request),
// so the grant may change every cycle; the source after the last one served has priority next.
import { defineModule, input, output, Bool, UInt, clog2, lit, mux, when, type Sig } from '../../dsl/index.ts';

export interface MergeParams {
  /** Sources, 2..8. */
  n: number;
  /** Payload bits. */
  width: number;
}

/**
 * Ports: in_valid[n], in_ready[n] (bit i: source i), in_data[n * width] (source i in bits [w*i+w-1 : w*i]);
 * out_valid/out_ready/out_data; grant[log2 n]: the source offered on out (meaningful while out_valid).
 * out_* depend combinationally on in_valid and the priority register; in_ready on out_ready.
 */
export const Merge = defineModule('merge', (m, p: MergeParams) => {
  if (!Number.isInteger(p.n) || p.n < 2 || p.n > 8) throw new Error(`merge: n must be 2..8, got ${p.n}`);
  const sel = Math.max(1, clog2(p.n));
  const io = m.io({
    in_valid: input(UInt(p.n)),
    in_ready: output(UInt(p.n)),
    in_data: input(UInt(p.n * p.width)),
    out_valid: output(Bool),
    out_ready: input(Bool),
    out_data: output(UInt(p.width)),
    grant: output(UInt(sel)),
  });
  const first = m.reg(UInt(sel), { reset: 0, name: 'first' }); // the source with priority this cycle
  // Offsets 0..n-1 from `first`: the lowest offset with a valid source wins.
  let found: Sig = lit(false, Bool);
  let grant: Sig = lit(0, UInt(sel));
  for (let k = p.n - 1; k >= 0; k--) {
    const idx = wrapAdd(first, k, p.n, sel);
    const v = io.in_valid.bit(idx);
    grant = mux(v, idx, grant);
    found = found.lor(v);
  }
  const grantW = m.wire(UInt(sel), { name: 'granted' });
  grantW.set(grant);
  io.grant.set(grantW);
  io.out_valid.set(found);
  let data: Sig = io.in_data.slice(p.width - 1, 0);
  for (let i = 1; i < p.n; i++) data = mux(grantW.eq(i), io.in_data.slice(p.width * (i + 1) - 1, p.width * i), data);
  io.out_data.set(data);
  const take = found.land(io.out_ready);
  io.in_ready.set(mux(take, lit(1, UInt(p.n)).shl(grantW), lit(0, UInt(p.n))));
  when(take, () => first.set(wrapAdd(grantW, 1, p.n, sel)));
  return io;
});

/** (a + k) mod n for an index a < n, in sel bits. */
function wrapAdd(a: Sig, k: number, n: number, sel: number): Sig {
  if (k === 0) return a;
  const s = a.zext(sel + 1).add(k);
  return mux(s.ge(n), s.sub(n), s).slice(sel - 1, 0);
}
