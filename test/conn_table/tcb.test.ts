// The TCB layout and codec, the hash, and the placement rules' load factor (software only).
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  KEY_FIELDS, MASK_BITS, Tcb, TcbState, WRITABLE_FIELDS, applyMask, decodeTcb, encodeTcb, fieldMask, freshTcb, maskedFields,
  rcvWindow, tcbFromWord, tcbWord, type TcbFields,
} from '../../blocks/conn_table/tcb.ts';
import { bucketOf } from '../../blocks/conn_table/hash.ts';
import { ConnStatus, connTableDefaults, geometry } from '../../blocks/conn_table/params.ts';
import { tupleArb } from './arbitraries.ts';
import { ConnTableModel } from './model.ts';

const fieldsArb: fc.Arbitrary<TcbFields> = fc.record(Object.fromEntries(Tcb.fields.map((f) =>
  [f.name, fc.nat({ max: 2 ** f.width - 1 })])) as Record<string, fc.Arbitrary<number>>) as fc.Arbitrary<TcbFields>;

describe('conn_table TCB layout', () => {
  it('is 80 bytes with every RFC 9293 field and the TOE\'s own, each owning whole bytes (masks map to byte enables)', () => {
    expect(Tcb.bytes).toBe(80);
    for (const f of ['state', 'snd_una', 'snd_nxt', 'snd_wnd', 'snd_wl1', 'snd_wl2', 'iss', 'rcv_nxt', 'rcv_adv', 'irs',
      'snd_wscale', 'rcv_wscale', 'mss', 'ts_recent', 'ts_ok', 'sack_ok', 'max_snd_wnd', 'rx_mode', 'sack_mode', 'rcv_mss',
      'rcvbuf', 'remote_mac', 'rcv_defer', ...KEY_FIELDS]) {
      expect(Tcb.fields.some((x) => x.name === f), f).toBe(true);
    }
    const byteOwner = new Map<number, string>();
    for (const f of Tcb.fields) {
      expect(f.offset % 8, f.name).toBe(0);
      for (let b = f.offset / 8; b < Math.ceil((f.offset + f.width) / 8); b++) {
        expect(byteOwner.has(b), `byte ${b}`).toBe(false);
        byteOwner.set(b, f.name);
      }
    }
    expect(Tcb.fields.find((f) => f.name === 'state')!.width).toBe(4);
    expect(TcbState.TIME_WAIT).toBe(10);
    expect(MASK_BITS).toBe(23);
    expect(WRITABLE_FIELDS.some((f) => (KEY_FIELDS as readonly string[]).includes(f))).toBe(false);
  });

  it('keeps the advertised right edge, not the window: RCV.WND = rcv_adv - rcv_nxt, wrap-aware, floored at 0', () => {
    expect(Tcb.fields.some((f) => f.name === ('rcv_wnd' as string))).toBe(false);
    const w = (rcv_nxt: number, rcv_adv: number) => rcvWindow({ rcv_nxt, rcv_adv });
    expect([w(1000, 1500), w(1500, 1500), w(1600, 1500), w(0xffffff00, 0x100), w(0x100, 0xffffff00), w(0, 2 ** 31 - 1), w(0, 2 ** 31)])
      .toEqual([500, 0, 0, 0x200, 0, 2 ** 31 - 1, 0]);
  });

  it('encodes and decodes every field (bytes and the 512-bit word the RTL stores)', () => {
    fc.assert(fc.property(fieldsArb, (f) => {
      expect(decodeTcb(encodeTcb(f))).toEqual(f);
      expect(tcbFromWord(tcbWord(f))).toEqual(f);
    }), { numRuns: 300, seed: 1 });
    expect(encodeTcb({ snd_una: 0x11223344 }).slice(8, 12)).toEqual(Uint8Array.of(0x44, 0x33, 0x22, 0x11));
  });

  it('masks select writable fields and never the key', () => {
    expect(maskedFields(fieldMask(['rcv_nxt', 'snd_una']))).toEqual(['snd_una', 'rcv_nxt']);
    const t = { local_ip: 1, remote_ip: 2, local_port: 3, remote_port: 4 };
    const after = applyMask(freshTcb(t), { rcv_nxt: 9, local_ip: 77 } as Partial<TcbFields>, 0x1ffff);
    expect(after).toMatchObject({ ...t, rcv_nxt: 9, state: 0 });
  });
});

describe('conn_table hash and placement', () => {
  it('spreads tuples evenly over the buckets of each bank (H3)', () => {
    const g = geometry({ ...connTableDefaults, conns: 1024 });
    const ts = fc.sample(tupleArb, { numRuns: 20000, seed: 2 });
    for (const bank of [0, 1]) {
      const counts = new Array<number>(g.buckets).fill(0);
      for (const t of ts) counts[bucketOf(g.masks[bank]!, t)]!++;
      const mean = ts.length / g.buckets;
      // A chi-square statistic near its degrees of freedom (buckets - 1) means uniform.
      const chi = counts.reduce((s, c) => s + (c - mean) ** 2 / mean, 0);
      expect(chi).toBeLessThan(1.3 * g.buckets);
    }
  });

  it.each([[64, 400], [1024, 40]])('fills all %i connections with random tuples in each of %i trials (no insert fails)', (conns, trials) => {
    let full = 0, stashMax = 0;
    const ts = fc.sample(tupleArb, { numRuns: conns * trials, seed: conns });
    for (let t = 0; t < trials; t++) {
      const m = new ConnTableModel({ ...connTableDefaults, conns });
      let ok = 0;
      for (const tuple of ts.slice(t * conns, (t + 1) * conns)) if (m.insert(tuple).status === ConnStatus.OK) ok++;
      if (ok === conns) full++;
      stashMax = Math.max(stashMax, m.placement.stashUsed);
    }
    console.log(`conn_table: ${conns} connections: ${full}/${trials} random fills reached 100%, stash at most ${stashMax}`);
    expect(full).toBe(trials);
  });
});
