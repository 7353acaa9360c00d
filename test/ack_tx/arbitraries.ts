// fast-check generators for the ack_tx tests.
import fc from 'fast-check';
import type { AckRequest, ConnValues, SackBlockValue, SegmentDesc } from './fields.ts';
import { payloadBytes, type Segment } from './drivers.ts';
import { payloadSum } from './reference.ts';

export const u8 = fc.integer({ min: 0, max: 0xff });
export const u16 = fc.integer({ min: 0, max: 0xffff });
export const u32 = fc.integer({ min: 0, max: 0xffffffff });
export const mac = fc.integer({ min: 0, max: 2 ** 48 - 1 });
const sackBlocks = fc.array(fc.record({ left: u32, right: u32 }), { minLength: 4, maxLength: 4 }) as fc.Arbitrary<SackBlockValue[]>;

export const addresses = fc.record({ dst_mac: mac, src_mac: mac, src_ip: u32, dst_ip: u32, src_port: u16, dst_port: u16 });

/** Payload lengths 0..9000, with the edges (0, 1, a beat, jumbo) more likely than uniform. */
export const payloadLength = fc.oneof(
  fc.integer({ min: 0, max: 9000 }),
  fc.integer({ min: 0, max: 130 }),
  fc.constantFrom(0, 1, 2, 6, 7, 8, 9, 10, 63, 64, 65, 1460, 8946, 9000),
);

export const segment: fc.Arbitrary<Segment> = fc.record({
  addr: addresses, seq: u32, ack: u32, flags: u8, window: u16, ts_enabled: fc.boolean(), ts_ecr: u32,
  sack_count: fc.integer({ min: 0, max: 7 }), sack: sackBlocks, length: payloadLength, seed: fc.nat(),
}).map(({ addr, length, seed, ...rest }) => {
  const payload = payloadBytes(length, seed);
  const desc: SegmentDesc = { ...addr, ...rest, payload_len: length, payload_sum: payloadSum(payload) };
  return { desc, payload };
});

export const conn: fc.Arbitrary<ConnValues> = fc.record({
  ...addresses_(), snd_nxt: u32, rcv_nxt: u32,
  rcv_wnd: fc.oneof(u32, fc.integer({ min: 0, max: 0x3fffffff }), fc.integer({ min: 0, max: 0xffff })),
  rcv_wscale: fc.integer({ min: 0, max: 15 }), ts_enabled: fc.boolean(), ts_recent: u32,
});
function addresses_() { return { dst_mac: mac, src_mac: mac, src_ip: u32, dst_ip: u32, src_port: u16, dst_port: u16 }; }

/** Flag bytes of an offending segment: every combination of SYN, FIN, ACK, RST matters to the RST rules. */
export const segFlags = fc.oneof(u8, fc.constantFrom(0x02, 0x10, 0x01, 0x11, 0x12, 0x03, 0x00, 0x18, 0x04, 0x14));

export const ackRequest: fc.Arbitrary<AckRequest> = fc.record({
  kind: fc.constantFrom(0, 0, 1), conn, sack_count: fc.integer({ min: 0, max: 7 }), sack: sackBlocks,
  seg_seq: u32, seg_ack: u32, seg_len: u16, seg_flags: segFlags,
}).map(({ conn: c, ...r }) => ({ ...c, ...r }));
