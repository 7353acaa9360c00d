// Sequence-number arithmetic modulo 2^32 (RFC 9293 §3.4): what the cores' integer ALU does.
export const seqAdd = (a: number, n: number): number => (a + n) >>> 0;
export const seqDiff = (a: number, b: number): number => (a - b) | 0;
export const seqLt = (a: number, b: number): boolean => seqDiff(a, b) < 0;
export const seqLeq = (a: number, b: number): boolean => seqDiff(a, b) <= 0;
export const seqGt = (a: number, b: number): boolean => seqDiff(a, b) > 0;
export const seqGeq = (a: number, b: number): boolean => seqDiff(a, b) >= 0;
export const seqMax = (a: number, b: number): number => (seqLt(a, b) ? b : a);
