// The firmware bus records: codes unique, widths within 32 bits, packing into 128-bit words round-trips,
// out-of-range values refused.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  command, COMMAND_DEFS, event, EVENT_DEFS, packRecord, recordWords, unpackRecord, type CommandKind, type EventKind,
} from '../../firmware/api.ts';

const spaces = [['event', EVENT_DEFS], ['command', COMMAND_DEFS]] as const;

describe('firmware api records', () => {
  it.each(spaces)('%s codes are unique and fit 6 bits; fields are 1..32 bits', (_, defs) => {
    const codes = Object.values(defs).map((d) => d.code);
    expect(new Set(codes).size).toBe(codes.length);
    for (const d of Object.values(defs)) {
      expect(d.code).toBeGreaterThan(0);
      expect(d.code).toBeLessThan(64);
      for (const w of Object.values(d.fields) as number[]) { expect(w).toBeGreaterThanOrEqual(1); expect(w).toBeLessThanOrEqual(32); }
    }
  });

  it.each(spaces)('every %s packs into 128-bit words and unpacks to itself', (space, defs) => {
    const sizes: string[] = [];
    for (const [kind, d] of Object.entries(defs)) {
      sizes.push(`${kind}:${recordWords(kind as EventKind | CommandKind)}`);
      const arb = fc.record(Object.fromEntries(Object.entries(d.fields).map(([f, w]) => [f, fc.integer({ min: 0, max: 2 ** (w as number) - 1 })])));
      fc.assert(fc.property(arb, (fields) => {
        const rec = space === 'event' ? event(kind as EventKind, fields as never) : command(kind as CommandKind, fields as never);
        const words = packRecord(rec, space);
        expect(words.length).toBe(recordWords(rec.kind));
        for (const w of words) expect(w < 1n << 128n).toBe(true);
        expect(unpackRecord(words, space)).toEqual(rec);
      }), { numRuns: 50, seed: 42 });
    }
    expect(sizes.length).toBeGreaterThan(5);
  });

  it('refuses a value that does not fit its field, and a field that does not exist', () => {
    expect(() => command('TX_SEG', { conn: 1, seq: -1 })).toThrow(/does not fit in 32/);
    expect(() => command('TIMER_SET', { timer: 4 })).toThrow(/does not fit in 2/);
    expect(() => event('ACK', { conn: 0x10000 })).toThrow(/conn/);
    expect(() => command('TX_ACK', { conn: 1, bogus: 1 } as never)).toThrow(/no field 'bogus'/);
  });

  it('the records the hot path uses fit one bus word', () => {
    expect(recordWords('ACK')).toBe(1);
    expect(recordWords('TX_SEG')).toBe(1);
    expect(recordWords('TX_ACK')).toBe(1);
    expect(recordWords('TIMER_SET')).toBe(1);
    expect(recordWords('SEG')).toBeLessThanOrEqual(3);
  });
});
