// The ACK generator's frames: random connection fields through immediate ACK events (ACK_NOW, OUT_OF_ORDER,
// DUPLICATE, FILLS_GAP, FIN) and RST_NEEDED events give exactly the reference pure-ACK and RST frames (window
// scaling, timestamps, SACK blocks as stored per connection, RFC 9293 reset rules), both checksums verify, on 8/64/512-bit datapaths.
import { describe, it, expect, afterAll } from 'vitest';
import fc from 'fast-check';
import { simulate } from '../../sim/harness.ts';
import { simBackends } from '../backends.ts';
import { AckGen } from '../../blocks/ack_tx/ack-gen.ts';
import { AckEventKind } from '../../blocks/ack_tx/types.ts';
import { ackRequest, u32 } from './arbitraries.ts';
import { expectFrame, resetAckGen, runAckEvents } from './drivers.ts';
import { eventOf, NO_SACK, type AckRequest } from './fields.ts';
import { expectedAckFrame, rstFields } from './reference.ts';
import { SackStateModel } from './sack-state.ts';
import { parseFrame, TcpFlags } from '../../sim/packet/index.ts';

const IMMEDIATE = [AckEventKind.ACK_NOW, AckEventKind.OUT_OF_ORDER, AckEventKind.DUPLICATE, AckEventKind.FILLS_GAP, AckEventKind.FIN];
const config = (tsval: number) => ({ delackTimeout: 1 << 30, chalInterval: 1000, chalLimit: 100, tsval });

describe.each(simBackends())('ack_gen frames on %s', (backend) => {
  describe.each([8, 64, 512])('%i-bit datapath', async (width) => {
    const sim = await simulate(AckGen, { width, conns: 64 }, { backend });
    afterAll(() => sim.close());

    it('random connection fields: exact pure-ACK and RST frames, checksums verify, under gaps and backpressure', () => {
      fc.assert(fc.property(
        fc.array(fc.tuple(ackRequest, fc.integer({ min: 0, max: 63 }), fc.constantFrom(...IMMEDIATE)), { minLength: 1, maxLength: 12 }),
        u32, fc.constantFrom(0, 0.5), fc.constantFrom(0, 0.5), fc.nat(),
        (items, tsval, gap, backpressure, seed) => {
          resetAckGen(sim, config(tsval));
          // A RST is never sent in reply to a RST.
          // SACK blocks: OUT_OF_ORDER stores its own, and a later ACK of that connection without blocks carries them.
          const events = items.map(([r, conn, kind]) => eventOf(r, conn, r.kind === 1 ? AckEventKind.RST_NEEDED : kind));
          const sacks = new SackStateModel();
          const sent = items.flatMap(([r], i) => {
            const carried = sacks.event(events[i]!);
            return r.kind === 1 && r.seg_flags & TcpFlags.RST ? [] : [{ ...r, ...carried }];
          });
          const got = runAckEvents(sim, events, { expectFrames: sent.length, gap, backpressure, seed });
          expect(got.frames.length).toBe(sent.length);
          got.frames.forEach((f, i) => expectFrame(f.data, expectedAckFrame(sent[i]!, tsval, i), `frame ${i}`));
        }), { numRuns: width === 8 ? 15 : 25, seed: width });
    });

    it('RST fields (RFC 9293 §3.10.7.1): SEQ = SEG.ACK when ACK is set, else SEQ 0 and ACK = SEG.SEQ + SEG.LEN with SYN/FIN', () => {
      const base: AckRequest = {
        kind: 1, dst_mac: 0x02aabbccddee, src_mac: 0x020000000001, src_ip: 0xc6120002, dst_ip: 0xc6120001, src_port: 80, dst_port: 33000,
        snd_nxt: 1, rcv_nxt: 2, rcv_wnd: 65535, rcv_wscale: 7, ts_enabled: true, ts_recent: 3, sack_count: 2, sack: NO_SACK,
        seg_seq: 0xfffffff0, seg_ack: 0x12345678, seg_len: 100, seg_flags: 0,
      };
      const cases: [number, { seq: number; ack: number; flags: number }][] = [
        [TcpFlags.SYN, { seq: 0, ack: 0xfffffff1, flags: TcpFlags.RST | TcpFlags.ACK }], // a SYN to a closed port
        [TcpFlags.ACK, { seq: 0x12345678, ack: 0, flags: TcpFlags.RST }],
        [TcpFlags.ACK | TcpFlags.PSH, { seq: 0x12345678, ack: 0, flags: TcpFlags.RST }],
        [TcpFlags.FIN, { seq: 0, ack: 0xfffffff0 + 101 - 2 ** 32, flags: TcpFlags.RST | TcpFlags.ACK }],
        [TcpFlags.SYN | TcpFlags.FIN, { seq: 0, ack: 0xfffffff0 + 102 - 2 ** 32, flags: TcpFlags.RST | TcpFlags.ACK }],
        [0, { seq: 0, ack: 0xfffffff0 + 100 - 2 ** 32, flags: TcpFlags.RST | TcpFlags.ACK }],
      ];
      resetAckGen(sim, config(77));
      const reqs = cases.map(([flags]) => ({ ...base, seg_flags: flags, seg_len: flags === TcpFlags.SYN ? 0 : 100 }));
      cases[0]![1].ack = 0xfffffff1;
      const got = runAckEvents(sim, [...reqs.map((r) => eventOf(r, 5, AckEventKind.RST_NEEDED)), eventOf({ ...base, seg_flags: TcpFlags.RST }, 5, AckEventKind.RST_NEEDED)], { expectFrames: cases.length });
      expect(got.frames.length, 'no reset for a reset').toBe(cases.length);
      got.frames.forEach((f, i) => {
        const p = parseFrame(f.data);
        if (!p.ok || p.value.kind !== 'tcp') throw new Error('not TCP');
        expect({ seq: p.value.tcp.seq, ack: p.value.tcp.ack, flags: p.value.tcp.flags }, `case ${i}`).toEqual(cases[i]![1]);
        expect(rstFields(reqs[i]!)).toEqual(cases[i]![1]);
        expect(p.value.tcp.window, 'window 0').toBe(0);
        expect(p.value.tcp.options, 'no options on a reset').toEqual([]);
        expectFrame(f.data, expectedAckFrame(reqs[i]!, 77, i), `case ${i}`);
      });
      expect(sim.peek('resets')).toBe(cases.length);
    });
  });
});
