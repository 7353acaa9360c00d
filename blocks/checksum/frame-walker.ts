// Follows a frame beat by beat on an AXI4-Stream input: the frame offset of the current beat, and the header
// bytes at fixed offsets, readable from the beat that carries them onwards (from tdata in that beat, from a
// capture register after it). Every non-last beat is assumed full (tkeep all ones).
import { UInt, cat, lit, mux, when, type ModuleBuilder, type Sig, type Wire } from '../../dsl/index.ts';
import { sumTree } from './ones-sum.ts';

/** Offsets count up to 2^17 and then stick: past any IPv4 datagram (14 + 65535 bytes) they only need to stay large. */
export const OFFSET_BITS = 18;

/** Checksum units take whole bytes per beat, a power of two of them (so beats start on even frame offsets). */
export function checkWidth(block: string, width: number) {
  if (![8, 16, 32, 64, 128, 256, 512].includes(width)) throw new Error(`${block}: width must be 8, 16, 32, 64, 128, 256 or 512 bits, got ${width}`);
}

export interface FrameWalker {
  /** Frame offset of the current beat's byte 0 (saturates at 2^17). */
  readonly offset: Sig;
  /** High on the frame's first beat. */
  readonly first: Sig;
  /** Bytes in the current beat (popcount of tkeep). */
  readonly count: Sig;
  /** Frame offset just past the current beat: on the last beat, the frame length. */
  readonly end: Sig;
  /**
   * Byte k of the frame: from the current beat if it carries it, else as captured from an earlier beat of this
   * frame. Before its beat arrives it holds an older frame's byte: use it only once the frame is long enough.
   */
  byte(k: number): Sig;
  /** Bytes k .. k+n-1 as a big-endian number. */
  field(k: number, n: number): Sig;
}

/**
 * Creates the offset counter and (on demand) the capture registers. Call at the top level of a module body
 * (not inside when), since byte() creates registers.
 */
export function frameWalker(m: ModuleBuilder, beat: { data: Sig; keep: Sig | undefined; last: Sig; accept: Sig }): FrameWalker {
  const beatBytes = beat.data.width / 8;
  const offset = m.reg(UInt(OFFSET_BITS), { reset: 0 });
  const saturated = offset.bit(OFFSET_BITS - 1);
  const keep = beat.keep ?? lit(1, UInt(1));
  const count = sumTree(Array.from({ length: beatBytes }, (_, i) => keep.bit(i))).zext(OFFSET_BITS);
  const end = offset.add(count);
  when(beat.accept, () => {
    when(beat.last, () => offset.set(0)).elseWhen(saturated.lnot(), () => offset.set(offset.add(beatBytes)));
  });

  const captured = new Map<number, Sig>();
  const inBeat = new Map<number, Sig>(); // beat index -> "the current beat is that one"
  const isBeat = (b: number) => {
    let s = inBeat.get(b);
    if (!s) { s = offset.eq(b * beatBytes).named(`at_beat${b}`); inBeat.set(b, s); }
    return s;
  };
  const byte = (k: number): Sig => {
    let live = captured.get(k);
    if (live) return live;
    const here = isBeat(Math.floor(k / beatBytes));
    const lane = k % beatBytes;
    const fromBeat = beat.data.slice(8 * lane + 7, 8 * lane);
    const capture = beat.accept.land(here).named(`hdr_byte${k}_capture`);
    const held = m.reg(UInt(8), { name: `hdr_byte${k}_held`, enable: capture }) as Wire;
    held.set(fromBeat);
    live = mux(here, fromBeat, held).named(`hdr_byte${k}`);
    captured.set(k, live);
    return live;
  };
  const field = (k: number, n: number) => (n === 1 ? byte(k) : cat(...Array.from({ length: n }, (_, i) => byte(k + i))));
  return { offset, first: offset.eq(0), count, end, byte, field };
}
