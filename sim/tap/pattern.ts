// The seeded byte pattern both ends of a transfer send (the same LCG as test/firmware's harness), so each side
// can name what it should have received by a seed and a length.
export function pattern(n: number, seed: number): Uint8Array {
  const out = new Uint8Array(n);
  let s = seed >>> 0;
  for (let i = 0; i < n; i++) { s = (Math.imul(s, 1664525) + 1013904223) >>> 0; out[i] = s >>> 24; }
  return out;
}
