// The TOE's receive front end: frames from the MAC through the checksum verifier into the RX parser, so a
// frame whose IPv4 header or TCP checksum is wrong leaves the fast path with its own reason (BAD_CHECKSUM).
import { defineModule, input, output, cat, lit, UInt, Stream, type Sig, type Wire } from '../../dsl/index.ts';
import { RxChecksum } from '../checksum/rx-checksum.ts';
import { Verdict, VERDICT_BITS } from '../checksum/verdict.ts';
import { RxParser, type RxParserParams } from '../rx_parser/rx-parser.ts';
import { metaBundle, metaFields } from '../rx_parser/meta.ts';
import { RX_REASON_BITS } from '../rx_parser/reasons.ts';
import { connectStream } from '../lib/connect.ts';

export type RxFrontParams = RxParserParams;

/**
 * Ports:
 * - rx: frames from the MAC (tkeep on the last beat only, contiguous from lane 0); tuser[0] on any beat marks
 *   an FCS error.
 * - payload, slow, meta, stats_sel/stats_count: the RX parser's (see rx-parser.ts), with reason BAD_CHECKSUM
 *   for a TCP frame that passed every header check but whose IPv4 header checksum or TCP checksum is wrong.
 *   Slow-path frames (ARP, ICMP, UDP, fragments, ...) are passed whole whatever their checksums: the firmware
 *   that answers them checks what it needs.
 * - csum_frames / csum_ipv4_bad / csum_tcp_bad: the checksum verifier's counters (frames seen; IPv4 frames with
 *   a bad or malformed header; TCP frames with a bad checksum or a malformed datagram). They wrap at 2^32.
 *
 * Latency: the checksum verifier's four cycles plus the parser's.
 */
export const RxFront = defineModule('rx_front', (m, p: RxFrontParams) => {
  const W = p.width;
  const io = m.io({
    rx: input(Stream(W, { user: 1 })),
    payload: output(Stream(W)),
    slow: output(Stream(W, { user: 1 + RX_REASON_BITS })),
    meta: output(metaBundle(p.sackBlocks)),
    stats_sel: input(UInt(RX_REASON_BITS)),
    stats_count: output(UInt(p.counterBits)),
    csum_frames: output(UInt(32)),
    csum_ipv4_bad: output(UInt(32)),
    csum_tcp_bad: output(UInt(32)),
  });
  const checksum = m.instance(RxChecksum, { width: W, userBits: 1 }, { name: 'checksum' });
  const parser = m.instance(RxParser, p, { name: 'parser' });

  connectStream(checksum.s_axis, io.rx);

  // The verdict rides on the last beat's tuser; the MAC's error bit sits above it on every beat.
  const checked = checksum.m_axis as unknown as Record<string, Sig>;
  const user = checked.tuser!;
  const bad = (kind: number, ok: number) => user.bit(kind).land(user.bit(ok).lnot());
  const checksumError = bad(Verdict.IPV4_CHECKED, Verdict.IPV4_OK).lor(bad(Verdict.TCP_CHECKED, Verdict.TCP_OK));
  const parserRx = parser.rx as unknown as Record<string, Wire>;
  connectStream(parserRx, checked, ['tdata', 'tkeep', 'tlast', 'tvalid']);
  // An 8-bit verifier has no tkeep; the parser's one-lane tkeep is then always set.
  if (!checked.tkeep && parserRx.tkeep) parserRx.tkeep.set(lit(1, UInt(1)));
  parserRx.tuser!.set(cat(checksumError, user.bit(VERDICT_BITS)));

  for (const name of ['payload', 'slow'] as const) connectStream(io[name], parser[name]);
  const meta = io.meta as unknown as Record<string, Wire | Sig>, parserMeta = parser.meta as unknown as Record<string, Wire | Sig>;
  for (const [name] of metaFields(p.sackBlocks)) (meta[name] as Wire).set(parserMeta[name] as Sig);
  (meta.valid as Wire).set(parserMeta.valid as Sig);
  (parserMeta.ready as Wire).set(meta.ready as Sig);
  (parser.stats_sel as unknown as Wire).set(io.stats_sel);
  io.stats_count.set(parser.stats_count as unknown as Sig);
  io.csum_frames.set(checksum.frames as unknown as Sig);
  io.csum_ipv4_bad.set(checksum.ipv4_bad as unknown as Sig);
  io.csum_tcp_bad.set(checksum.tcp_bad as unknown as Sig);
  return io;
}, { width: 64, sackBlocks: 1, counterBits: 32 } as RxFrontParams);
