// The firmware bus's parameters and the values derived from them.
import { MAX_WORDS, wordsFor } from './regmap.ts';

export interface FwBusParams {
  /** Bits of one event (hardware -> firmware), 1..512. */
  eventBits: number;
  /** Bits of one command (firmware -> hardware), 1..512. */
  commandBits: number;
  /** Event queue entries: a power of two >= 2 (RAM-backed; Yosys maps large queues to block RAM). */
  eventDepth: number;
  /** Command queue entries: a power of two >= 2. */
  commandDepth: number;
  /** Cycles a window access may take, from the request to the response, before it is answered SLVERR. */
  windowTimeout: number;
  /** Width of each statistics counter (they wrap). */
  counterBits: number;
}

export const defaultFwBusParams: FwBusParams = {
  eventBits: 128, commandBits: 128, eventDepth: 16, commandDepth: 16, windowTimeout: 256, counterBits: 32,
};

const pow2 = (n: number) => Number.isInteger(n) && n >= 2 && (n & (n - 1)) === 0;

/** Throws a message naming the bad parameter. */
export function checkFwBusParams(p: FwBusParams): void {
  const bad = (what: string) => { throw new Error(`fw_bus: ${what}`); };
  for (const k of ['eventBits', 'commandBits'] as const) {
    if (!Number.isInteger(p[k]) || p[k] < 1 || wordsFor(p[k]) > MAX_WORDS) bad(`${k} must be 1..${32 * MAX_WORDS}, got ${p[k]}`);
  }
  for (const k of ['eventDepth', 'commandDepth'] as const) {
    if (!pow2(p[k]) || p[k] > 1 << 16) bad(`${k} must be a power of two in 2..65536, got ${p[k]}`);
  }
  if (!Number.isInteger(p.windowTimeout) || p.windowTimeout < 2 || p.windowTimeout > 1 << 20) bad(`windowTimeout must be 2..${1 << 20} cycles, got ${p.windowTimeout}`);
  if (!Number.isInteger(p.counterBits) || p.counterBits < 1 || p.counterBits > 32) bad(`counterBits must be 1..32, got ${p.counterBits}`);
}
