// The ACK frame builder: an ACK/RST request (connection fields) -> a complete pure-ACK or RST frame.
import { defineModule, input, output, Bool, UInt, Stream, lit, mux, type Sig } from '../../dsl/index.ts';
import { AckKind, Handshake, ackRequestFields, checkWidth, segmentFields } from './types.ts';
import { SegHeader, headerFields } from './seg-header.ts';
import { FrameAssembler } from './frame-assembler.ts';
import { assign, connectHandshake, connectStream, pick, type Bundle } from './bundle.ts';

export interface AckFrameParams {
  /** Datapath bits (8 .. 512). */
  width: number;
  /** IPv4 TTL. */
  ttl: number;
}

const TCP_RST = 0x04, TCP_ACK = 0x10;

/** min(rcv_wnd >> min(wscale, 14), 65535): the window field (RFC 7323 §2.3 caps the shift at 14). */
export function advertisedWindow(rcvWnd: Sig, wscale: Sig): Sig {
  const shift = mux(wscale.gt(14), lit(14, UInt(4)), wscale);
  const scaled = rcvWnd.shr(shift);
  return mux(scaled.gt(0xffff), lit(0xffff, UInt(16)), scaled.slice(15, 0));
}

/**
 * Turns a request into a segment descriptor, then builds it like any segment (the header builder's first
 * stage registers it).
 * ACK: SEQ = SND.NXT, ACK = RCV.NXT, flags ACK, window advertisedWindow(RCV.WND, wscale), NOP NOP TS
 * (TSval = `tsval`, TSecr = TS.Recent) when ts_enabled, NOP NOP SACK with sack_count blocks.
 * RST (RFC 9293 §3.10.7.1, for a segment to no connection): if the segment had ACK, SEQ = SEG.ACK and flags
 * RST; otherwise SEQ = 0, ACK = SEG.SEQ + SEG.LEN (SYN and FIN count one each) and flags RST+ACK. Window 0,
 * no options. One request per cycle when the output keeps up.
 */
export const AckFrame = defineModule('ack_frame', (m, p: AckFrameParams) => {
  checkWidth('ack_frame', p.width);
  const io = m.io({
    req: input(Handshake(ackRequestFields)),
    tsval: input(UInt(32)),
    m_axis: output(Stream(p.width, { keep: true, last: true })),
    frames: output(UInt(32)),
  });
  const r = io.req;
  const isRst = r.kind.eq(AckKind.RST);
  const segAck = r.seg_flags.bit(4);
  // SEG.LEN counts SYN (bit 1) and FIN (bit 0) as one byte each.
  const segLen = r.seg_len.zext(32).add(r.seg_flags.bit(1).zext(32)).add(r.seg_flags.bit(0).zext(32));
  const rstSeq = mux(segAck, r.seg_ack, lit(0, UInt(32)));
  const rstAck = mux(segAck, lit(0, UInt(32)), r.seg_seq.add(segLen));
  const rstFlags = mux(segAck, lit(TCP_RST, UInt(8)), lit(TCP_RST | TCP_ACK, UInt(8)));

  const segment = {
    dst_mac: r.dst_mac, src_mac: r.src_mac, src_ip: r.src_ip, dst_ip: r.dst_ip, src_port: r.src_port, dst_port: r.dst_port,
    seq: mux(isRst, rstSeq, r.snd_nxt),
    ack: mux(isRst, rstAck, r.rcv_nxt),
    flags: mux(isRst, rstFlags, lit(TCP_ACK, UInt(8))),
    window: mux(isRst, lit(0, UInt(16)), advertisedWindow(r.rcv_wnd, r.rcv_wscale)),
    ts_enabled: r.ts_enabled.land(isRst.lnot()),
    ts_ecr: r.ts_recent,
    sack_count: mux(isRst, lit(0, UInt(3)), r.sack_count),
    sack: r.sack,
    syn_opts: lit(0, Bool), syn_mss: lit(0, UInt(16)), syn_sack_ok: lit(0, Bool), syn_ws_ok: lit(0, Bool), syn_ws: lit(0, UInt(4)),
    payload_len: lit(0, UInt(16)),
    payload_sum: lit(0, UInt(16)),
  };

  const header = m.instance(SegHeader, { ttl: p.ttl });
  const assembler = m.instance(FrameAssembler, { width: p.width, payload: false });
  assign(pick(header.desc, segmentFields) as Bundle, segment as unknown as Bundle);
  header.desc.valid.set(r.valid);
  r.ready.set(header.desc.ready);
  header.tsval.set(io.tsval);
  connectHandshake(assembler.hdr, header.hdr, headerFields);
  connectStream(io.m_axis, assembler.m_axis);
  io.frames.set(assembler.frames);
  return io;
}, { width: 64, ttl: 64 } as AckFrameParams);
