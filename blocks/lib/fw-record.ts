// firmware/api.ts records in hardware: an event packed into a firmware-bus queue entry, a command entry sliced
// into its fields. The layout is api.ts's own (recordLayout), so the RTL, the firmware and the TS model agree by
// construction; test/lib/fw-record.test.ts checks the RTL against packRecord/unpackRecord.
import { UInt, cat, lit, type Sig, type SigLike } from '../../dsl/index.ts';
import {
  COMMAND_DEFS, EVENT_DEFS, RECORD_KIND_BITS, entryBits, recordCode, recordLayout, type CommandKind, type EventKind,
} from '../../firmware/api.ts';

type FieldsOf<T extends Record<string, { fields: Record<string, number> }>, K extends keyof T> = keyof T[K]['fields'] & string;
export type EventFieldName<K extends EventKind> = FieldsOf<typeof EVENT_DEFS, K>;
export type CommandFieldName<K extends CommandKind> = FieldsOf<typeof COMMAND_DEFS, K>;

/** Bits of an event queue entry / a command queue entry (the widest record of each space). */
export const EVENT_ENTRY_BITS = entryBits('event');
export const COMMAND_ENTRY_BITS = entryBits('command');

function pack(kind: EventKind | CommandKind, space: 'event' | 'command', bits: number, values: Record<string, SigLike | undefined>): Sig {
  const fields = [{ name: '(kind)', offset: 0, width: RECORD_KIND_BITS }, ...recordLayout(kind, space)];
  const known = new Set(fields.map((f) => f.name));
  for (const name of Object.keys(values)) {
    if (!known.has(name)) throw new Error(`fw record ${kind} has no field '${name}'`);
  }
  const parts: Sig[] = [];
  let top = bits;
  for (const f of [...fields].sort((a, b) => b.offset - a.offset)) {
    const v = f.name === '(kind)' ? recordCode(kind, space) : values[f.name];
    if (v === undefined) continue;
    const end = f.offset + f.width;
    if (end < top) parts.push(lit(0, UInt(top - end)));
    const s = typeof v === 'object' ? v : lit(v, UInt(f.width));
    if (s.width > f.width) throw new Error(`fw record ${kind}.${f.name} is ${f.width} bits, got a ${s.width}-bit signal`);
    // Narrower signals (a 6-bit index into a 16-bit conn field) are zero-extended.
    if (s.width < f.width) parts.push(lit(0, UInt(f.width - s.width)));
    parts.push(s);
    top = f.offset;
  }
  if (top > 0) parts.push(lit(0, UInt(top)));
  return cat(...parts);
}

/** An event as a queue entry (EVENT_ENTRY_BITS wide): kind code in bits 5..0, absent fields zero. */
export function packEvent<K extends EventKind>(kind: K, values: Partial<Record<EventFieldName<K>, SigLike>>): Sig {
  return pack(kind, 'event', EVENT_ENTRY_BITS, values as Record<string, SigLike>);
}

/** A command as a queue entry (COMMAND_ENTRY_BITS wide); for tests and loopback paths. */
export function packCommand<K extends CommandKind>(kind: K, values: Partial<Record<CommandFieldName<K>, SigLike>>): Sig {
  return pack(kind, 'command', COMMAND_ENTRY_BITS, values as Record<string, SigLike>);
}

/** The kind code of an entry (bits 5..0). */
export const entryCode = (entry: Sig): Sig => entry.slice(RECORD_KIND_BITS - 1, 0);

/** Does `entry` hold a record of this kind (of the event / command space)? */
export const isEventKind = (entry: Sig, kind: EventKind): Sig => entryCode(entry).eq(recordCode(kind, 'event'));
export const isCommandKind = (entry: Sig, kind: CommandKind): Sig => entryCode(entry).eq(recordCode(kind, 'command'));

/** The fields of a `kind` command sliced out of a command entry (meaningful when isKind(entry, kind)). */
export function unpackCommand<K extends CommandKind>(kind: K, entry: Sig): Record<CommandFieldName<K>, Sig> {
  return unpackFields(kind, 'command', entry) as Record<CommandFieldName<K>, Sig>;
}

/** The fields of a `kind` event sliced out of an event entry. */
export function unpackEvent<K extends EventKind>(kind: K, entry: Sig): Record<EventFieldName<K>, Sig> {
  return unpackFields(kind, 'event', entry) as Record<EventFieldName<K>, Sig>;
}

function unpackFields(kind: EventKind | CommandKind, space: 'event' | 'command', entry: Sig): Record<string, Sig> {
  return Object.fromEntries(recordLayout(kind, space).map((f) => {
    if (f.offset + f.width > entry.width) throw new Error(`fw record ${kind}.${f.name} lies beyond a ${entry.width}-bit entry`);
    return [f.name, entry.slice(f.offset + f.width - 1, f.offset)];
  }));
}
