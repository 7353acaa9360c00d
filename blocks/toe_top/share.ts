// Wiring helpers for toe_top: bundles (instance ports: nested objects and arrays of signals) connected leaf by
// leaf, and one valid/ready request port shared by several client blocks. Shared requests go through a
// round-robin Merge; a response that follows its request by a fixed number of cycles is routed back to the
// client whose request it answers by a delay line of the grant. Used for the skb managers' queue and free ports,
// ack_gen's event port and the cores' event inputs.
import { Bool, Sig, UInt, cat, lit, type Wire } from '../../dsl/index.ts';
import type { ModuleScope } from './scope.ts';
import { Merge } from './merge.ts';

export interface Leaf { path: string; sig: Wire }

/** Every signal of a bundle with its path ('sack.0.left'), in declaration order; `skip` names top-level fields. */
export function leaves(bundle: object, skip: readonly string[] = [], prefix = ''): Leaf[] {
  const out: Leaf[] = [];
  for (const [k, v] of Object.entries(bundle as Record<string, unknown>)) {
    if (!prefix && skip.includes(k)) continue;
    const path = prefix ? `${prefix}.${k}` : k;
    if (v instanceof Sig) out.push({ path, sig: v as Wire });
    else if (v && typeof v === 'object') out.push(...leaves(v, [], path));
  }
  return out;
}

/** The leaf at `path` of a bundle, or undefined. */
export function leafAt(bundle: object, path: string): Wire | undefined {
  let v: unknown = bundle;
  for (const k of path.split('.')) v = v && typeof v === 'object' ? (v as Record<string, unknown>)[k] : undefined;
  return v instanceof Sig ? (v as Wire) : undefined;
}

const need = (bundle: object, path: string, what: string): Wire => {
  const w = leafAt(bundle, path);
  if (!w) throw new Error(`toe_top: ${what} has no '${path}'`);
  return w;
};

/**
 * Drives a sink bundle from a source bundle leaf by leaf (the sink's leaves; `ready` / `tready` flow back). Leaves the source
 * has and the sink does not are left alone; `except` sink leaves are not driven.
 */
export function join(sink: object, source: object, what: string, except: readonly string[] = []): void {
  for (const l of leaves(sink)) {
    if (except.includes(l.path)) continue;
    if (l.path === 'ready' || l.path === 'tready') need(source, l.path, `${what} source`).set(l.sig);
    else l.sig.set(need(source, l.path, `${what} source`));
  }
}

export interface SharedPort {
  name: string;
  /** The shared block's request port: valid, ready (unless `alwaysReady`) and payload leaves. */
  target: object;
  /** The clients' request ports (valid, ready, the target's payload leaves). */
  clients: object[];
  /** The target takes a request whenever it is valid (no ready leaf): clients still get a ready. */
  alwaysReady?: boolean;
  /** Target outputs besides ready given with the handshake (e.g. alloc's id): broadcast to every client. */
  echoes?: readonly string[];
  /** The response port, `latency` cycles after the accepted request (no ready: the client must take it). */
  response?: { target: object; clients: (object | undefined)[]; latency: number };
}

/** Wires a shared port; with one client it is a straight connection. */
export function share(m: ModuleScope, s: SharedPort): void {
  const payload = leaves(s.target, ['valid', 'ready', ...(s.echoes ?? [])]);
  const tValid = need(s.target, 'valid', s.name);
  const tReady: Sig = s.alwaysReady ? lit(true, Bool) : need(s.target, 'ready', s.name);
  const n = s.clients.length;
  let grantDelayed: Sig | undefined;
  if (n === 1) {
    const c = s.clients[0]!;
    tValid.set(need(c, 'valid', s.name));
    need(c, 'ready', s.name).set(tReady);
    for (const l of payload) l.sig.set(need(c, l.path, s.name));
  } else {
    const width = payload.reduce((a, l) => a + l.sig.width, 0);
    const merge = m.instance(Merge, { n, width }, { name: `${s.name}_share` });
    merge.in_valid.set(cat(...[...s.clients].reverse().map((c) => need(c, 'valid', s.name))));
    merge.in_data.set(cat(...[...s.clients].reverse().map((c) => cat(...payload.map((l) => need(c, l.path, s.name))))));
    tValid.set(merge.out_valid);
    merge.out_ready.set(tReady);
    let bit = width;
    for (const l of payload) { l.sig.set(merge.out_data.slice(bit - 1, bit - l.sig.width)); bit -= l.sig.width; }
    s.clients.forEach((c, i) => need(c, 'ready', s.name).set(merge.in_ready.bit(i)));
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
  for (const e of s.echoes ?? []) for (const c of s.clients) need(c, e, s.name).set(need(s.target, e, s.name));
  if (s.response) {
    const r = s.response;
    const rValid = need(r.target, 'valid', `${s.name} response`);
    r.clients.forEach((c, i) => {
      if (!c) return;
      // Each client takes the response fields it declares.
      for (const l of leaves(c)) {
        l.sig.set(l.path === 'valid' ? (grantDelayed ? rValid.land(grantDelayed.eq(i)) : rValid) : need(r.target, l.path, `${s.name} response`));
      }
    });
  }
}
