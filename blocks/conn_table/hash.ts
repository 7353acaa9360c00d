// The bucket hash of each bank: H3 (Carter and Wegman's universal family for hardware). Bit j of bank b's
// bucket index is the parity of the 96-bit tuple ANDed with a constant mask M[b][j]: one XOR tree of about 48
// inputs per bit (two LUT6 levels), no carries and no multipliers. The masks come from a seeded PRNG, so each
// bank (and each seed) hashes independently; the RTL and the software model use the same masks.
import { cat, type Sig } from '../../dsl/index.ts';
import { TUPLE_BITS, tupleBits, type Tuple } from './tcb.ts';

const M64 = (1n << 64n) - 1n;

/** splitmix64: a well-mixed 64-bit sequence from a seed. */
function splitmix(state: bigint): { value: bigint; next: bigint } {
  const next = (state + 0x9e3779b97f4a7c15n) & M64;
  let z = next;
  z = ((z ^ (z >> 30n)) * 0xbf58476d1ce4e5b9n) & M64;
  z = ((z ^ (z >> 27n)) * 0x94d049bb133111ebn) & M64;
  return { value: z ^ (z >> 31n), next };
}

/** The H3 masks of one bank: `bits` masks of 96 bits each. */
export function hashMasks(seed: number, bank: number, bits: number): bigint[] {
  let s = (BigInt(seed >>> 0) << 8n) | BigInt(bank);
  const masks: bigint[] = [];
  for (let j = 0; j < bits; j++) {
    let m = 0n;
    for (let k = 0; k < 2; k++) { const r = splitmix(s); s = r.next; m = (m << 64n) | r.value; }
    masks.push(m & ((1n << BigInt(TUPLE_BITS)) - 1n));
  }
  return masks;
}

/** Parity of a value below 2^128, by folding halves. */
function parity(x: bigint): number {
  x ^= x >> 64n;
  let v = Number(BigInt.asUintN(32, x ^ (x >> 32n)));
  v ^= v >>> 16; v ^= v >>> 8; v ^= v >>> 4; v ^= v >>> 2; v ^= v >>> 1;
  return v & 1;
}

/** Software: the bucket of a tuple in one bank. */
export function bucketOf(masks: readonly bigint[], t: Tuple): number {
  const key = tupleBits(t);
  let h = 0;
  masks.forEach((m, j) => { h |= parity(key & m) << j; });
  return h;
}

/** Hardware: the bucket of a 96-bit tuple signal in one bank, UInt(masks.length). */
export function bucketHw(masks: readonly bigint[], tuple: Sig): Sig {
  // One XOR tree per bit; cat takes the most significant bit first.
  const bits = masks.map((m) => tuple.and(m).xorR());
  return cat(...bits.reverse());
}
