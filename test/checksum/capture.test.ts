// Both checksum units on real Linux traffic: ../shared/pcaps/linux-tcp-200k-transfer.pcap. The verifier passes
// every frame, and rejects each frame with one random byte of its IPv4 header or TCP segment changed; the
// inserter, given every frame with garbage in both checksum fields, rebuilds the captured bytes exactly.
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { simulate } from '../../sim/harness.ts';
import { readPcap } from '../../sim/packet/index.ts';
import { Xorshift } from '../../sim/stream-models.ts';
import { projectRoot } from '../../gen/root.ts';
import { RxChecksum } from '../../blocks/checksum/rx-checksum.ts';
import { TxChecksum } from '../../blocks/checksum/tx-checksum.ts';
import { decodeVerdict } from '../../blocks/checksum/verdict.ts';
import { simBackends } from '../backends.ts';
import { referenceVerdict, withOneByteChanged } from './frames.ts';
import { runFrames, sameBytes } from './run.ts';
import { txInput } from './tx-input.ts';

const pcapPath = resolve(projectRoot(), '../shared/pcaps/linux-tcp-200k-transfer.pcap');
const available = existsSync(pcapPath);
if (!available) console.log(`skipping the checksum tests on the Linux capture: ${pcapPath} not found (../shared is optional)`);
const frames = available ? readPcap(readFileSync(pcapPath)).packets.map((p) => p.data.slice()) : [];

describe.skipIf(!available).each(simBackends())('checksum units on the Linux capture (%s)', (backend) => {
  describe.each([8, 64, 512])('%i-bit', async (width) => {
    const rx = await simulate(RxChecksum, { width }, { backend });
    const tx = await simulate(TxChecksum, { width, mode: 'both' }, { backend });
    afterAll(() => { rx.close(); tx.close(); });

    it(`the verifier passes all ${frames.length} frames`, () => {
      rx.reset();
      const out = runFrames(rx as never, width / 8, frames.map((data) => ({ data })), { gap: 0.1, backpressure: 0.1, seed: width });
      out.forEach((f, i) => {
        expect(sameBytes(f.data, frames[i]!), `frame ${i}`).toBe(true);
        expect(decodeVerdict(f.user!), `frame ${i}`).toEqual({ ipv4Checked: true, ipv4Ok: true, tcpChecked: true, tcpOk: true });
      });
      expect([rx.peekN('frames'), rx.peekN('ipv4_bad'), rx.peekN('tcp_bad')]).toEqual([frames.length, 0, 0]);
    });

    it('the verifier rejects every frame with one byte of its IPv4 header or TCP segment changed', () => {
      const changed = withOneByteChanged(frames, width + 1);
      rx.reset();
      const out = runFrames(rx as never, width / 8, changed.map((c) => ({ data: c.bytes })), { gap: 0.2, backpressure: 0.2, seed: width + 2 });
      let ipv4Bad = 0, tcpBad = 0;
      out.forEach((f, i) => {
        const v = decodeVerdict(f.user!);
        const what = `frame ${i}, byte ${changed[i]!.at} changed`;
        expect(v.ipv4Ok && v.tcpOk, what).toBe(false);
        expect(v, what).toEqual(referenceVerdict(changed[i]!.bytes));
        if (v.ipv4Checked && !v.ipv4Ok) ipv4Bad++;
        if (v.tcpChecked && !v.tcpOk) tcpBad++;
      });
      expect([rx.peekN('ipv4_bad'), rx.peekN('tcp_bad')]).toEqual([ipv4Bad, tcpBad]);
      expect(ipv4Bad + tcpBad).toBeGreaterThanOrEqual(frames.length);
    });

    it('the inserter rebuilds every captured frame from garbage checksum fields, with partial sums and stored', () => {
      const rng = new Xorshift(width + 3);
      const inputs = frames.map((f, i) => txInput(f, 'both', i % 2 === 0, Uint8Array.from({ length: 4 }, () => Math.floor(rng.next() * 256))));
      tx.reset();
      const out = runFrames(tx as never, width / 8, inputs, { gap: 0.1, backpressure: 0.2, seed: width + 4 });
      out.forEach((f, i) => expect(sameBytes(f.data, frames[i]!), `frame ${i}`).toBe(true));
      expect([tx.peekN('frames'), tx.peekN('ipv4_filled'), tx.peekN('tcp_filled')]).toEqual([frames.length, frames.length, frames.length]);
    });
  });
});
