// Hardware type descriptors: scalars, structs (bundles, with flipped fields), vectors.
import type { ScalarType } from './ir.ts';

export class ScalarT implements ScalarType {
  readonly kind = 'scalar' as const;
  constructor(readonly width: number, readonly signed: boolean) {
    if (!Number.isInteger(width) || width < 1) throw new Error(`a bit-vector width must be a positive integer, got ${width}`);
  }
  toString() { return this.width === 1 && !this.signed ? 'Bool' : `${this.signed ? 'SInt' : 'UInt'}(${this.width})`; }
}

/** A field whose direction is reversed relative to its bundle (tready in a stream). */
export class FlipT<T extends HwType = HwType> {
  readonly kind = 'flip' as const;
  constructor(readonly inner: T) {}
}

export type Fields = { readonly [name: string]: HwType };

export class StructT<F extends Fields = Fields> {
  readonly kind = 'struct' as const;
  constructor(readonly fields: F) {}
}

export class VecT<E extends HwType = HwType> {
  readonly kind = 'vec' as const;
  constructor(readonly elem: E, readonly length: number) {
    if (!Number.isInteger(length) || length < 1) throw new Error(`a vector length must be a positive integer, got ${length}`);
  }
}

export type HwType = ScalarT | StructT<any> | VecT<any> | FlipT<any>;

export const UInt = (width: number) => new ScalarT(width, false);
export const SInt = (width: number) => new ScalarT(width, true);
export const Bool = new ScalarT(1, false);
export const Struct = <F extends Fields>(fields: F) => new StructT(fields);
export const Vec = <E extends HwType>(elem: E, length: number) => new VecT(elem, length);
export const Flip = <T extends HwType>(t: T) => new FlipT(t);

/** Total bit width of a type (flipped fields included). */
export function bitWidth(t: HwType): number {
  switch (t.kind) {
    case 'scalar': return t.width;
    case 'flip': return bitWidth(t.inner);
    case 'vec': return t.length * bitWidth(t.elem);
    case 'struct': return Object.values(t.fields as Fields).reduce((s, f) => s + bitWidth(f), 0);
  }
}

/** The scalar leaves of a type in declaration order, with their path and whether they are flipped. */
export function leaves(t: HwType, path: (string | number)[] = [], flipped = false): { path: (string | number)[]; type: ScalarT; flipped: boolean }[] {
  switch (t.kind) {
    case 'scalar': return [{ path, type: t, flipped }];
    case 'flip': return leaves(t.inner, path, !flipped);
    case 'vec': return Array.from({ length: t.length }, (_, i) => leaves(t.elem, [...path, i], flipped)).flat();
    case 'struct': return Object.entries(t.fields as Fields).flatMap(([k, f]) => leaves(f, [...path, k], flipped));
  }
}
