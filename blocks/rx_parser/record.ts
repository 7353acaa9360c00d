// Packing a record of named fields into one bit vector (for a FIFO's memory) and back.
import { cat, type Sig } from '../../dsl/index.ts';
import type { FieldList } from './meta.ts';

/** The fields concatenated, the first field in the most significant bits. */
export function packFields(fields: FieldList, values: Record<string, Sig>): Sig {
  return cat(...fields.map(([name, bits]) => {
    const v = values[name];
    if (!v) throw new Error(`packFields: no value for field '${name}'`);
    if (v.width !== bits) throw new Error(`packFields: field '${name}' is ${bits} bits, the value ${v.width}`);
    return v;
  }));
}

/** The inverse of packFields: each field sliced out of `packed`. */
export function unpackFields(fields: FieldList, packed: Sig): Record<string, Sig> {
  const out: Record<string, Sig> = {};
  let hi = packed.width - 1;
  for (const [name, bits] of fields) {
    out[name] = packed.slice(hi, hi - bits + 1);
    hi -= bits;
  }
  if (hi !== -1) throw new Error(`unpackFields: ${packed.width} bits for fields of ${packed.width - hi - 1}`);
  return out;
}
