// fast-check generators shared by the packet tests.
import fc from 'fast-check';
import type { EthernetHeader, Ipv4Header, TcpFrame, TcpHeader, TcpOption, VlanTag } from '../../sim/packet/index.ts';
import { tcpDataOffsetFor, tcpOptionsLength } from '../../sim/packet/index.ts';

export const u8 = fc.integer({ min: 0, max: 0xff });
export const u16 = fc.integer({ min: 0, max: 0xffff });
export const u32 = fc.integer({ min: 0, max: 0xffffffff });
export const mac = fc.uint8Array({ minLength: 6, maxLength: 6 });
export const bytes = (maxLength: number, minLength = 0) => fc.uint8Array({ minLength, maxLength });

const KNOWN_KINDS = new Set([0, 1, 2, 3, 4, 5, 8]);

/** Any option except EOL (EOL may only end a list). */
export const tcpOption: fc.Arbitrary<TcpOption> = fc.oneof(
  fc.constant<TcpOption>({ type: 'nop' }),
  u16.map((mss): TcpOption => ({ type: 'mss', mss })),
  u8.map((shift): TcpOption => ({ type: 'wscale', shift })),
  fc.constant<TcpOption>({ type: 'sack-permitted' }),
  fc.array(fc.record({ left: u32, right: u32 }), { minLength: 1, maxLength: 4 })
    .map((blocks): TcpOption => ({ type: 'sack', blocks })),
  fc.record({ tsval: u32, tsecr: u32 }).map((t): TcpOption => ({ type: 'timestamps', ...t })),
  fc.record({ kind: fc.integer({ min: 2, max: 255 }).filter((k) => !KNOWN_KINDS.has(k)), data: bytes(12) })
    .map((u): TcpOption => ({ type: 'unknown', ...u })),
);

/** Option lists that fit in 40 bytes, sometimes ending with EOL and non-zero padding. */
export const tcpOptions: fc.Arbitrary<TcpOption[]> = fc
  .tuple(fc.array(tcpOption, { maxLength: 12 }), fc.boolean(), bytes(3, 3))
  .map(([opts, withEol, pad]) => {
    const list = [...opts];
    while (tcpOptionsLength(list) > 40) list.pop();
    if (withEol && tcpOptionsLength(list) < 40) {
      // Padding must reach the 4-byte boundary and hold a non-zero byte to be kept as padding.
      const room = (4 - ((tcpOptionsLength(list) + 1) % 4)) % 4;
      const padding = pad.slice(0, room);
      if (padding.length > 0 && padding.some((b) => b !== 0)) list.push({ type: 'eol', padding });
      else list.push({ type: 'eol' });
    }
    return list;
  });

export const vlan: fc.Arbitrary<VlanTag> = fc.record({
  tpid: fc.constantFrom(0x8100, 0x88a8),
  pcp: fc.integer({ min: 0, max: 7 }),
  dei: fc.boolean(),
  vid: fc.integer({ min: 0, max: 4095 }),
});

/** A TCP frame object with every field random but lengths consistent (checksums random too). */
export const tcpFrame: fc.Arbitrary<TcpFrame> = fc
  .record({
    dst: mac, src: mac, vlan: fc.option(vlan, { nil: undefined }),
    ipOptWords: fc.integer({ min: 0, max: 10 }), ipOpt: bytes(40, 40),
    dscp: fc.integer({ min: 0, max: 63 }), ecn: fc.integer({ min: 0, max: 3 }), id: u16,
    reservedFlag: fc.boolean(), df: fc.boolean(), ttl: u8, ipChecksum: u16, srcIp: u32, dstIp: u32,
    srcPort: u16, dstPort: u16, seq: u32, ack: u32, reserved: fc.integer({ min: 0, max: 7 }),
    flags: fc.integer({ min: 0, max: 0x1ff }), window: u16, tcpChecksum: u16, urg: u16,
    options: tcpOptions, extraWords: fc.integer({ min: 0, max: 10 }),
    payload: bytes(200), trailer: bytes(8),
  })
  .map((r) => {
    const eth: EthernetHeader = { dst: r.dst, src: r.src, ethertype: 0x0800 };
    if (r.vlan) eth.vlan = r.vlan;
    // Written options are zero-padded; parsing reads that padding as an EOL entry.
    const tcpOpts = expectedParsedOptions(r.options);
    const minOffset = tcpDataOffsetFor(tcpOpts);
    // Extra zero words after the options parse back to the same list only after a plain EOL
    // (zero bytes read as EOL, or would extend an EOL's padding); otherwise use the minimum.
    const last = tcpOpts.at(-1);
    const plainEol = last?.type === 'eol' && !last.padding;
    const dataOffset = plainEol ? Math.min(15, minOffset + r.extraWords) : minOffset;
    const options = r.ipOpt.slice(0, r.ipOptWords * 4);
    const ip: Ipv4Header = {
      ihl: 5 + r.ipOptWords, dscp: r.dscp, ecn: r.ecn, totalLength: 20 + options.length + dataOffset * 4 + r.payload.length,
      id: r.id, reservedFlag: r.reservedFlag, df: r.df, mf: false, fragmentOffset: 0, ttl: r.ttl, protocol: 6,
      checksum: r.ipChecksum, src: r.srcIp, dst: r.dstIp, options,
    };
    const tcp: TcpHeader = {
      srcPort: r.srcPort, dstPort: r.dstPort, seq: r.seq, ack: r.ack, dataOffset, reserved: r.reserved,
      flags: r.flags, window: r.window, checksum: r.tcpChecksum, urgentPointer: r.urg, options: tcpOpts,
    };
    return { kind: 'tcp', eth, ip, tcp, payload: r.payload, trailer: r.trailer } satisfies TcpFrame;
  });

/** What parsing the options written by a builder gives back: the zero padding reads as one EOL. */
export function expectedParsedOptions(opts: TcpOption[]): TcpOption[] {
  const aligned = tcpOptionsLength(opts) % 4 === 0;
  return aligned || opts.at(-1)?.type === 'eol' ? opts : [...opts, { type: 'eol' }];
}
