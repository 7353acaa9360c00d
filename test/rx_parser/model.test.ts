// The RX parser's reference model against sim/packet's parseFrame and against hand-made frames, one per rule.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { RxReason, isSlowPath } from '../../blocks/rx_parser/reasons.ts';
import { buildArpRequest, buildTcpFrame, parseFrame, TcpFlags } from '../../sim/packet/index.ts';
import { expectRx, reasonOf, summariseOptions, walkOptions } from './model.ts';
import { anyFrame, tcpFrameBytes } from './arbitraries.ts';

const base = () => buildTcpFrame({
  srcMac: '02:00:00:00:00:01', dstMac: '02:00:00:00:00:02', srcIp: '198.18.0.1', dstIp: '198.18.0.2',
  srcPort: 40000, dstPort: 80, seq: 1, ack: 2, flags: TcpFlags.ACK, window: 1000,
  options: [{ type: 'nop' }, { type: 'nop' }, { type: 'timestamps', tsval: 5, tsecr: 6 }], payload: new Uint8Array(100).fill(7),
});
const edit = (f: Uint8Array, at: number, ...bytes: number[]) => { const g = f.slice(); g.set(bytes, at); return g; };

describe('rx_parser model', () => {
  it('gives each documented reason for a frame made to hit it', () => {
    const f = base(); // 14 + 20 + 32 + 100 = 166 bytes, total length 152
    const cases: [string, Uint8Array, boolean, RxReason][] = [
      ['good', f, false, RxReason.OK],
      ['Ethernet padding after the datagram', Uint8Array.from([...f, 0, 0, 0]), false, RxReason.OK],
      ['13 bytes', f.slice(0, 13), false, RxReason.TRUNCATED],
      ['ARP', buildArpRequest({ srcMac: '02:00:00:00:00:01', srcIp: '198.18.0.1', targetIp: '198.18.0.2' }), false, RxReason.ARP],
      ['ARP with an FCS error', buildArpRequest({ srcMac: '02:00:00:00:00:01', srcIp: '198.18.0.1', targetIp: '198.18.0.2' }), true, RxReason.ARP],
      ['IPv6', edit(f, 12, 0x86, 0xdd), false, RxReason.NON_IPV4],
      ['14 bytes of IPv4', f.slice(0, 14), false, RxReason.TRUNCATED],
      ['version 6 in an IPv4 ethertype', edit(f, 14, 0x65), false, RxReason.NON_IPV4],
      ['IHL 4', edit(f, 14, 0x44), false, RxReason.BAD_IHL],
      ['23 bytes', f.slice(0, 23), false, RxReason.TRUNCATED],
      ['MF set', edit(f, 20, 0x20), false, RxReason.FRAGMENT],
      ['fragment offset 1', edit(f, 20, 0x40, 0x01), false, RxReason.FRAGMENT],
      ['UDP', edit(f, 23, 17), false, RxReason.NON_TCP],
      ['FCS error', f, true, RxReason.MAC_ERROR],
      ['cut inside the TCP header', f.slice(0, 50), false, RxReason.TRUNCATED],
      ['total length below IHL', edit(f, 16, 0, 16), false, RxReason.BAD_IHL],
      ['total length with no room for TCP', edit(f, 16, 0, 39), false, RxReason.BAD_TOTAL_LEN],
      ['data offset 4', edit(f, 46, 0x40), false, RxReason.BAD_DATA_OFFSET],
      ['data offset past the datagram', edit(f, 16, 0, 50), false, RxReason.BAD_DATA_OFFSET],
      ['cut inside the TCP options', f.slice(0, 60), false, RxReason.TRUNCATED],
      ['total length past the frame', edit(f, 16, 0, 153), false, RxReason.BAD_TOTAL_LEN],
      ['payload cut short', f.slice(0, 100), false, RxReason.BAD_TOTAL_LEN],
    ];
    for (const [what, frame, macError, reason] of cases) expect(reasonOf(frame, macError), what).toBe(reason);
  });

  it('a checksum error (tuser bit 1) rejects a TCP frame only after every header check and the MAC error', () => {
    const f = base();
    expect(reasonOf(f, false, true)).toBe(RxReason.BAD_CHECKSUM);
    expect(reasonOf(f, true, true)).toBe(RxReason.MAC_ERROR);
    expect(reasonOf(f.slice(0, 100), false, true)).toBe(RxReason.BAD_TOTAL_LEN);
    expect(reasonOf(edit(f, 46, 0x40), false, true)).toBe(RxReason.BAD_DATA_OFFSET);
    expect(reasonOf(edit(f, 23, 17), false, true)).toBe(RxReason.NON_TCP);
    const e = expectRx(f, false, 1, true);
    expect(e.meta).toEqual({ reason: BigInt(RxReason.BAD_CHECKSUM), has_payload: 1n });
    expect(e.payload!.length).toBe(100);
  });

  it('gives payload and metadata of a late-rejected frame, and none of an early-dropped one', () => {
    const f = base();
    const cut = expectRx(f.slice(0, 100));
    expect(cut.meta).toEqual({ reason: BigInt(RxReason.BAD_TOTAL_LEN), has_payload: 1n });
    expect([...cut.payload!]).toEqual(new Array(100 - 66).fill(7));
    expect(expectRx(f, true).payload!.length).toBe(100);
    expect(expectRx(edit(f, 46, 0x40))).toEqual({ reason: RxReason.BAD_DATA_OFFSET, meta: { reason: BigInt(RxReason.BAD_DATA_OFFSET), has_payload: 0n }, payload: undefined });
    expect(expectRx(edit(f, 14, 0x44))).toEqual({ reason: RxReason.BAD_IHL });
  });

  it('agrees with parseFrame on random frames', () => {
    fc.assert(fc.property(anyFrame({ tcp: 4, slow: 3, garbage: 3 }), ({ data, macError }) => {
      const p = parseFrame(data);
      const e = expectRx(data, macError);
      const vlan = p.ok && p.value.eth.vlan !== undefined;
      if (isSlowPath(e.reason)) expect(e.slow).toEqual({ data, user: e.reason | (macError ? 16 : 0) });
      else if (macError) expect(e.reason).toBe(RxReason.MAC_ERROR);
      if (macError) return;
      if (p.ok && p.value.kind === 'tcp' && !vlan) {
        expect(e.reason).toBe(RxReason.OK);
        expect(e.payload ?? new Uint8Array(0)).toEqual(p.value.payload);
        expect(e.meta!.tcp_seq).toBe(BigInt(p.value.tcp.seq));
        expect(e.meta!.payload_len).toBe(BigInt(p.value.payload.length));
      } else if (p.ok) {
        expect(e.reason).toBe(p.value.kind === 'arp' ? RxReason.ARP : RxReason.NON_IPV4);
      } else {
        const allowed: Record<string, RxReason[]> = {
          'eth-truncated': [RxReason.TRUNCATED, RxReason.NON_IPV4],
          'arp-truncated': [RxReason.ARP], 'arp-unsupported': [RxReason.ARP],
          'ipv4-bad-version': [RxReason.NON_IPV4],
          'ipv4-bad-ihl': [RxReason.BAD_IHL],
          'ipv4-fragment': [RxReason.FRAGMENT],
          'ipv4-not-tcp': [RxReason.NON_TCP],
          'ipv4-truncated': [RxReason.TRUNCATED, RxReason.BAD_IHL, RxReason.FRAGMENT, RxReason.NON_TCP, RxReason.NON_IPV4],
          'ipv4-bad-total-length': [RxReason.TRUNCATED, RxReason.BAD_IHL, RxReason.BAD_TOTAL_LEN, RxReason.BAD_DATA_OFFSET, RxReason.FRAGMENT, RxReason.NON_TCP],
          'tcp-truncated': [RxReason.TRUNCATED, RxReason.BAD_TOTAL_LEN],
          'tcp-bad-data-offset': [RxReason.BAD_DATA_OFFSET],
          'tcp-data-offset-past-end': [RxReason.BAD_DATA_OFFSET],
          'tcp-bad-option': [RxReason.OK],
        };
        expect(allowed[p.error.reason], `${p.error.message} -> ${RxReason[e.reason]}`).toContain(e.reason);
        if (p.error.reason === 'tcp-bad-option') expect(e.meta!.opt_malformed).toBe(1n);
      }
    }), { numRuns: 3000, seed: 11 });
  });

  it('walks well-formed options to what sim/packet decodes', () => {
    fc.assert(fc.property(tcpFrameBytes(0), (data) => {
      const p = parseFrame(data);
      if (!p.ok || p.value.kind !== 'tcp') throw new Error('generator made a bad frame');
      const tcpStart = 14 + p.value.ip.ihl * 4;
      expect(walkOptions(data.subarray(tcpStart + 20, tcpStart + p.value.tcp.dataOffset * 4))).toEqual(summariseOptions(p.value.tcp.options));
    }), { numRuns: 2000, seed: 12 });
  });
});
