import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  describeFrame, ipv4FromString, ipv4ToString, macFromString, macToString, parseFrame, parseTcpOptions,
  tcpFlagsToString, TcpFlags, writeTcpOptions, tcpOptionsLength, buildTcpFrame,
} from '../../sim/packet/index.ts';
import { mac, tcpOptions, u32 } from './arbitraries.ts';

describe('addresses', () => {
  it('IPv4 text round trip', () => {
    expect(ipv4FromString('192.168.0.1')).toBe(0xc0a80001);
    expect(ipv4ToString(0xffffffff)).toBe('255.255.255.255');
    fc.assert(fc.property(u32, (a) => {
      expect(ipv4FromString(ipv4ToString(a))).toBe(a);
    }));
  });

  it('MAC text round trip', () => {
    expect(macFromString('02-AB-00-00-00-01')).toEqual(new Uint8Array([2, 0xab, 0, 0, 0, 1]));
    fc.assert(fc.property(mac, (m) => {
      expect(macFromString(macToString(m))).toEqual(m);
    }));
  });

  it.each(['1.2.3', '1.2.3.256', '01.2.3.4', '1.2.3.4.5', 'a.b.c.d', ''])('rejects IPv4 "%s"', (t) => {
    expect(() => ipv4FromString(t)).toThrow(/invalid IPv4 address/);
  });

  it.each(['02:00:00:00:00', '02:00:00:00:00:100', 'zz:00:00:00:00:00'])('rejects MAC "%s"', (t) => {
    expect(() => macFromString(t)).toThrow(/invalid MAC address/);
  });
});

describe('TCP options', () => {
  it('option lists write and parse back (plus one EOL for the zero padding)', () => {
    fc.assert(fc.property(tcpOptions, (opts) => {
      const len = tcpOptionsLength(opts);
      const area = new Uint8Array(Math.ceil(len / 4) * 4);
      expect(writeTcpOptions(opts, area)).toBe(len);
      const r = parseTcpOptions(area);
      expect(r.ok && r.value).toEqual(len % 4 === 0 || opts.at(-1)?.type === 'eol' ? opts : [...opts, { type: 'eol' }]);
    }), { numRuns: 300 });
  });

  it('keeps non-zero bytes after EOL, drops nothing', () => {
    const area = new Uint8Array([1, 0, 0xaa, 0]);
    const r = parseTcpOptions(area);
    expect(r.ok && r.value).toEqual([{ type: 'nop' }, { type: 'eol', padding: new Uint8Array([0xaa, 0]) }]);
    const out = new Uint8Array(4);
    writeTcpOptions(r.ok ? r.value : [], out);
    expect(out).toEqual(area);
  });

  it('writing an option that cannot be encoded throws', () => {
    expect(() => writeTcpOptions([{ type: 'unknown', kind: 1, data: new Uint8Array(0) }], new Uint8Array(4))).toThrow(/cannot be encoded/);
    expect(() => buildTcpFrame({
      srcMac: mac0(), dstMac: mac0(), srcIp: 0, dstIp: 0, srcPort: 0, dstPort: 0, seq: 0, ack: 0, flags: 0, window: 0,
      options: [{ type: 'unknown', kind: 99, data: new Uint8Array(40) }],
    })).toThrow(/at most 40 fit/);
  });

  it('out-of-range builder fields throw, naming the field', () => {
    const spec = { srcMac: mac0(), dstMac: mac0(), srcIp: 0, dstIp: 0, srcPort: 0, dstPort: 0, seq: 0, ack: 0, flags: 0, window: 0 };
    expect(() => buildTcpFrame({ ...spec, srcPort: 65536 })).toThrow(/srcPort must be an integer in 0..65535, got 65536/);
    expect(() => buildTcpFrame({ ...spec, seq: -1 })).toThrow(/seq must be/);
    expect(() => buildTcpFrame({ ...spec, flags: 0x200 })).toThrow(/flags must be/);
  });
});

describe('formatting', () => {
  it('flags and frames read like tcpdump', () => {
    expect(tcpFlagsToString(TcpFlags.SYN | TcpFlags.ACK)).toBe('S.');
    expect(tcpFlagsToString(TcpFlags.FIN | TcpFlags.PSH | TcpFlags.ACK | TcpFlags.ECE | TcpFlags.CWR | TcpFlags.NS)).toBe('FPEWN.');
    expect(tcpFlagsToString(0)).toBe('none');
    const r = parseFrame(buildTcpFrame({
      srcMac: mac0(), dstMac: mac0(), srcIp: '10.0.0.1', dstIp: '10.0.0.2', srcPort: 1234, dstPort: 80,
      seq: 1, ack: 2, flags: TcpFlags.SYN | TcpFlags.ACK, window: 512,
      options: [{ type: 'mss', mss: 1460 }, { type: 'sack-permitted' }, { type: 'nop' }, { type: 'wscale', shift: 7 }],
    }));
    expect(r.ok && describeFrame(r.value)).toBe(
      '10.0.0.1.1234 > 10.0.0.2.80: Flags [S.], seq 1, ack 2, win 512, options [mss 1460,sackOK,nop,wscale 7,eol], length 0');
  });
});

function mac0(): Uint8Array {
  return new Uint8Array(6);
}
