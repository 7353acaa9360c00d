// The 128- and 256-bit datapaths (8, 64 and 512 are covered by the other files): random TX builder segments
// and random ACK/RST requests to the ACK frame builder give exactly the reference frames.
import { describe, it, expect, afterAll } from 'vitest';
import fc from 'fast-check';
import { simulate } from '../../sim/harness.ts';
import { simBackends } from '../backends.ts';
import { TxBuilder } from '../../blocks/ack_tx/tx-builder.ts';
import { AckFrame } from '../../blocks/ack_tx/ack-frame.ts';
import { ackRequest, segment, u32 } from './arbitraries.ts';
import { FrameCollector, expectFrame, runTxBuilder } from './drivers.ts';
import { HandshakeSource, type AckRequest } from './fields.ts';
import { expectedAckFrame } from './reference.ts';

describe.each(simBackends())('%s', (backend) => {
  describe.each([128, 256])('%i-bit datapath', async (width) => {
    const tx = await simulate(TxBuilder, { width }, { backend });
    const ack = await simulate(AckFrame, { width }, { backend });
    afterAll(() => { tx.close(); ack.close(); });

    it('tx_builder: random segments 0..9000 bytes under gaps and backpressure', () => {
      fc.assert(fc.property(fc.array(segment, { minLength: 1, maxLength: 5 }), u32, fc.nat(), (segments, tsval, seed) => {
        const r = runTxBuilder(tx, segments, { tsval, gap: 0.3, backpressure: 0.3, seed });
        r.frames.forEach((f, i) => expectFrame(f.data, r.expected[i]!, `frame ${i}`));
      }), { numRuns: 8, seed: width });
    });

    it('ack_frame: random ACK and RST requests (every request gives a frame)', () => {
      fc.assert(fc.property(fc.array(ackRequest, { minLength: 1, maxLength: 20 }), u32, fc.nat(), (reqs, tsval, seed) => {
        ack.reset();
        ack.poke('tsval', tsval);
        const src = new HandshakeSource<AckRequest>(ack, 'req', { gap: 0.3, seed });
        const out = new FrameCollector(ack, 'm_axis', { backpressure: 0.3, seed: seed + 1 });
        src.push(...reqs);
        ack.until(() => out.frames.length === reqs.length, { timeout: 100 * reqs.length + 100 });
        src.detach(); out.detach();
        expect(out.frames.length).toBe(reqs.length);
        out.frames.forEach((f, i) => expectFrame(f.data, expectedAckFrame(reqs[i]!, tsval, i), `frame ${i}`));
      }), { numRuns: 10, seed: width + 1 });
    });
  });
});
