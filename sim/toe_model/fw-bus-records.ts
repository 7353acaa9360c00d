// Events and commands as the RTL firmware bus carries them: one record per queue entry, its 128-bit words
// (firmware/api.ts packRecord) laid side by side in one `recordBits`-wide vector, word 0 in the low bits. The bus
// is instantiated with eventBits = commandBits = the widest record, so a record never spans two entries.
// Firmware reads and writes only the 32-bit register words up to a record's last field: its kind code (bits 5..0
// of word 0) tells it how many.
import {
  BUS_WORD_BITS, COMMAND_DEFS, EVENT_DEFS, command, event, packRecord, recordWords, unpackRecord,
  entryBits, type CommandKind, type EventKind, type FwCommand, type FwEvent,
} from '../../firmware/api.ts';

type Space = 'event' | 'command';
type Defs = Record<string, { code: number; fields: Record<string, number> }>;
const defsOf = (space: Space) => (space === 'event' ? EVENT_DEFS : COMMAND_DEFS) as Defs;

const widest = (space: Space) => entryBits(space) / BUS_WORD_BITS;

/** Bits per event / command entry of the co-simulated firmware bus (3 words x 128 = 384 with today's records). */
export const EVENT_ENTRY_BITS = entryBits('event');
export const COMMAND_ENTRY_BITS = entryBits('command');

const KIND_MASK = 0x3fn;

export function recordToBits(rec: FwEvent | FwCommand, space: Space): bigint {
  let v = 0n;
  packRecord(rec, space).forEach((w, i) => { v |= w << BigInt(i * BUS_WORD_BITS); });
  return v;
}

export function bitsToRecord(bits: bigint, space: Space): FwEvent | FwCommand {
  const mask = (1n << BigInt(BUS_WORD_BITS)) - 1n;
  const words = Array.from({ length: widest(space) }, (_, i) => (bits >> BigInt(i * BUS_WORD_BITS)) & mask);
  return unpackRecord(words, space);
}

const kindByCode = (space: Space) => new Map(Object.entries(defsOf(space)).map(([k, d]) => [d.code, k]));
const eventKinds = kindByCode('event'), commandKinds = kindByCode('command');

/** The record kind a first 32-bit register word names, or undefined for an unknown code. */
export function kindOfWord0(word0: number, space: Space): string | undefined {
  return (space === 'event' ? eventKinds : commandKinds).get(Number(BigInt(word0) & KIND_MASK));
}

const regWordsCache = new Map<string, number>();

/** 32-bit register words a record of this kind occupies, up to the word holding its last field bit. */
export function regWordsOf(kind: string, space: Space): number {
  const key = `${space}:${kind}`;
  const hit = regWordsCache.get(key);
  if (hit !== undefined) return hit;
  // Every field at its maximum: the highest set bit of the packed vector is the record's last field bit.
  const full = Object.fromEntries(Object.entries(defsOf(space)[kind]!.fields).map(([f, w]) => [f, 2 ** w - 1]));
  const rec = space === 'event' ? event(kind as EventKind, full) : command(kind as CommandKind, full);
  const n = Math.ceil(recordToBits(rec, space).toString(2).length / 32);
  regWordsCache.set(key, n);
  return n;
}

/** The 32-bit register word i of a bit vector. */
export const regWord = (bits: bigint, i: number): number => Number((bits >> BigInt(32 * i)) & 0xffff_ffffn);
