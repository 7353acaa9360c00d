// The TX checksum inserter (per-frame mode, 16 KB buffer) against sim/packet: random TCP frames with garbage in
// both checksum fields, each sent either with its payload's partial sum or for store-and-forward, under random
// gaps and backpressure, must come out as sim/packet builds them; frames it cannot or need not fill pass
// unchanged; line rate back to back. Every back end; 8, 64 and 512 bits (128 and 256 more briefly).
import { afterAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { simulate } from '../../sim/harness.ts';
import { buildArpRequest, buildTcpFrame, fillIpv4HeaderChecksum, frameChecksums, parseFrame, TcpFlags } from '../../sim/packet/index.ts';
import { TxChecksum } from '../../blocks/checksum/tx-checksum.ts';
import { simBackends } from '../backends.ts';
import { buildFrame, frameSpec } from './frames.ts';
import { backToBack, runFrames, sameBytes } from './run.ts';
import { txInput } from './tx-input.ts';

const garbage = fc.uint8Array({ minLength: 4, maxLength: 4 });
const traffic = fc.record({
  gap: fc.constantFrom(0, 0.1, 0.5),
  backpressure: fc.constantFrom(0, 0.2, 0.6),
  seed: fc.integer({ min: 1, max: 1 << 30 }),
});
const txCase = fc.record({ spec: frameSpec(9000), usePartial: fc.boolean(), garbage });

/** Frames the inserter must leave alone (or fill only the IPv4 header of), with what must come out. */
function otherFrames(): { name: string; input: Uint8Array; want: Uint8Array }[] {
  const base = {
    srcMac: '02:00:00:00:00:01', dstMac: '02:00:00:00:00:02', srcIp: '198.18.0.1', dstIp: '198.18.0.2',
    srcPort: 40000, dstPort: 5001, seq: 1, ack: 2, flags: TcpFlags.ACK, window: 512, payload: new Uint8Array(100).fill(7),
  };
  const tcp = buildTcpFrame(base);
  const ipv4With = (f: (b: Uint8Array) => void) => {
    const want = tcp.slice();
    f(want);
    fillIpv4HeaderChecksum(want.subarray(14, 34));
    const input = want.slice();
    input[24] = 0xee; input[25] = 0x11; // only the IPv4 header checksum gets filled
    return { input, want };
  };
  const unchanged = (input: Uint8Array) => ({ input, want: input });
  const ipv6 = tcp.slice();
  ipv6[12] = 0x86; ipv6[13] = 0xdd;
  const badIhl = tcp.slice();
  badIhl[14] = 0x44;
  return [
    { name: 'UDP: IPv4 header only', ...ipv4With((b) => { b[23] = 17; }) },
    { name: 'first fragment: IPv4 header only', ...ipv4With((b) => { b[20] = 0x20; }) },
    { name: 'TCP length 12: IPv4 header only', ...ipv4With((b) => { b[16] = 0; b[17] = 32; }) },
    { name: 'ARP', ...unchanged(buildArpRequest({ srcMac: base.srcMac, srcIp: base.srcIp, targetIp: base.dstIp })) },
    { name: 'VLAN-tagged TCP', ...unchanged(buildTcpFrame({ ...base, vlan: { tpid: 0x8100, pcp: 1, dei: false, vid: 9 } })) },
    { name: 'IPv6 ethertype', ...unchanged(ipv6) },
    { name: 'IHL 4', ...unchanged(badIhl) },
    { name: 'a 1-byte frame', ...unchanged(new Uint8Array([0x45])) },
    { name: 'IPv4 header cut at byte 30', ...unchanged(tcp.slice(0, 30)) },
    // The IPv4 header is whole (and its checksum already right): refilled, unchanged. The TCP segment is not.
    { name: 'TCP header cut at byte 45', ...unchanged(tcp.slice(0, 45)) },
  ];
}

describe.each(simBackends())('tx_checksum, per-frame mode (%s)', (backend) => {
  describe.each([8, 64, 512])('%i-bit', async (width) => {
    const n = width / 8;
    const sim = await simulate(TxChecksum, { width, mode: 'both' }, { backend });
    afterAll(() => sim.close());

    it('random TCP frames with garbage checksums come out as sim/packet builds them, in both modes', () => {
      fc.assert(fc.property(fc.array(txCase, { minLength: 1, maxLength: 4 }), traffic, (cases, t) => {
        sim.reset();
        const want = cases.map((c) => buildFrame(c.spec));
        const out = runFrames(sim as never, n, cases.map((c, i) => txInput(want[i]!, 'both', c.usePartial, c.garbage)), t);
        out.forEach((f, i) => {
          expect(sameBytes(f.data, want[i]!), `frame ${i} (${want[i]!.length} bytes, ${cases[i]!.usePartial ? 'partial sum' : 'store and forward'})`).toBe(true);
          const parsed = parseFrame(f.data);
          expect(parsed.ok && parsed.value.kind === 'tcp' && frameChecksums(parsed.value)).toEqual({ ipv4: true, tcp: true });
        });
        expect([sim.peekN('frames'), sim.peekN('ipv4_filled'), sim.peekN('tcp_filled'), sim.peekN('oversize')])
          .toEqual([cases.length, cases.length, cases.length, 0]);
      }), { numRuns: width === 8 ? 12 : 20 });
    });

    it('frames with no TCP checksum to fill pass unchanged (UDP and fragments get their IPv4 checksum)', () => {
      const others = otherFrames();
      sim.reset();
      const out = runFrames(sim as never, n, others.map((o) => ({ data: o.input, user: 0 })), { gap: 0.3, backpressure: 0.3, seed: 5 });
      others.forEach((o, i) => expect(sameBytes(out[i]!.data, o.want), o.name).toBe(true));
      expect(sim.peekN('frames')).toBe(others.length);
      expect(sim.peekN('ipv4_filled')).toBe(4);
      expect(sim.peekN('tcp_filled')).toBe(0);
      // Random junk never hangs it.
      const junk = fc.sample(fc.uint8Array({ minLength: 1, maxLength: 200 }), { numRuns: 40, seed: width });
      const out2 = runFrames(sim as never, n, junk.map((data, i) => ({ data, user: i & 1 ? 1 << 16 : 0 })), { gap: 0.1, backpressure: 0.1, seed: 6 });
      expect(out2.length).toBe(junk.length);
    });

    it('back to back: line rate with partial sums; store and forward delays only the first frame', () => {
      const spec = fc.sample(frameSpec(0), { numRuns: 1, seed: 21 })[0]!;
      const frameOf = (size: number) => buildFrame({ ...spec, ipOptionWords: 0, tcpOptions: [], payload: new Uint8Array(size - 54).fill(size & 0xff), trailer: new Uint8Array(0) });
      const g = new Uint8Array([1, 2, 3, 4]);
      for (const [size, count] of [[64, 40], [1500, 6], [9000, 2]] as const) {
        const want = frameOf(size);
        for (const usePartial of [true, false]) {
          sim.reset();
          const r = backToBack(sim as never, n, Array.from({ length: count }, () => txInput(want, 'both', usePartial, g)));
          r.received.forEach((f, i) => expect(sameBytes(f.data, want), `frame ${i}`).toBe(true));
          // Partial sums: the headers' beats (54 bytes) and the pipeline; store and forward: the first frame whole.
          const held = Math.ceil((usePartial ? 54 : size) / n);
          expect(r.extraCycles, `${size}-byte frames, ${usePartial ? 'partial sums' : 'store and forward'}`).toBeLessThanOrEqual(held + 6);
        }
      }
    });
  });

  describe.each([128, 256])('%i-bit', async (width) => {
    const sim = await simulate(TxChecksum, { width, mode: 'both' }, { backend });
    afterAll(() => sim.close());
    it('random TCP frames in both modes', () => {
      fc.assert(fc.property(fc.array(txCase, { minLength: 1, maxLength: 4 }), traffic, (cases, t) => {
        sim.reset();
        const want = cases.map((c) => buildFrame(c.spec));
        const out = runFrames(sim as never, width / 8, cases.map((c, i) => txInput(want[i]!, 'both', c.usePartial, c.garbage)), t);
        out.forEach((f, i) => expect(sameBytes(f.data, want[i]!), `frame ${i}`).toBe(true));
      }), { numRuns: 8 });
    });
  });
});
