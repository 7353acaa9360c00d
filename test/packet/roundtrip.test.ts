import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  buildArpReply, buildArpRequest, buildTcpFrame, frameChecksums, parseFrame, serializeFrame,
  type Frame, type ParseErrorReason,
} from '../../sim/packet/index.ts';
import { bytes, expectedParsedOptions, mac, tcpFrame, tcpOptions, u16, u32 } from './arbitraries.ts';

const REASONS: ParseErrorReason[] = [
  'eth-truncated', 'arp-truncated', 'arp-unsupported', 'ipv4-truncated', 'ipv4-bad-version', 'ipv4-bad-ihl',
  'ipv4-bad-total-length', 'ipv4-fragment', 'ipv4-not-tcp', 'tcp-truncated', 'tcp-bad-data-offset',
  'tcp-data-offset-past-end', 'tcp-bad-option',
];

function parseOk(b: Uint8Array): Frame {
  const r = parseFrame(b);
  if (!r.ok) throw new Error(r.error.message);
  return r.value;
}

describe('frame round trips', () => {
  it('serialise → parse gives the same object and serialising again the same bytes', () => {
    fc.assert(
      fc.property(tcpFrame, (frame) => {
        const wire = serializeFrame(frame);
        const parsed = parseOk(wire);
        expect(parsed).toEqual(frame);
        expect(serializeFrame(parsed)).toEqual(wire);
      }),
      { numRuns: 300 },
    );
  });

  it('buildTcpFrame → parse: fields as given, options as given (+ EOL padding), checksums verify', () => {
    const spec = fc.record({
      srcMac: mac, dstMac: mac, srcIp: u32, dstIp: u32, srcPort: u16, dstPort: u16, seq: u32, ack: u32,
      flags: fc.integer({ min: 0, max: 0x1ff }), window: u16, options: tcpOptions, payload: bytes(1500),
      ipId: u16, ttl: fc.integer({ min: 0, max: 255 }),
    });
    fc.assert(
      fc.property(spec, (s) => {
        const wire = buildTcpFrame(s);
        const f = parseOk(wire);
        if (f.kind !== 'tcp') throw new Error(`expected a TCP frame, got ${f.kind}`);
        expect(frameChecksums(f)).toEqual({ ipv4: true, tcp: true });
        expect(f.eth).toEqual({ dst: s.dstMac, src: s.srcMac, ethertype: 0x0800 });
        expect(f.ip).toMatchObject({ src: s.srcIp, dst: s.dstIp, id: s.ipId, ttl: s.ttl, protocol: 6, df: true, ihl: 5 });
        expect(f.tcp).toMatchObject({
          srcPort: s.srcPort, dstPort: s.dstPort, seq: s.seq, ack: s.ack, flags: s.flags, window: s.window,
        });
        expect(f.tcp.options).toEqual(expectedParsedOptions(s.options));
        expect(f.payload).toEqual(s.payload);
        expect(serializeFrame(f)).toEqual(wire);
      }),
      { numRuns: 200 },
    );
  });

  it('accepts addresses as text', () => {
    const wire = buildTcpFrame({
      srcMac: '02:00:00:00:00:01', dstMac: '02:00:00:00:00:02', srcIp: '10.0.0.1', dstIp: '10.0.0.2',
      srcPort: 1234, dstPort: 80, seq: 1, ack: 0, flags: 0x002, window: 1024,
    });
    const f = parseOk(wire);
    expect(f.kind === 'tcp' && [f.ip.src, f.ip.dst]).toEqual([0x0a000001, 0x0a000002]);
    expect(wire.length).toBe(54);
  });

  it('ARP request and reply build, parse and serialise back', () => {
    fc.assert(
      fc.property(mac, mac, u32, u32, (a, b, ipA, ipB) => {
        const req = buildArpRequest({ srcMac: a, srcIp: ipA, targetIp: ipB });
        const rf = parseOk(req);
        expect(rf).toEqual({
          kind: 'arp',
          eth: { dst: new Uint8Array(6).fill(0xff), src: a, ethertype: 0x0806 },
          arp: { op: 1, senderMac: a, senderIp: ipA, targetMac: new Uint8Array(6), targetIp: ipB },
          trailer: new Uint8Array(0),
        });
        const rep = buildArpReply({ srcMac: b, srcIp: ipB, dstMac: a, dstIp: ipA });
        const pf = parseOk(rep);
        expect(pf.kind === 'arp' && pf.arp).toEqual({ op: 2, senderMac: b, senderIp: ipB, targetMac: a, targetIp: ipA });
        expect(pf.eth.dst).toEqual(a);
        expect(serializeFrame(rf)).toEqual(req);
        expect(serializeFrame(pf)).toEqual(rep);
      }),
    );
  });

  it('ARP padded to the 60-byte minimum keeps its padding as trailer', () => {
    const req = buildArpRequest({ srcMac: '02:00:00:00:00:01', srcIp: '10.0.0.1', targetIp: '10.0.0.2' });
    const padded = new Uint8Array(60);
    padded.set(req);
    const f = parseOk(padded);
    expect(f.kind === 'arp' && f.trailer.length).toBe(18);
    expect(serializeFrame(f)).toEqual(padded);
  });

  it('other ethertypes are kept whole', () => {
    fc.assert(
      fc.property(mac, mac, u16.filter((t) => ![0x0800, 0x0806, 0x8100, 0x88a8].includes(t)), bytes(100), (d, s, t, p) => {
        const wire = new Uint8Array([...d, ...s, t >> 8, t & 0xff, ...p]);
        const f = parseOk(wire);
        expect(f).toEqual({ kind: 'other', eth: { dst: d, src: s, ethertype: t }, payload: p });
        expect(serializeFrame(f)).toEqual(wire);
      }),
    );
  });

  it('damaged frames never throw: either a reason code, or a parse that serialises to the same bytes', () => {
    const damaged = fc
      .tuple(tcpFrame, fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { maxLength: 4 }), fc.nat(), fc.boolean())
      .map(([frame, edits, cut, doCut]) => {
        const w = serializeFrame(frame);
        for (const [at, v] of edits) w[at % w.length] = v;
        return doCut ? w.subarray(0, cut % (w.length + 1)) : w;
      });
    fc.assert(
      fc.property(fc.oneof(damaged, bytes(120)), (wire) => {
        const r = parseFrame(wire);
        if (r.ok) expect(serializeFrame(r.value)).toEqual(wire);
        else expect(REASONS).toContain(r.error.reason);
      }),
      { numRuns: 1000 },
    );
  });
});
