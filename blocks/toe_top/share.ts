// Sharing one valid/ready request port (and its response port, if any) between several client blocks: the
// requests go through a round-robin Merge; a response that follows its request by a fixed number of cycles is
// routed back to the client whose request it answers by a delay line of the grant. Used for the skb managers'
// alloc/free/queue ports, ack_gen's event port and the cores' event inputs.
import { UInt, cat, lit, type Sig, type Wire } from '../../dsl/index.ts';
import type { ModuleScope } from './scope.ts';
import { Merge } from './merge.ts';

/** A port as a field accessor: `f('valid')`, `f('id')`, ... (instance ports, flattened or nested). */
export type PortOf = (field: string) => Wire;

export interface SharedPort {
  name: string;
  /** The shared block's request port (valid/ready + fields). */
  target: PortOf;
  clients: PortOf[];
  /** Request payload fields besides valid/ready, with their widths. */
  fields: readonly (readonly [string, number])[];
  /** Outputs besides ready that the target gives with the handshake (e.g. alloc's id): broadcast to every client. */
  echoes?: readonly string[];
  /** The response port, `latency` cycles after the accepted request (no ready: the client must take it). */
  response?: { target: PortOf; clients: PortOf[]; fields: readonly string[]; latency: number };
}

/** Wires a shared port; with one client it is a straight connection. */
export function share(m: ModuleScope, s: SharedPort): void {
  const n = s.clients.length;
  if (n === 0) {
    s.target('valid').set(false);
    for (const [f, w] of s.fields) s.target(f).set(lit(0, UInt(w)));
    return;
  }
  const width = s.fields.reduce((a, [, w]) => a + w, 0);
  let grantDelayed: Sig | undefined;
  if (n === 1) {
    const c = s.clients[0]!;
    s.target('valid').set(c('valid'));
    c('ready').set(s.target('ready'));
    for (const [f] of s.fields) s.target(f).set(c(f));
  } else {
    const merge = m.instance(Merge, { n, width }, { name: `${s.name}_share` });
    merge.in_valid.set(cat(...[...s.clients].reverse().map((c) => c('valid'))));
    merge.in_data.set(cat(...[...s.clients].reverse().map((c) => cat(...s.fields.map(([f]) => c(f))))));
    s.target('valid').set(merge.out_valid);
    merge.out_ready.set(s.target('ready'));
    let bit = width;
    for (const [f, w] of s.fields) { s.target(f).set(merge.out_data.slice(bit - 1, bit - w)); bit -= w; }
    s.clients.forEach((c, i) => c('ready').set(merge.in_ready.bit(i)));
    if (s.response) {
      let g: Sig = merge.grant;
      for (let k = 0; k < s.response.latency; k++) {
        const r = m.reg(UInt(merge.grant.width), { reset: 0, name: `${s.name}_grant_d${k + 1}` });
        r.set(g);
        g = r;
      }
      grantDelayed = g;
    }
  }
  for (const e of s.echoes ?? []) for (const c of s.clients) c(e).set(s.target(e));
  if (s.response) {
    const r = s.response;
    r.clients.forEach((c, i) => {
      c('valid').set(grantDelayed ? r.target('valid').land(grantDelayed.eq(i)) : r.target('valid'));
      for (const f of r.fields) c(f).set(r.target(f));
    });
  }
}



/**
 * The port `prefix` of an instance (or of the module's own io) as a field accessor, whether its fields were
 * declared nested (`skb_q: { valid, ... }`) or flat (`skb_q_valid`).
 */
export function portOf(inst: object, prefix: string): PortOf {
  const i = inst as Record<string, unknown>;
  const nested = i[prefix] as Record<string, Wire> | undefined;
  return (field: string) => {
    const w = (nested && typeof nested === 'object' && field in nested ? nested[field] : i[`${prefix}_${field}`]) as Wire | undefined;
    if (!w) throw new Error(`toe_top: no port ${prefix}_${field}`);
    return w;
  };
}
