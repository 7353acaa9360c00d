// Splitting a transfer into AXI4 bursts: the next burst at a byte address with so many bytes left.
//
// Bursts end at multiples of `burstBytes` (a power of two that divides 4 KiB), so none crosses a 4 KiB boundary
// and none is longer than burstBytes / beatBytes beats. Addresses are presented beat-aligned; the bytes before
// the transfer's start and after its end are masked (write strobes) or dropped (read data) by the realigner.
import { UInt, lit, mux, type Sig } from '../../dsl/index.ts';

export interface Burst {
  /** Bytes this burst moves (width of `remaining`). */
  chunk: Sig;
  /** Beats minus one, for AxLEN. */
  lenField: Sig;
  /** The beat-aligned start address, for AxADDR. */
  alignedAddr: Sig;
  /** This burst finishes the transfer. */
  last: Sig;
}

export const log2 = (n: number): number => {
  const l = Math.log2(n);
  if (!Number.isInteger(l)) throw new Error(`${n} is not a power of two`);
  return l;
};

/** The burst size in bytes for a beat size and a burst-length limit: min(maxBurst beats, 4 KiB). */
export function burstBytesOf(beatBytes: number, maxBurst: number): number {
  log2(maxBurst);
  if (maxBurst > 256) throw new Error(`AXI4 bursts are at most 256 beats, got ${maxBurst}`);
  return Math.min(beatBytes * maxBurst, 4096);
}

export function nextBurst(addr: Sig, remaining: Sig, beatBytes: number, burstBytes: number): Burst {
  const ob = log2(beatBytes), bb = log2(burstBytes);
  if (remaining.width < bb + 1) throw new Error(`nextBurst: a ${remaining.width}-bit length cannot cover a ${burstBytes}-byte burst`);
  const intoBurst = addr.slice(bb - 1, 0).zext(bb + 1);
  const toBoundary = lit(burstBytes, UInt(bb + 1)).sub(intoBurst); // 1..burstBytes
  const toBoundaryWide = toBoundary.zext(remaining.width);
  const last = remaining.le(toBoundaryWide);
  const chunk = mux(last, remaining, toBoundaryWide);
  // beats = (offset in the first beat + chunk + beatBytes - 1) / beatBytes, at most burstBytes / beatBytes.
  const span = addr.slice(ob - 1, 0).zext(bb + 2).add(chunk.trunc(bb + 1).zext(bb + 2)).add(beatBytes - 1);
  const beats = span.slice(bb + 1, ob);
  const lenField = beats.sub(1).zext(Math.max(8, beats.width)).trunc(8);
  const alignedAddr = addr.shr(ob).shl(ob);
  return { chunk, lenField, alignedAddr, last };
}
