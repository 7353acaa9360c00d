import { describe, expect, it } from 'vitest';
import {
  buildArpRequest, buildTcpFrame, fillIpv4HeaderChecksum, frameChecksums, parseFrame, TcpFlags,
  type ParseErrorReason,
} from '../../sim/packet/index.ts';

const IP = 14; // IPv4 header offset in an untagged frame
const TCP = 34; // TCP header offset when the IPv4 header has no options

function frame(payloadLength = 8): Uint8Array {
  return buildTcpFrame({
    srcMac: '02:00:00:00:00:01', dstMac: '02:00:00:00:00:02', srcIp: '10.0.0.1', dstIp: '10.0.0.2',
    srcPort: 40000, dstPort: 80, seq: 1000, ack: 2000, flags: TcpFlags.ACK | TcpFlags.PSH, window: 512,
    options: [{ type: 'nop' }, { type: 'nop' }, { type: 'timestamps', tsval: 1, tsecr: 2 }],
    payload: new Uint8Array(payloadLength).fill(0x61),
  });
}

function setTotalLength(b: Uint8Array, len: number): void {
  b[IP + 2] = len >>> 8;
  b[IP + 3] = len & 0xff;
  fillIpv4HeaderChecksum(b.subarray(IP, IP + (b[IP]! & 0xf) * 4));
}

function patch(b: Uint8Array, at: number, ...values: number[]): Uint8Array {
  const c = b.slice();
  c.set(values, at);
  return c;
}

// Each case: the bytes, the expected reason and the byte offset the error points at.
const cases: [string, ParseErrorReason, number, () => Uint8Array][] = [
  ['frame shorter than an Ethernet header', 'eth-truncated', 0, () => frame().subarray(0, 13)],
  ['VLAN tag cut short', 'eth-truncated', 12, () => patch(frame().subarray(0, 16), 12, 0x81, 0x00)],
  ['ARP body cut short', 'arp-truncated', 14, () => buildArpRequest({ srcMac: '02:00:00:00:00:01', srcIp: '10.0.0.1', targetIp: '10.0.0.2' }).subarray(0, 40)],
  ['ARP for another hardware type', 'arp-unsupported', 14, () => patch(buildArpRequest({ srcMac: '02:00:00:00:00:01', srcIp: '10.0.0.1', targetIp: '10.0.0.2' }), 14, 0, 6)],
  ['fewer than 20 IPv4 bytes', 'ipv4-truncated', IP, () => frame().subarray(0, IP + 19)],
  ['IHL beyond the bytes present', 'ipv4-truncated', IP, () => patch(frame().subarray(0, IP + 22), IP, 0x46)],
  ['IPv6 version nibble under ethertype IPv4', 'ipv4-bad-version', IP, () => patch(frame(), IP, 0x65)],
  ['IHL 4', 'ipv4-bad-ihl', IP, () => patch(frame(), IP, 0x44)],
  ['total length below the header length', 'ipv4-bad-total-length', IP + 2, () => { const b = frame(); setTotalLength(b, 19); return b; }],
  ['total length beyond the frame', 'ipv4-bad-total-length', IP + 2, () => { const b = frame(); setTotalLength(b, b.length - IP + 1); return b; }],
  ['frame cut in the payload', 'ipv4-bad-total-length', IP + 2, () => frame(100).subarray(0, 80)],
  ['more-fragments bit', 'ipv4-fragment', IP + 6, () => patch(frame(), IP + 6, 0x20, 0x00)],
  ['non-zero fragment offset', 'ipv4-fragment', IP + 6, () => patch(frame(), IP + 6, 0x00, 0xb9)],
  ['UDP', 'ipv4-not-tcp', IP + 9, () => patch(frame(), IP + 9, 17)],
  ['TCP header cut short by the total length', 'tcp-truncated', TCP, () => { const b = frame(0); setTotalLength(b, 20 + 19); return b; }],
  ['data offset 4', 'tcp-bad-data-offset', TCP + 12, () => patch(frame(), TCP + 12, 0x40)],
  ['data offset 0', 'tcp-bad-data-offset', TCP + 12, () => patch(frame(), TCP + 12, 0x00)],
  ['data offset past the end of the segment', 'tcp-data-offset-past-end', TCP + 12, () => patch(frame(0), TCP + 12, 0xf0)],
  ['option length 1', 'tcp-bad-option', TCP + 21, () => patch(frame(), TCP + 20, 2, 1)],
  ['option length running past the header', 'tcp-bad-option', TCP + 21, () => patch(frame(), TCP + 20, 8, 13)],
  ['option kind without a length byte', 'tcp-bad-option', TCP + 31, () => patch(frame(), TCP + 20, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 8)],
];

describe('malformed frames give reason codes, never throw', () => {
  it.each(cases)('%s → %s at byte %i', (_name, reason, offset, make) => {
    const bytes = make();
    let r: ReturnType<typeof parseFrame> | undefined;
    expect(() => { r = parseFrame(bytes); }).not.toThrow();
    expect(r!.ok).toBe(false);
    if (r!.ok) return;
    expect(r!.error.reason).toBe(reason);
    expect(r!.error.offset).toBe(offset);
    expect(r!.error.message).toMatch(new RegExp(`^${reason} at byte ${offset}: `));
  });

  it('the unmodified frame parses (so each case above fails for its own reason)', () => {
    expect(parseFrame(frame()).ok).toBe(true);
    expect(parseFrame(frame(0)).ok).toBe(true);
  });

  it('empty input', () => {
    const r = parseFrame(new Uint8Array(0));
    expect(!r.ok && r.error.reason).toBe('eth-truncated');
  });

  it('bad checksums parse but are reported by frameChecksums', () => {
    const b = frame();
    b[IP + 8] ^= 1; // TTL: breaks the IPv4 checksum only
    b[b.length - 1] ^= 1; // payload: breaks the TCP checksum only
    const r = parseFrame(b);
    if (!r.ok || r.value.kind !== 'tcp') throw new Error('expected a TCP frame');
    expect(frameChecksums(r.value)).toEqual({ ipv4: false, tcp: false });
  });

  it('a known option with the wrong length is kept as unknown, bytes intact', () => {
    const b = patch(frame(), TCP + 20, 2, 3, 0x05, 1); // MSS with length 3, then a NOP
    const r = parseFrame(b);
    if (!r.ok || r.value.kind !== 'tcp') throw new Error('expected a TCP frame');
    expect(r.value.tcp.options[0]).toEqual({ type: 'unknown', kind: 2, data: new Uint8Array([0x05]) });
    expect(r.value.tcp.options[1]).toEqual({ type: 'nop' });
  });
});
