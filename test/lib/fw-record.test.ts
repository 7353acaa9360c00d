// The RTL record codec (blocks/lib/fw-record.ts) against firmware/api.ts's packRecord / unpackRecord: every event
// kind packed from its field ports, every command kind sliced from an entry, with random field values, on every
// simulator back end.
import { afterAll, describe, expect, it } from 'vitest';
import { defineModule, input, output, mux, UInt, type Sig } from '../../dsl/index.ts';
import { simulate } from '../../sim/harness.ts';
import {
  COMMAND_DEFS, EVENT_DEFS, command, event, packRecord, recordLayout, unpackRecord, type CommandKind, type EventKind,
  type FwCommand, type FwEvent,
} from '../../firmware/api.ts';
import { COMMAND_ENTRY_BITS, EVENT_ENTRY_BITS, isCommandKind, packEvent, unpackCommand } from '../../blocks/lib/fw-record.ts';
import { rng as mulberry32 } from '../rng.ts';
import { simBackends } from '../backends.ts';

const EVENT_KINDS = Object.keys(EVENT_DEFS) as EventKind[];
const COMMAND_KINDS = Object.keys(COMMAND_DEFS) as CommandKind[];
const widest = () => Math.max(...EVENT_KINDS.flatMap((k) => recordLayout(k, 'event').map((f) => f.width)), ...COMMAND_KINDS.flatMap((k) => recordLayout(k, 'command').map((f) => f.width)));

/** One event kind packed from inputs `f_<field>`, selected by `sel`. */
const PackProbe = defineModule('fw_record_pack_probe', (m) => {
  const fieldNames = [...new Set(EVENT_KINDS.flatMap((k) => recordLayout(k, 'event').map((f) => f.name)))];
  const io = m.io({
    sel: input(UInt(6)),
    ...Object.fromEntries(fieldNames.map((n) => [`f_${n}`, input(UInt(32))])),
    entry: output(UInt(EVENT_ENTRY_BITS)),
  } as unknown as Record<string, ReturnType<typeof input>>) as unknown as Record<string, Sig & { set(v: Sig): void }>;
  let out: Sig = packEvent(EVENT_KINDS[0]!, {});
  EVENT_KINDS.forEach((kind, i) => {
    const values = Object.fromEntries(recordLayout(kind, 'event').map((f) => [f.name, io[`f_${f.name}`]!.slice(f.width - 1, 0)]));
    out = mux(io.sel!.eq(i), packEvent(kind, values), out);
  });
  io.entry!.set(out);
  return io;
});

/** Every command kind's fields of an entry, and the kind tests. */
const UnpackProbe = defineModule('fw_record_unpack_probe', (m) => {
  const outs: Record<string, ReturnType<typeof output>> = { entry: input(UInt(COMMAND_ENTRY_BITS)) as never };
  for (const k of COMMAND_KINDS) {
    outs[`is_${k}`] = output(UInt(1));
    for (const f of recordLayout(k, 'command')) outs[`${k}_${f.name}`] = output(UInt(f.width));
  }
  const io = m.io(outs) as unknown as Record<string, Sig & { set(v: Sig): void }>;
  for (const k of COMMAND_KINDS) {
    io[`is_${k}`]!.set(isCommandKind(io.entry!, k));
    const fields = unpackCommand(k, io.entry!) as Record<string, Sig>;
    for (const [name, s] of Object.entries(fields)) io[`${k}_${name}`]!.set(s);
  }
  return io;
});

function randomFields(kind: EventKind | CommandKind, space: 'event' | 'command', rnd: () => number): Record<string, number> {
  return Object.fromEntries(recordLayout(kind, space).map((f) => [f.name, Math.floor(rnd() * 2 ** f.width)]));
}

const words = (entry: bigint, n: number) => Array.from({ length: n }, (_, i) => (entry >> BigInt(128 * i)) & ((1n << 128n) - 1n));

describe.each(simBackends())('fw record codec (%s)', async (backend) => {
  const pack = await simulate(PackProbe, {}, { backend });
  const unpack = await simulate(UnpackProbe, {}, { backend });
  afterAll(() => { pack.close(); unpack.close(); });

  it('fields of at most 32 bits: the probes can carry every field', () => {
    expect(widest()).toBeLessThanOrEqual(32);
  });

  it('packEvent lays every event kind out as packRecord does', () => {
    const rnd = mulberry32(7);
    for (let round = 0; round < 20; round++) {
      EVENT_KINDS.forEach((kind, i) => {
        const values = randomFields(kind, 'event', rnd);
        pack.poke('sel', i);
        for (const [n, v] of Object.entries(values)) pack.poke(`f_${n}`, v);
        const entry = pack.peek('entry') as bigint;
        const expected = packRecord(event(kind, values) as FwEvent, 'event');
        expect(words(entry, EVENT_ENTRY_BITS / 128).slice(0, expected.length), kind).toEqual(expected);
        expect(entry >> BigInt(128 * expected.length), `${kind}: bits past the record are zero`).toBe(0n);
        expect(unpackRecord(words(entry, expected.length), 'event')).toEqual({ kind, ...values });
      });
    }
  });

  it('unpackCommand slices every command kind as unpackRecord does; isKind names exactly one kind', () => {
    const rnd = mulberry32(11);
    for (let round = 0; round < 20; round++) {
      for (const kind of COMMAND_KINDS) {
        const values = randomFields(kind, 'command', rnd);
        const w = packRecord(command(kind, values) as FwCommand, 'command');
        const entry = w.reduceRight((acc, x) => (acc << 128n) | x, 0n);
        unpack.poke('entry', entry);
        for (const k of COMMAND_KINDS) expect(unpack.peek(`is_${k}`), `${kind} is ${k}? entry ${entry.toString(16)}`).toBe(k === kind ? 1 : 0);
        for (const [n, v] of Object.entries(values)) expect(unpack.peek(`${kind}_${n}`), `${kind}.${n}`).toBe(v);
      }
    }
  });
});
