// Valid/ready bundles for the host interface's internal and NIC-side ports, and the helpers that wire them.
import { Bool, Flip, Struct, Wire, type HwType, type Sig } from '../../dsl/index.ts';

/** A payload with valid and ready: as output(...) a source, as input(...) a sink (ready is then an output). */
export function Handshake<F extends Record<string, HwType>>(fields: F) {
  return Struct({ ...fields, valid: Bool, ready: Flip(Bool) });
}

/** The payload fields of a handshake bundle value (everything but valid and ready). */
export function payloadOf(hs: object): Record<string, Sig> {
  return Object.fromEntries(Object.entries(hs).filter(([k]) => k !== 'valid' && k !== 'ready')) as Record<string, Sig>;
}

/**
 * Connects a source (payload and valid readable, ready assignable) to a sink (payload and valid assignable,
 * ready readable): instance ports, io ports, or wire bundles. Every field of the sink must exist in the source.
 */
export function connect(sink: object, source: object): void {
  const dst = sink as Record<string, Wire>;
  const src = source as Record<string, Wire>;
  for (const k of Object.keys(dst)) {
    if (!(k in src)) throw new Error(`connect: the source has no '${k}'`);
    if (k === 'ready') src.ready!.set(dst.ready!);
    else dst[k]!.set(src[k]!);
  }
}

/** Drives each named field of `dst` from the same-named field of `src` (plain copy, no handshake rules). */
export function copyFields(dst: object, src: object, names: readonly string[]): void {
  const d = dst as Record<string, Wire>, s = src as Record<string, Sig>;
  for (const k of names) {
    if (!(k in d) || !(k in s)) throw new Error(`copyFields: '${k}' missing`);
    d[k]!.set(s[k]!);
  }
}
