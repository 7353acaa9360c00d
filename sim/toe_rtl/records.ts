// Firmware records as the firmware bus carries them: one queue entry (a bigint of entryBits) <-> api.ts records.
import { BUS_WORD_BITS, entryBits, packRecord, unpackRecord, type FwCommand, type FwEvent } from '../../firmware/api.ts';

const WORD_MASK = (1n << BigInt(BUS_WORD_BITS)) - 1n;

/** The event in a popped event-queue entry. */
export function eventOfEntry(entry: bigint): FwEvent {
  const words = Array.from({ length: entryBits('event') / BUS_WORD_BITS }, (_, i) => (entry >> BigInt(BUS_WORD_BITS * i)) & WORD_MASK);
  return unpackRecord(words, 'event') as FwEvent;
}

/** A command as a command-queue entry. */
export function entryOfCommand(cmd: FwCommand): bigint {
  return packRecord(cmd, 'command').reduceRight((acc, w) => (acc << BigInt(BUS_WORD_BITS)) | w, 0n);
}
