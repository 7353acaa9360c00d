// The ARP responder (blocks/arp/arp-responder.ts) against a reference built on sim/packet's ARP codec, on both
// simulators at 64 and 512 bits: every request for the TOE's address answered with the exact reply frame, every
// ARP frame aimed at the TOE learned from, everything else counted and dropped; a busy output drops and counts.
import { afterAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { simulate } from '../../sim/harness.ts';
import { AxisSource } from '../../sim/stream-models.ts';
import { simBackends } from '../backends.ts';
import { FrameCollector } from '../ack_tx/drivers.ts';
import { ArpResponder } from '../../blocks/arp/arp-responder.ts';
import { RxReason } from '../../blocks/rx_parser/reasons.ts';
import { buildArpReply, buildArpRequest, parseFrame } from '../../sim/packet/index.ts';

const LOCAL_MAC = 0x02_00_5e_10_00_01n, LOCAL_IP = 0xc6_12_00_01; // 198.18.0.1
const macBytes = (m: bigint) => Uint8Array.from({ length: 6 }, (_, i) => Number((m >> BigInt(8 * (5 - i))) & 0xffn));
const macOf = (b: Uint8Array) => b.reduce((a, x) => (a << 8n) | BigInt(x), 0n);
const ERR = 1 << 4;
const COUNTERS = ['replies', 'not_for_us', 'malformed', 'busy', 'other'] as const;
type Counter = (typeof COUNTERS)[number];

interface TestFrame { data: Uint8Array; user: number }
interface Expected { replies: Uint8Array[]; learned: [number, bigint][]; counts: Record<string, number> }

/** What the TS model does with each slow-path frame (sim/toe_model/toe.ts `arp`), and how the block counts it. */
function reference(frames: readonly TestFrame[]): Expected {
  const e: Expected = { replies: [], learned: [], counts: { replies: 0, not_for_us: 0, malformed: 0, busy: 0, other: 0 } };
  for (const f of frames) {
    if ((f.user & 0xf) !== RxReason.ARP) { e.counts.other!++; continue; }
    const p = parseFrame(f.data);
    if ((f.user & ERR) || f.data.length < 42 || !p.ok || p.value.kind !== 'arp') { e.counts.malformed!++; continue; }
    const a = p.value.arp;
    if (a.targetIp !== LOCAL_IP) { e.counts.not_for_us!++; continue; }
    e.learned.push([a.senderIp, macOf(a.senderMac)]);
    if (a.op !== 1) continue;
    e.counts.replies!++;
    e.replies.push(buildArpReply({ srcMac: macBytes(LOCAL_MAC), srcIp: LOCAL_IP, dstMac: a.senderMac, dstIp: a.senderIp }));
  }
  return e;
}

const arbFrame = (): fc.Arbitrary<TestFrame> => fc.oneof(
  // A request (for us, or for a neighbour of ours), padded to 60 bytes or not.
  fc.record({ mac: fc.bigInt({ min: 1n, max: (1n << 48n) - 1n }), ip: fc.nat(), forUs: fc.boolean(), pad: fc.boolean(), op: fc.constantFrom(1, 1, 2, 3) })
    .map(({ mac, ip, forUs, pad, op }) => {
      const f = buildArpRequest({ srcMac: macBytes(mac), srcIp: ip >>> 0, targetIp: forUs ? LOCAL_IP : (LOCAL_IP + 1 + (ip % 200)) >>> 0 });
      f[21] = op; // op 2 (a reply aimed at us) and 3 are learned from, not answered
      const data = pad ? Uint8Array.from([...f, ...new Uint8Array(18)]) : f;
      return { data, user: RxReason.ARP };
    }),
  // Malformed ARP: truncated, another hardware type or length, or an error bit from the MAC.
  fc.record({ cut: fc.integer({ min: 14, max: 41 }), kind: fc.constantFrom('short', 'htype', 'hlen', 'err') }).map(({ cut, kind }) => {
    const f = buildArpRequest({ srcMac: macBytes(0x02_00_00_00_00_07n), srcIp: 0xc6120007, targetIp: LOCAL_IP });
    if (kind === 'short') return { data: f.slice(0, cut), user: RxReason.ARP };
    if (kind === 'htype') f[15] = 6;
    if (kind === 'hlen') f[18] = 8;
    return { data: f, user: RxReason.ARP | (kind === 'err' ? ERR : 0) };
  }),
  // Other slow-path frames.
  fc.record({ len: fc.integer({ min: 14, max: 200 }), reason: fc.constantFrom(RxReason.NON_IPV4, RxReason.NON_TCP) })
    .map(({ len, reason }) => ({ data: Uint8Array.from({ length: len }, (_, i) => (i * 37 + len) & 0xff), user: reason })),
);

describe.each(simBackends())('arp_responder on %s', (backend) => {
  describe.each([64, 512])('%i-bit', async (width) => {
    const sim = await simulate(ArpResponder, { width }, { backend });
    afterAll(() => sim.close());

    const run = (frames: readonly TestFrame[], opts: { gap: number; backpressure: number; seed: number }) => {
      sim.reset();
      sim.poke('local_mac', LOCAL_MAC);
      sim.poke('local_ip', LOCAL_IP);
      const src = new AxisSource(sim, 's_axis', { gap: opts.gap, seed: opts.seed });
      const out = new FrameCollector(sim, 'm_axis', { backpressure: opts.backpressure, seed: opts.seed + 1 });
      const learned: [number, bigint][] = [];
      const learn = sim.addAgent({ sample: () => { if (sim.peek('learn_valid')) learned.push([Number(sim.peek('learn_ip')), BigInt(sim.peek('learn_mac'))]); } });
      for (const f of frames) src.send(f.data, f.user);
      const count = (n: Counter) => Number(sim.peek(n));
      // Every frame ends as one of: other, malformed, not for us, or learned (answered, busy, or op != request).
      sim.until(() => count('other') + count('malformed') + count('not_for_us') + learned.length >= frames.length, { timeout: 50_000, what: 'every frame judged' });
      sim.step(20);
      sim.removeAgent(src); sim.removeAgent(learn); out.detach();
      return { replies: out.frames.map((f) => f.data), learned, counts: Object.fromEntries(COUNTERS.map((n) => [n, count(n)])) };
    };

    it('random slow-path traffic, no backpressure: the model\'s replies, learning and counts exactly', () => {
      fc.assert(fc.property(fc.array(arbFrame(), { minLength: 1, maxLength: 30 }), fc.constantFrom(0, 0.4), fc.nat(), (frames, gap, seed) => {
        const got = run(frames, { gap, backpressure: 0, seed });
        const want = reference(frames);
        expect(got.counts).toEqual(want.counts);
        expect(got.learned).toEqual(want.learned);
        expect(got.replies.map((r) => [...r])).toEqual(want.replies.map((r) => [...r]));
      }), { numRuns: 25, seed: width });
    });

    it('back-to-back requests: back-to-back replies, none dropped', () => {
      const frames = Array.from({ length: 10 }, (_, i) => ({ data: buildArpRequest({ srcMac: macBytes(0x02_00_00_00_01_00n + BigInt(i)), srcIp: 0xc6120100 + i, targetIp: LOCAL_IP }), user: RxReason.ARP }));
      const got = run(frames, { gap: 0, backpressure: 0, seed: 1 });
      expect(got.counts).toEqual({ replies: 10, not_for_us: 0, malformed: 0, busy: 0, other: 0 });
      expect(got.replies.map((r) => [...r])).toEqual(reference(frames).replies.map((r) => [...r]));
    });

    it('a request that ends while a reply is held up by backpressure is dropped and counted busy; the reply still leaves whole', () => {
      sim.reset();
      sim.poke('local_mac', LOCAL_MAC);
      sim.poke('local_ip', LOCAL_IP);
      sim.poke('m_axis_tready', 0);
      const src = new AxisSource(sim, 's_axis', { gap: 0, seed: 3 });
      const a = buildArpRequest({ srcMac: macBytes(0x02_00_00_00_00_0an), srcIp: 0xc612000a, targetIp: LOCAL_IP });
      const b = buildArpRequest({ srcMac: macBytes(0x02_00_00_00_00_0bn), srcIp: 0xc612000b, targetIp: LOCAL_IP });
      src.send(a, RxReason.ARP); src.send(b, RxReason.ARP);
      sim.step(40);
      sim.removeAgent(src);
      expect(Number(sim.peek('replies'))).toBe(1);
      expect(Number(sim.peek('busy'))).toBe(1);
      const out = new FrameCollector(sim, 'm_axis', { backpressure: 0, seed: 4 });
      sim.step(20);
      out.detach();
      expect(out.frames.map((f) => [...f.data])).toEqual([[...reference([{ data: a, user: RxReason.ARP }]).replies[0]!]]);
    });
  });
});
