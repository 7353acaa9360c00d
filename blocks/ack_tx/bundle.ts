// Helpers for struct-shaped values (a port bundle, a register set): copy, select, pack into one vector and back.
import { Sig, Wire, cat, mux, type HwType } from '../../dsl/index.ts';

/** A struct value: a signal, an array of values (Vec) or an object of values (Struct). */
export type Bundle = Sig | readonly Bundle[] | { readonly [k: string]: Bundle };

/** The fields of `value` named in `fields` (drops valid/ready and anything else). */
export function pick<T extends Record<string, unknown>>(value: Record<string, unknown>, fields: T): { [K in keyof T]: Bundle } {
  return Object.fromEntries(Object.keys(fields).map((k) => {
    if (!(k in value)) throw new Error(`bundle has no field '${k}'`);
    return [k, value[k] as Bundle];
  })) as { [K in keyof T]: Bundle };
}

/** Assigns every leaf of `dst` (registers, wires, outputs) from the same-shaped `src`. */
export function assign(dst: Bundle, src: Bundle): void {
  if (dst instanceof Sig) {
    if (!(src instanceof Sig)) throw new Error('assign: shapes differ');
    (dst as Wire).set(src);
    return;
  }
  if (Array.isArray(dst)) {
    (dst as Bundle[]).forEach((d, i) => assign(d, (src as Bundle[])[i]!));
    return;
  }
  for (const k of Object.keys(dst)) {
    const s = (src as Record<string, Bundle>)[k];
    if (s === undefined) throw new Error(`assign: source has no field '${k}'`);
    assign((dst as Record<string, Bundle>)[k]!, s);
  }
}

/** cond ? a : b, leaf by leaf. */
export function select(cond: Sig, a: Bundle, b: Bundle): Bundle {
  if (a instanceof Sig) return mux(cond, a, b as Sig);
  if (Array.isArray(a)) return (a as Bundle[]).map((x, i) => select(cond, x, (b as Bundle[])[i]!));
  return Object.fromEntries(Object.keys(a).map((k) => [k, select(cond, (a as Record<string, Bundle>)[k]!, (b as Record<string, Bundle>)[k]!)]));
}

function leaves(v: Bundle, out: Sig[] = []): Sig[] {
  if (v instanceof Sig) out.push(v);
  else if (Array.isArray(v)) for (const x of v as Bundle[]) leaves(x, out);
  else for (const k of Object.keys(v)) leaves((v as Record<string, Bundle>)[k]!, out);
  return out;
}

/** All leaves in one vector, the first field most significant. */
export function pack(v: Bundle): Sig {
  return cat(...leaves(v));
}

/** Total bits of a field map. */
export function fieldBits(fields: Record<string, HwType>): number {
  const bits = (t: HwType): number => {
    switch (t.kind) {
      case 'scalar': return t.width;
      case 'flip': return bits(t.inner);
      case 'vec': return t.length * bits(t.elem);
      case 'struct': return Object.values(t.fields as Record<string, HwType>).reduce((s, f) => s + bits(f), 0);
    }
  };
  return Object.values(fields).reduce((s, f) => s + bits(f), 0);
}

/** The inverse of pack(): slices `bits` into a value shaped like `fields`, each leaf named prefix_path. */
export function unpack(fields: Record<string, HwType>, bits: Sig, prefix: string): Record<string, Bundle> {
  let hi = bits.width;
  const take = (t: HwType, name: string): Bundle => {
    switch (t.kind) {
      case 'scalar': {
        const s = bits.slice(hi - 1, hi - t.width).named(name);
        hi -= t.width;
        return t.signed ? s.asSInt() : s;
      }
      case 'flip': return take(t.inner, name);
      case 'vec': return Array.from({ length: t.length }, (_, i) => take(t.elem, `${name}_${i}`));
      case 'struct': return Object.fromEntries(Object.entries(t.fields as Record<string, HwType>).map(([k, f]) => [k, take(f, `${name}_${k}`)]));
    }
  };
  const out = Object.fromEntries(Object.entries(fields).map(([k, f]) => [k, take(f, `${prefix}_${k}`)]));
  if (hi !== 0) throw new Error(`unpack: ${bits.width} bits for a ${bits.width - hi}-bit layout`);
  return out;
}

/**
 * Wires a valid/ready handshake: `sink` takes valid and the fields, `source` takes ready. Either side may be
 * a port bundle or an instance's bundle (whichever direction is assignable there).
 */
export function connectHandshake(sink: Record<string, unknown>, source: Record<string, unknown>, fields: Record<string, unknown>): void {
  assign(pick(sink, fields) as Bundle, pick(source, fields) as Bundle);
  (sink.valid as Wire).set(source.valid as Sig);
  (source.ready as Wire).set(sink.ready as Sig);
}

export { connectStream } from '../lib/connect.ts';
