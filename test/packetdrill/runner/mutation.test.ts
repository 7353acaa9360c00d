/**
 * No false passes: any single-field corruption of any frame of a correct exchange makes the run
 * fail, at the script line that expects that frame and naming the corrupted field.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { TcpFlags, type TcpFrameSpec } from '../../../sim/packet/index.ts';
import { formatResult } from '../../../sim/packetdrill/runner/index.ts';
import { lineOf, PASSIVE, run } from './helpers.ts';

const EXPECTING = ['> S.', '> P.', 'ack 1001 win 65535', 'ack 1002', '> F.'];

type Mutation = { field: string; apply: (s: TcpFrameSpec, k: number) => void; needsPayload?: boolean };
const MUTATIONS: Mutation[] = [
  { field: 'flags', apply: (s, k) => { s.flags ^= [TcpFlags.PSH, TcpFlags.URG, TcpFlags.ECE, TcpFlags.CWR, TcpFlags.FIN][k % 5]!; } },
  { field: 'seq', apply: (s, k) => { s.seq = (s.seq + 1 + k) >>> 0; } },
  { field: 'ack', apply: (s, k) => { s.ack = (s.ack - 1 - k) >>> 0; } },
  { field: 'options', apply: (s, k) => { s.options = [...(s.options ?? []), { type: 'mss', mss: 500 + k }]; } },
  { field: 'payload', apply: (s, k) => { s.payload = Uint8Array.from(s.payload!, (b: number, i: number) => (i === k % s.payload!.length ? b ^ 0x10 : b)); }, needsPayload: true },
];

describe('every single-field corruption fails at the right line', () => {
  it('random frame x field x amount (seeded)', () => {
    fc.assert(fc.property(fc.nat(4), fc.nat(MUTATIONS.length - 1), fc.nat(1000), (frame, which, k) => {
      const m = MUTATIONS[which]!;
      if (m.needsPayload && frame !== 1) return; // only the data segment carries payload
      if (m.field === 'seq' && frame === 0) return; // the SYN-ACK's seq *is* the ISN the runner learns
      const r = run(PASSIVE, { mutate: (s, i) => { if (i === frame) m.apply(s, k); return s; } });
      expect(r.status, formatResult(r)).toBe('fail');
      expect(r.failure!.line).toBe(lineOf(PASSIVE, EXPECTING[frame]!));
      // A changed flag can show up as another field first only if it changes the length (FIN): not here.
      expect(r.failure!.field).toBe(m.field === 'flags' ? 'flags' : m.field);
    }), { seed: 20240611, numRuns: 120 });
  });
});
