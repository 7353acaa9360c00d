// The layouts of layouts.ts in hardware: a layout's fields as a struct type for ports, slicing the fields out of
// a fetched descriptor, and packing field values into the bytes written to host memory.
import { UInt, cat, lit, type ScalarT, type Sig, type SigLike } from '../../dsl/index.ts';
import type { FieldName, Layout } from './layouts.ts';

/** The fields of `l` (all but `omit`) as struct fields of their widths, for Struct({...}) port bundles. */
export function layoutFields<L extends Layout, O extends FieldName<L> = never>(l: L, omit: readonly O[] = []): Record<Exclude<FieldName<L>, O>, ScalarT> {
  return Object.fromEntries(l.fields.filter((f) => !(omit as readonly string[]).includes(f.name)).map((f) => [f.name, UInt(f.width)])) as Record<Exclude<FieldName<L>, O>, ScalarT>;
}

/** The fields of `l` sliced out of `bits`, where byte 0 of the layout is bits[7:0] (little-endian). */
export function unpackLayout<L extends Layout>(l: L, bits: Sig): Record<FieldName<L>, Sig> {
  if (bits.width !== l.bytes * 8) throw new Error(`unpackLayout(${l.name}): ${bits.width} bits, the layout has ${l.bytes * 8}`);
  return Object.fromEntries(l.fields.map((f) => [f.name, bits.slice(f.offset + f.width - 1, f.offset)])) as Record<FieldName<L>, Sig>;
}

/** The bytes of `l` as one vector with `values` in their fields (absent fields and gaps are zero). */
export function packLayout<L extends Layout>(l: L, values: Partial<Record<FieldName<L>, SigLike>>): Sig {
  const parts: Sig[] = [];
  let top = l.bytes * 8; // bits above this are already placed
  const sorted = [...l.fields].sort((a, b) => b.offset - a.offset);
  for (const f of sorted) {
    const v = values[f.name as FieldName<L>];
    if (v === undefined) continue;
    const end = f.offset + f.width;
    if (end < top) parts.push(lit(0, UInt(top - end)));
    const s = typeof v === 'object' ? v : lit(v, UInt(f.width));
    if (s.width !== f.width) throw new Error(`packLayout(${l.name}): field ${f.name} is ${f.width} bits, got ${s.width}`);
    parts.push(s);
    top = f.offset;
  }
  if (top > 0) parts.push(lit(0, UInt(top)));
  return cat(...parts);
}
