// The layouts are defined once (blocks/host/layouts.ts); the RTL's packing and slicing and the software codecs
// must agree byte for byte. A probe module packs completion fields and slices descriptor fields in hardware;
// random values go through both and are compared.
import { afterAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { defineModule, input, output, Struct, UInt } from '../../dsl/index.ts';
import { simulate } from '../../sim/harness.ts';
import { simBackends } from '../backends.ts';
import { CmdDesc, Cpl, CplFlags, CtrlBits, NoteCpl, RxDesc, StatusBits, TxDesc, layout, regAddr, Regs, RingRegs } from '../../blocks/host/layouts.ts';
import { layoutFields, packLayout, unpackLayout } from '../../blocks/host/layout-rtl.ts';
import { decode, encode, fromWord, toWord } from '../../blocks/host/layout-codec.ts';

const LayoutProbe = defineModule('layout_probe', (m) => {
  const io = m.io({
    cpl: input(Struct(layoutFields(Cpl))),
    cplBytes: output(UInt(Cpl.bytes * 8)),
    desc: input(UInt(128)),
    tx: output(Struct(layoutFields(TxDesc))),
    cmd: output(Struct(layoutFields(CmdDesc))),
  });
  io.cplBytes.set(packLayout(Cpl, io.cpl));
  const tx = unpackLayout(TxDesc, io.desc), cmd = unpackLayout(CmdDesc, io.desc);
  for (const f of TxDesc.fields) io.tx[f.name].set(tx[f.name]);
  for (const f of CmdDesc.fields) io.cmd[f.name].set(cmd[f.name]);
  return io;
});

const toBig = (b: Uint8Array) => b.reduceRight((v, x) => (v << 8n) | BigInt(x), 0n);
const toBytes = (v: bigint, n: number) => Uint8Array.from({ length: n }, (_, i) => Number((v >> BigInt(8 * i)) & 0xffn));
const fieldArb = (w: number) => fc.bigInt({ min: 0n, max: (1n << BigInt(w)) - 1n });

describe('layout codecs', () => {
  it('round-trip every field and reject values that do not fit', () => {
    fc.assert(fc.property(fc.record(Object.fromEntries(Cpl.fields.map((f) => [f.name, fieldArb(f.width)]))), (v) => {
      expect(decode(Cpl, encode(Cpl, v))).toEqual(v);
    }));
    expect(() => encode(TxDesc, { conn: 1 << 16 })).toThrow(/does not fit/);
    expect(() => layout('bad', 2, [{ name: 'a', offset: 0, width: 9 }, { name: 'b', offset: 8, width: 2 }])).toThrow(/overlap/);
    expect(fromWord(StatusBits, toWord(StatusBits, { dmaError: 1, txOverrun: 1 }))).toMatchObject({ dmaError: 1n, txOverrun: 1n, rxOverrun: 0n });
    expect(toWord(CtrlBits, { enable: 1, irqArm: 1 })).toBe(3);
  });
  it('place registers on distinct word addresses', () => {
    const addrs = [...Regs.map((r) => regAddr(r.name)), ...[0, 1, 2, 3].flatMap((i) => RingRegs.map((r) => regAddr(r.name, i)))];
    expect(new Set(addrs).size).toBe(addrs.length);
    expect(addrs.every((a) => a % 4 === 0 && a < 256)).toBe(true);
  });
});

describe.each(simBackends())('layouts in hardware (%s)', async (backend) => {
  const sim = await simulate(LayoutProbe, {}, { backend });
  afterAll(() => sim.close());

  it('packs a completion exactly as the codec encodes it', () => {
    fc.assert(fc.property(fc.record(Object.fromEntries(Cpl.fields.map((f) => [f.name, fieldArb(f.width)]))), (v) => {
      for (const f of Cpl.fields) sim.poke(`cpl_${f.name}` as never, v[f.name]!);
      expect(toBytes(sim.peekB('cplBytes'), 16)).toEqual(encode(Cpl, v));
    }), { numRuns: 200 });
  });

  it('slices descriptor fields exactly as the codec decodes them', () => {
    fc.assert(fc.property(fc.uint8Array({ minLength: 16, maxLength: 16 }), (bytes) => {
      sim.poke('desc', toBig(bytes));
      const tx = decode(TxDesc, bytes), cmd = decode(CmdDesc, bytes);
      for (const f of TxDesc.fields) expect(sim.peekB(`tx_${f.name}` as never)).toBe(tx[f.name]);
      for (const f of CmdDesc.fields) expect(sim.peekB(`cmd_${f.name}` as never)).toBe(cmd[f.name]);
    }), { numRuns: 200 });
  });
});

describe('blocks/host/README.md', () => {
  it('documents every layout exactly as layouts.ts defines it', async () => {
    const fs = await import('node:fs');
    const text = fs.readFileSync(new URL('../../blocks/host/README.md', import.meta.url), 'utf8');
    for (const l of [TxDesc, RxDesc, CmdDesc, Cpl, NoteCpl]) {
      const table = text.split(`| ${l.name} | byte.bit | bits |`)[1];
      expect(table, `README has a table for ${l.name}`).toBeDefined();
      const rows = table!.split('\n\n')[0]!.split('\n').slice(2).map((r) => r.split('|').map((c) => c.trim()));
      expect(rows.map((r) => [r[1], r[2], r[3]])).toEqual(l.fields.map((f) => [f.name, `${f.offset >> 3}.${f.offset & 7}`, String(f.width)]));
    }
  });

  it('documents every completion flag as a distinct bit of the flags byte', async () => {
    const fs = await import('node:fs');
    const text = fs.readFileSync(new URL('../../blocks/host/README.md', import.meta.url), 'utf8');
    const row = text.split('\n').find((r) => r.startsWith('| flags | 3.0 |'))!;
    const bits = Object.values(CplFlags);
    expect(new Set(bits).size).toBe(bits.length);
    for (const [name, bit] of Object.entries(CplFlags)) {
      expect(bit & (bit - 1), `${name} is one bit`).toBe(0);
      expect(bit).toBeLessThan(256);
      expect(row, `README documents ${name}`).toContain(`${name} (${bit})`);
    }
  });
});
