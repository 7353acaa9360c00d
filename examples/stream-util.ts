// Small helpers shared by the stream examples: a stream's payload fields, and wiring one stream to another.
import { Struct, type HwType, type Sig, type StructT, type Wire } from '../dsl/index.ts';

/** The payload fields of an AXI4-Stream bundle value: everything but tvalid and tready, in declaration order. */
export function payloadKeys(stream: object): string[] {
  return Object.keys(stream).filter((k) => k !== 'tvalid' && k !== 'tready');
}

/** The type of a stream's payload (tdata, tkeep, tlast, tuser: whichever it has), for registers that hold a beat. */
export function payloadType(streamType: StructT): StructT {
  const fields = Object.entries(streamType.fields as Record<string, HwType>).filter(([k]) => k !== 'tvalid' && k !== 'tready');
  return Struct(Object.fromEntries(fields));
}

/** Copies every payload field of `from` into the assignable fields of `to` (a register set or an output bundle). */
export function setPayload(to: object, from: object): void {
  const dst = to as Record<string, Wire>;
  const src = from as Record<string, Sig>;
  for (const k of payloadKeys(to)) dst[k]!.set(src[k]!);
}

/**
 * Connects a stream source (payload and tvalid readable, tready assignable: an input bundle, or an instance's
 * output bundle) to a sink (payload and tvalid assignable, tready readable: an output bundle, or an instance's input).
 */
export function connectStream(sink: object, source: object): void {
  const dst = sink as Record<string, Wire>;
  const src = source as Record<string, Wire>;
  for (const k of Object.keys(dst)) {
    if (!(k in src)) throw new Error(`connectStream: the source has no '${k}'`);
    if (k === 'tready') src.tready!.set(dst.tready!);
    else dst[k]!.set(src[k]!);
  }
}

/** Narrows a stream bundle value declared with keep and last on, so tkeep and tlast need no `!`. */
export function withKeepLast<S extends { tkeep?: unknown; tlast?: unknown }>(s: S): S & { tkeep: NonNullable<S['tkeep']>; tlast: NonNullable<S['tlast']> } {
  if (s.tkeep === undefined || s.tlast === undefined) throw new Error('withKeepLast: the stream has no tkeep or no tlast');
  return s as S & { tkeep: NonNullable<S['tkeep']>; tlast: NonNullable<S['tlast']> };
}
