// Segment descriptor -> the frame's Ethernet + IPv4 + TCP header bytes with both checksums, in two pipeline stages.
import { defineModule, input, output, Bool, UInt, lit, cat, when, type Sig } from '../../dsl/index.ts';
import { Handshake, MAX_HEADER_BYTES, segmentFields } from './types.ts';
import { fold16, sumTree, word, words16 } from './header-sum.ts';
import { bytesBE, tcpOptionArea } from './tcp-options.ts';

/**
 * A built header: `bytes` holds `len` header bytes, byte i at bits [8i+7:8i] (AXI4-Stream lane order), zero
 * past `len`. `payload_len` payload bytes follow it; `drop` says the descriptor was rejected (its payload
 * frame, if any, must be consumed without output).
 */
export const headerFields = {
  bytes: UInt(MAX_HEADER_BYTES * 8), len: UInt(7), payload_len: UInt(16), drop: Bool,
};

export interface SegHeaderParams {
  /** IPv4 TTL of every frame. */
  ttl: number;
}

/**
 * Stage 1 registers the descriptor's fields with the option area and the two checksum sums (unfolded);
 * stage 2 folds them and lays out the header. One descriptor per cycle; `desc_ready` falls only when both
 * stages hold a header nobody takes. IPv4: version 4, IHL 5, DSCP/ECN 0, DF, TTL `ttl`, ID from a counter
 * that counts descriptors. A descriptor whose IPv4 total length would pass 65535 is passed on with `drop`
 * set and counted in `oversize`.
 */
export const SegHeader = defineModule('seg_header', (m, p: SegHeaderParams) => {
  if (!Number.isInteger(p.ttl) || p.ttl < 1 || p.ttl > 255) throw new Error(`seg_header: ttl must be 1..255, got ${p.ttl}`);
  const io = m.io({
    desc: input(Handshake(segmentFields)),
    tsval: input(UInt(32)),
    hdr: output(Handshake(headerFields)),
    oversize: output(UInt(32)),
  });
  const d = io.desc;

  // ---- stage 1: option area, lengths, sums
  const options = tcpOptionArea({
    ts_enabled: d.ts_enabled, tsval: io.tsval, ts_ecr: d.ts_ecr, sack_count: d.sack_count, sack: d.sack,
    syn: { opts: d.syn_opts, mss: d.syn_mss, sack_ok: d.syn_sack_ok, ws_ok: d.syn_ws_ok, ws: d.syn_ws },
  });
  const tcpHeaderLen = options.length.zext(7).add(20);
  const tcpLen = tcpHeaderLen.zext(17).add(d.payload_len.zext(17));
  const ipTotal = tcpLen.addWide(20); // 18 bits
  const tooLong = ipTotal.gt(0xffff);
  const dataOffset = tcpHeaderLen.slice(5, 2); // 32-bit words, 5..15
  const offsetFlags = cat(dataOffset, lit(0, UInt(4)), d.flags);
  const ipId = m.reg(UInt(16), { reset: 0 });

  const tcpSumNow = sumTree([
    ...words16(d.src_ip), ...words16(d.dst_ip), word(6), tcpLen.slice(15, 0),
    d.src_port, d.dst_port, ...words16(d.seq), ...words16(d.ack), offsetFlags, d.window,
    ...options.sumTerms, d.payload_sum,
  ]);
  const ipSumNow = sumTree([
    word(0x4500), ipTotal.slice(15, 0), ipId, word(0x4000), word((p.ttl << 8) | 6),
    ...words16(d.src_ip), ...words16(d.dst_ip),
  ]);

  const s1Valid = m.reg(Bool, { reset: false });
  const s1 = {
    dstMac: m.reg(UInt(48)), srcMac: m.reg(UInt(48)), srcIp: m.reg(UInt(32)), dstIp: m.reg(UInt(32)),
    srcPort: m.reg(UInt(16)), dstPort: m.reg(UInt(16)), seq: m.reg(UInt(32)), ack: m.reg(UInt(32)),
    offsetFlags: m.reg(UInt(16)), window: m.reg(UInt(16)), optionBytes: m.reg(UInt(320)), headerLen: m.reg(UInt(7)),
    ipTotal: m.reg(UInt(16)), ipId: m.reg(UInt(16)), tcpSum: m.reg(UInt(tcpSumNow.width)), ipSum: m.reg(UInt(ipSumNow.width)),
    payloadLen: m.reg(UInt(16)), drop: m.reg(Bool),
  };

  // ---- stage 2: fold, complement, lay out the bytes
  const ipChecksum = fold16(s1.ipSum).not();
  const tcpChecksum = fold16(s1.tcpSum).not();
  const byte = (v: number) => lit(v, UInt(8));
  const headerBytes: Sig[] = [
    ...bytesBE(s1.dstMac), ...bytesBE(s1.srcMac), byte(0x08), byte(0x00),
    byte(0x45), byte(0x00), ...bytesBE(s1.ipTotal), ...bytesBE(s1.ipId), byte(0x40), byte(0x00), byte(p.ttl), byte(6),
    ...bytesBE(ipChecksum), ...bytesBE(s1.srcIp), ...bytesBE(s1.dstIp),
    ...bytesBE(s1.srcPort), ...bytesBE(s1.dstPort), ...bytesBE(s1.seq), ...bytesBE(s1.ack), ...bytesBE(s1.offsetFlags),
    ...bytesBE(s1.window), ...bytesBE(tcpChecksum), byte(0), byte(0), ...bytesBE(s1.optionBytes),
  ];
  if (headerBytes.length !== MAX_HEADER_BYTES) throw new Error(`seg_header: laid out ${headerBytes.length} bytes`);
  const laneOrder = cat(...[...headerBytes].reverse());

  const s2Valid = m.reg(Bool, { reset: false });
  const s2Bytes = m.reg(UInt(MAX_HEADER_BYTES * 8));
  const s2Len = m.reg(UInt(7));
  const s2PayloadLen = m.reg(UInt(16));
  const s2Drop = m.reg(Bool);
  const oversize = m.reg(UInt(32), { reset: 0 });

  const s2Free = s2Valid.lnot().lor(io.hdr.ready);
  const s1Free = s1Valid.lnot().lor(s2Free);
  when(s2Free, () => {
    s2Valid.set(s1Valid);
    s2Bytes.set(laneOrder);
    s2Len.set(s1.headerLen.add(34));
    s2PayloadLen.set(s1.payloadLen);
    s2Drop.set(s1.drop);
  });
  when(s1Free, () => {
    s1Valid.set(d.valid);
    s1.dstMac.set(d.dst_mac); s1.srcMac.set(d.src_mac); s1.srcIp.set(d.src_ip); s1.dstIp.set(d.dst_ip);
    s1.srcPort.set(d.src_port); s1.dstPort.set(d.dst_port); s1.seq.set(d.seq); s1.ack.set(d.ack);
    s1.offsetFlags.set(offsetFlags); s1.window.set(d.window);
    s1.optionBytes.set(options.bits); s1.headerLen.set(tcpHeaderLen);
    s1.ipTotal.set(ipTotal.slice(15, 0)); s1.ipId.set(ipId);
    s1.tcpSum.set(tcpSumNow); s1.ipSum.set(ipSumNow);
    s1.payloadLen.set(d.payload_len); s1.drop.set(tooLong);
    when(d.valid, () => {
      ipId.set(ipId.add(1));
      when(tooLong, () => oversize.set(oversize.add(1)));
    });
  });

  d.ready.set(s1Free);
  io.hdr.valid.set(s2Valid);
  io.hdr.bytes.set(s2Bytes);
  io.hdr.len.set(s2Len);
  io.hdr.payload_len.set(s2PayloadLen);
  io.hdr.drop.set(s2Drop);
  io.oversize.set(oversize);
  return io;
}, { ttl: 64 } as SegHeaderParams);
