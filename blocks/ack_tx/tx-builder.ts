// The TX frame builder: a segment descriptor and its payload stream -> a complete Ethernet/IPv4/TCP frame.
import { defineModule, input, output, UInt, Stream } from '../../dsl/index.ts';
import { Handshake, checkWidth, segmentFields } from './types.ts';
import { SegHeader, headerFields } from './seg-header.ts';
import { FrameAssembler } from './frame-assembler.ts';
import { connectHandshake, connectStream } from './bundle.ts';

export interface TxBuilderParams {
  /** Datapath bits (8 .. 512). */
  width: number;
  /** IPv4 TTL. */
  ttl: number;
}

/**
 * Descriptors (`desc`) and payload frames (`s_axis`) pair up in order; a descriptor with payload_len 0 takes
 * no payload frame. Each frame leaves on `m_axis` as header (54 bytes + options) then payload, with the IPv4
 * header checksum and the TCP checksum (pseudo-header + header + options + the descriptor's payload_sum)
 * filled in. TSval of the timestamp option is `tsval` when the descriptor enters. Sustains one output beat
 * per cycle across back-to-back frames; the payload stalls only while header beats go out.
 */
export const TxBuilder = defineModule('tx_builder', (m, p: TxBuilderParams) => {
  checkWidth('tx_builder', p.width);
  const beat = Stream(p.width, { keep: true, last: true });
  const io = m.io({
    desc: input(Handshake(segmentFields)),
    tsval: input(UInt(32)),
    s_axis: input(beat),
    m_axis: output(beat),
    frames: output(UInt(32)),
    len_errors: output(UInt(32)),
    oversize: output(UInt(32)),
  });
  const header = m.instance(SegHeader, { ttl: p.ttl });
  const assembler = m.instance(FrameAssembler, { width: p.width, payload: true });
  connectHandshake(header.desc, io.desc, segmentFields);
  header.tsval.set(io.tsval);
  connectHandshake(assembler.hdr, header.hdr, headerFields);
  connectStream(assembler.s_axis, io.s_axis);
  connectStream(io.m_axis, assembler.m_axis);
  io.frames.set(assembler.frames);
  io.len_errors.set(assembler.len_errors);
  io.oversize.set(header.oversize);
  return io;
}, { width: 64, ttl: 64 } as TxBuilderParams);
