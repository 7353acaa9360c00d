// Software codecs for the layouts in layouts.ts: the host model, the driver and the firmware read and write
// descriptors, completions and register bit fields with these, so they agree with the RTL by construction.
import type { FieldName, Layout } from './layouts.ts';

export type FieldValues<L extends Layout> = { [K in FieldName<L>]: bigint };

/** Writes `values` into a fresh buffer of layout.bytes (little-endian; absent fields are zero). Values must fit. */
export function encode<L extends Layout>(l: L, values: Partial<Record<FieldName<L>, number | bigint | boolean>>): Uint8Array {
  const out = new Uint8Array(l.bytes);
  encodeInto(l, out, 0, values);
  return out;
}

export function encodeInto<L extends Layout>(l: L, out: Uint8Array, at: number, values: Partial<Record<FieldName<L>, number | bigint | boolean>>): void {
  for (const [name, raw] of Object.entries(values) as [string, number | bigint | boolean | undefined][]) {
    if (raw === undefined) continue;
    const f = l.fields.find((x) => x.name === name);
    if (!f) throw new Error(`layout ${l.name} has no field '${name}'`);
    const v = BigInt(raw);
    if (v < 0n || v >> BigInt(f.width) !== 0n) throw new Error(`layout ${l.name}: ${name} = ${v} does not fit in ${f.width} bits`);
    for (let b = 0; b < f.width; b++) {
      const bit = f.offset + b, byte = at + (bit >> 3), mask = 1 << (bit & 7);
      if ((v >> BigInt(b)) & 1n) out[byte]! |= mask; else out[byte]! &= ~mask;
    }
  }
}

/** Reads every field of `l` from `bytes` at byte offset `at`. */
export function decode<L extends Layout>(l: L, bytes: Uint8Array, at = 0): FieldValues<L> {
  const out: Record<string, bigint> = {};
  for (const f of l.fields) {
    let v = 0n;
    for (let b = f.width - 1; b >= 0; b--) {
      const bit = f.offset + b;
      v = (v << 1n) | BigInt((bytes[at + (bit >> 3)]! >> (bit & 7)) & 1);
    }
    out[f.name] = v;
  }
  return out as FieldValues<L>;
}

/** A layout of at most 4 bytes (a register's bit fields) as a 32-bit register value. */
export function toWord<L extends Layout>(l: L, values: Partial<Record<FieldName<L>, number | bigint | boolean>>): number {
  const b = encode(l, values);
  return ((b[0] ?? 0) | ((b[1] ?? 0) << 8) | ((b[2] ?? 0) << 16) | ((b[3] ?? 0) << 24)) >>> 0;
}

export function fromWord<L extends Layout>(l: L, word: number): FieldValues<L> {
  return decode(l, Uint8Array.of(word & 0xff, (word >>> 8) & 0xff, (word >>> 16) & 0xff, (word >>> 24) & 0xff));
}
