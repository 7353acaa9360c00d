// The RX checksum verifier against sim/packet: random TCP frames (IPv4 options, TCP options, payloads up to
// 9000 bytes, Ethernet padding), some with one byte of the IPv4 header or TCP segment changed, under random
// valid gaps and backpressure; frames that are not TCP/IPv4; line rate back to back. Every back end, 8, 64,
// 512 bits (and 128, 256 more briefly).
import { afterAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { simulate, type Sim } from '../../sim/harness.ts';
import { buildArpRequest, buildTcpFrame, fillIpv4HeaderChecksum, TcpFlags } from '../../sim/packet/index.ts';
import { RxChecksum, RX_CHECKSUM_LATENCY } from '../../blocks/checksum/rx-checksum.ts';
import { decodeVerdict, type VerdictValue } from '../../blocks/checksum/verdict.ts';
import { simBackends } from '../backends.ts';
import { buildFrame, frameCase, frameSpec, referenceVerdict, type Case } from './frames.ts';
import { backToBack, runFrames, sameBytes } from './run.ts';

const NOT_CHECKED: VerdictValue = { ipv4Checked: false, ipv4Ok: false, tcpChecked: false, tcpOk: false };
const ALL_OK: VerdictValue = { ipv4Checked: true, ipv4Ok: true, tcpChecked: true, tcpOk: true };

type RxSim = Sim<ReturnType<typeof RxChecksum.body>>;

/** Runs cases through the verifier; checks bytes unchanged, verdicts, and the counters against the reference. */
function verify(sim: RxSim, width: number, cases: Case[], traffic: { gap: number; backpressure: number; seed: number }) {
  sim.reset();
  const out = runFrames(sim as never, width / 8, cases.map((c) => ({ data: c.bytes })), traffic);
  let ipv4Bad = 0, tcpBad = 0;
  cases.forEach((c, i) => {
    const what = `frame ${i} (${c.bytes.length} bytes${c.corruptAt !== undefined ? `, byte ${c.corruptAt} changed` : ''})`;
    expect(sameBytes(out[i]!.data, c.bytes), `${what} passes unchanged`).toBe(true);
    const want = referenceVerdict(c.bytes);
    expect(decodeVerdict(out[i]!.user!), what).toEqual(want);
    if (c.corruptAt !== undefined) expect(want.ipv4Ok && want.tcpOk, `${what}: the reference flags it`).toBe(false);
    if (want.ipv4Checked && !want.ipv4Ok) ipv4Bad++;
    if (want.tcpChecked && !want.tcpOk) tcpBad++;
  });
  expect({ frames: sim.peekN('frames'), ipv4Bad: sim.peekN('ipv4_bad'), tcpBad: sim.peekN('tcp_bad') })
    .toEqual({ frames: cases.length, ipv4Bad, tcpBad });
}

const traffic = fc.record({
  gap: fc.constantFrom(0, 0.1, 0.5),
  backpressure: fc.constantFrom(0, 0.2, 0.6),
  seed: fc.integer({ min: 1, max: 1 << 30 }),
});

/** Frames that are not TCP over untagged IPv4, or are malformed, with the verdict each must get. */
function otherFrames(): { name: string; bytes: Uint8Array; want: VerdictValue }[] {
  const base = {
    srcMac: '02:00:00:00:00:01', dstMac: '02:00:00:00:00:02', srcIp: '198.18.0.1', dstIp: '198.18.0.2',
    srcPort: 40000, dstPort: 5001, seq: 1, ack: 2, flags: TcpFlags.ACK, window: 512, payload: new Uint8Array(100).fill(7),
  };
  const tcp = buildTcpFrame(base);
  const withIp = (f: (b: Uint8Array) => void) => {
    const b = tcp.slice();
    f(b);
    fillIpv4HeaderChecksum(b.subarray(14, 34));
    return b;
  };
  const udp = withIp((b) => { b[23] = 17; });
  const fragment = withIp((b) => { b[20] = 0x20; }); // MF
  const laterFragment = withIp((b) => { b[21] = 0x10; }); // fragment offset 16 * 8
  const truncated = withIp((b) => { b[17] = b[17]! + 4; }); // total length beyond the frame
  const shortTotal = withIp((b) => { b[16] = 0; b[17] = 20 + 12; }); // TCP length 12: no room for a header
  const padded = new Uint8Array(tcp.length + 30);
  padded.set(tcp);
  padded.fill(0xa5, tcp.length);
  const ipv6 = tcp.slice();
  ipv6[12] = 0x86; ipv6[13] = 0xdd;
  const version6 = withIp((b) => { b[14] = 0x65; });
  const ihl4 = withIp((b) => { b[14] = 0x44; });
  return [
    { name: 'ARP request', bytes: buildArpRequest({ srcMac: base.srcMac, srcIp: base.srcIp, targetIp: base.dstIp }), want: NOT_CHECKED },
    { name: 'VLAN-tagged TCP', bytes: buildTcpFrame({ ...base, vlan: { tpid: 0x8100, pcp: 0, dei: false, vid: 5 } }), want: NOT_CHECKED },
    { name: 'IPv6 ethertype', bytes: ipv6, want: NOT_CHECKED },
    { name: 'UDP', bytes: udp, want: { ipv4Checked: true, ipv4Ok: true, tcpChecked: false, tcpOk: false } },
    { name: 'first fragment', bytes: fragment, want: { ipv4Checked: true, ipv4Ok: true, tcpChecked: false, tcpOk: false } },
    { name: 'later fragment', bytes: laterFragment, want: { ipv4Checked: true, ipv4Ok: true, tcpChecked: false, tcpOk: false } },
    { name: 'total length past the frame', bytes: truncated, want: { ipv4Checked: true, ipv4Ok: false, tcpChecked: true, tcpOk: false } },
    { name: 'TCP length 12', bytes: shortTotal, want: { ipv4Checked: true, ipv4Ok: true, tcpChecked: true, tcpOk: false } },
    { name: 'version 6 in an IPv4 ethertype', bytes: version6, want: { ipv4Checked: true, ipv4Ok: false, tcpChecked: true, tcpOk: false } },
    { name: 'IHL 4', bytes: ihl4, want: { ipv4Checked: true, ipv4Ok: false, tcpChecked: true, tcpOk: false } },
    { name: '30 bytes of padding', bytes: padded, want: ALL_OK },
    { name: 'a 1-byte frame', bytes: new Uint8Array([0x45]), want: NOT_CHECKED },
    { name: 'IPv4 ethertype, 20 bytes', bytes: tcp.slice(0, 20), want: { ipv4Checked: true, ipv4Ok: false, tcpChecked: false, tcpOk: false } },
    { name: 'IPv4 header cut at byte 33', bytes: tcp.slice(0, 33), want: { ipv4Checked: true, ipv4Ok: false, tcpChecked: false, tcpOk: false } },
  ];
}

describe.each(simBackends())('rx_checksum (%s)', (backend) => {
  describe.each([8, 64, 512])('%i-bit', async (width) => {
    const sim = await simulate(RxChecksum, { width }, { backend });
    afterAll(() => sim.close());

    it('random TCP frames: unchanged, verdicts and counters as sim/packet says, one changed byte always caught', () => {
      fc.assert(fc.property(fc.array(frameCase(9000), { minLength: 1, maxLength: 4 }), traffic, (cases, t) => {
        verify(sim, width, cases, t);
      }), { numRuns: width === 8 ? 12 : 20 });
    });

    it('every single-byte change of a header-heavy frame is caught, at every alignment', () => {
      // IPv4 options and TCP options so the segment starts at a beat-unaligned offset; odd payload length.
      const spec = fc.sample(frameSpec(0), { numRuns: 1, seed: 11 })[0]!;
      const bytes = buildFrame({ ...spec, ipOptionWords: 3, tcpOptions: [{ type: 'mss', mss: 1460 }, { type: 'nop' }, { type: 'wscale', shift: 7 }], payload: new Uint8Array(37).fill(0x3c), trailer: new Uint8Array(0) });
      const ipEnd = 14 + ((bytes[16]! << 8) | bytes[17]!);
      const cases: Case[] = [{ bytes }];
      for (let at = 14; at < ipEnd; at++) {
        const b = bytes.slice();
        b[at]! ^= 1 << (at % 8);
        cases.push({ bytes: b, corruptAt: at });
      }
      verify(sim, width, cases, { gap: 0.2, backpressure: 0.2, seed: 3 });
    });

    it('frames that are not TCP over IPv4, or are malformed, pass with the right verdict and never stall', () => {
      const others = otherFrames();
      sim.reset();
      const out = runFrames(sim as never, width / 8, others.map((o) => ({ data: o.bytes })), { gap: 0.3, backpressure: 0.3, seed: 9 });
      others.forEach((o, i) => {
        expect(sameBytes(out[i]!.data, o.bytes), o.name).toBe(true);
        expect(decodeVerdict(out[i]!.user!), o.name).toEqual(o.want);
        expect(referenceVerdict(o.bytes), `${o.name}: the reference agrees`).toEqual(o.want);
      });
      const random = fc.sample(fc.uint8Array({ minLength: 1, maxLength: 80 }), { numRuns: 40, seed: width });
      const out2 = runFrames(sim as never, width / 8, random.map((data) => ({ data })), { gap: 0.1, backpressure: 0.1, seed: 4 });
      random.forEach((r, i) => expect(decodeVerdict(out2[i]!.user!), `random frame ${i}`).toEqual(referenceVerdict(r)));
    });

    it(`back to back at one beat per cycle: 64, 1500 and 9000-byte frames, ${RX_CHECKSUM_LATENCY} cycles latency`, () => {
      const specs = fc.sample(frameSpec(0), { numRuns: 3, seed: 21 });
      for (const [size, count] of [[64, 40], [1500, 8], [9000, 2]] as const) {
        sim.reset();
        const frames = specs.map((s, i) => {
          const hdr = 14 + 20 + 4 * s.ipOptionWords + 20;
          return { data: buildFrame({ ...s, ipOptionWords: i % 3, tcpOptions: [], payload: new Uint8Array(Math.max(0, size - hdr - 4 * (i % 3))).fill(i), trailer: new Uint8Array(0) }) };
        });
        const sent = Array.from({ length: count }, (_, i) => frames[i % frames.length]!);
        const r = backToBack(sim as never, width / 8, sent);
        expect(r.received.length).toBe(sent.length);
        // Pipeline fill only: no bubbles between beats or frames.
        expect(r.extraCycles, `${size}-byte frames`).toBeLessThanOrEqual(RX_CHECKSUM_LATENCY + 1);
        expect(sim.peekN('tcp_bad') + sim.peekN('ipv4_bad')).toBe(0);
        expect(sim.peekN('frames')).toBe(count);
      }
    });
  });

  describe.each([128, 256])('%i-bit', async (width) => {
    const sim = await simulate(RxChecksum, { width }, { backend });
    afterAll(() => sim.close());
    it('random TCP frames', () => {
      fc.assert(fc.property(fc.array(frameCase(3000), { minLength: 1, maxLength: 4 }), traffic, (cases, t) => {
        verify(sim, width, cases, t);
      }), { numRuns: 8 });
    });
  });
});
