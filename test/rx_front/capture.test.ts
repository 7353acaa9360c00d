// The receive fast path on real Linux traffic (../shared/pcaps/linux-tcp-200k-transfer.pcap): frames through
// rx_front (checksum verifier into the RX parser) and the parser's metadata through seq_check. Every frame is
// accepted with the model's metadata, every arriving segment gets the model's verdict, and the bytes the
// verdicts keep rebuild the 200,000-byte transfer exactly. With one byte of each frame's IPv4 datagram changed,
// no frame is accepted: a TCP frame that still passes the header checks is rejected as BAD_CHECKSUM.
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { simulate } from '../../sim/harness.ts';
import { parseFrame, readPcap, seqDiff, TcpFlags, type TcpOption } from '../../sim/packet/index.ts';
import { projectRoot } from '../../gen/root.ts';
import { RxFront } from '../../blocks/rx_front/rx-front.ts';
import { RxReason } from '../../blocks/rx_parser/reasons.ts';
import { SeqVerdict } from '../../blocks/seq_check/interface.ts';
import { simBackends } from '../backends.ts';
import { metaStreamProbe } from '../rx_parser/probe.ts';
import { expectRx, type RxMeta } from '../rx_parser/model.ts';
import { differences, runFrames, type InFrame, type RxRun } from '../rx_parser/driver.ts';
import { referenceVerdict, withOneByteChanged } from '../checksum/frames.ts';
import { replay, type ReplaySegment } from '../seq_check/replay.ts';
import { runCases, seqCheckSim } from '../seq_check/driver.ts';

const pcapPath = resolve(projectRoot(), '../shared/pcaps/linux-tcp-200k-transfer.pcap');
const available = existsSync(pcapPath);
if (!available) console.log(`skipping the receive-pipeline test on the Linux capture: ${pcapPath} not found (../shared is optional)`);
const frames = available ? readPcap(readFileSync(pcapPath)).packets.map((p) => p.data.slice()) : [];
const TRANSFER = 200_000;

const COUNTERS = ['csum_frames', 'csum_ipv4_bad', 'csum_tcp_bad'] as const;
const RxFrontProbe = metaStreamProbe('rx_front_probe', RxFront, 1, COUNTERS);

/** What the checksum verifier says of a frame, as the parser's tuser bit 1. */
const checksumError = (f: Uint8Array) => {
  const v = referenceVerdict(f);
  return (v.ipv4Checked && !v.ipv4Ok) || (v.tcpChecked && !v.tcpOk);
};
const expectFront = (fs: InFrame[]) => fs.map((f) => expectRx(f.data, !!f.macError, 1, checksumError(f.data)));

/** A segment for the replay, from an accepted metadata record alone (the window scale option for SYNs). */
function segmentOf(meta: RxMeta, payloadLength: number): ReplaySegment {
  const options: TcpOption[] = meta.wscale_present ? [{ type: 'wscale', shift: Number(meta.wscale) }] : [];
  return {
    ip: { src: Number(meta.ip_src), dst: Number(meta.ip_dst) },
    tcp: {
      srcPort: Number(meta.tcp_src_port), dstPort: Number(meta.tcp_dst_port), seq: Number(meta.tcp_seq), ack: Number(meta.tcp_ack),
      flags: Number(meta.tcp_flags), window: Number(meta.tcp_window), options,
    },
    payload: { length: payloadLength },
  };
}

/** The receiver's byte stream as software reassembles it from the capture (payloads placed by sequence number). */
function softwareStream(receiverIp: number, receiverPort: number): Uint8Array {
  const out = new Uint8Array(TRANSFER);
  let isn: number | undefined;
  for (const f of frames) {
    const p = parseFrame(f);
    if (!p.ok || p.value.kind !== 'tcp' || p.value.ip.dst !== receiverIp || p.value.tcp.dstPort !== receiverPort) continue;
    if (p.value.tcp.flags & TcpFlags.SYN) isn = p.value.tcp.seq + 1;
    else if (isn !== undefined && p.value.payload.length) out.set(p.value.payload, seqDiff(p.value.tcp.seq, isn));
  }
  return out;
}

describe.skipIf(!available).each(simBackends())('receive fast path on the Linux capture (%s)', (backend) => {
  describe.each([64, 512])('%i-bit rx_front', async (width) => {
    const front = await simulate(RxFrontProbe, { width }, { backend });
    const check = await seqCheckSim(backend);
    afterAll(() => { front.close(); check.close(); });
    const counters = () => Object.fromEntries(COUNTERS.map((c) => [c, Number(front.peek(c as never))]));

    it('accepts every frame with the model\'s metadata; seq_check gives the model\'s verdicts; the kept bytes are the transfer', () => {
      front.reset();
      const input: InFrame[] = frames.map((data) => ({ data }));
      const expected = expectFront(input);
      expect(expected.every((e) => e.reason === RxReason.OK)).toBe(true);
      const run: RxRun = runFrames(front, input, expected, { gap: 0.05, backpressure: 0.1, seed: width });
      expect(differences(input, expected, run)).toEqual([]);
      expect(counters()).toEqual({ csum_frames: frames.length, csum_ipv4_bad: 0, csum_tcp_bad: 0 });

      // Metadata record k belongs to frame k (every frame is a TCP candidate); payload frames come in order.
      let nextPayload = 0;
      const payloads = run.meta.map((m) => (m.has_payload ? run.payloads[nextPayload++]! : new Uint8Array(0)));
      const segments = run.meta.map((m, k) => segmentOf(m, payloads[k]!.length));
      const r = replay(segments);
      const verdicts = runCases(check, r.cases, { gap: 0.1, backpressure: 0.2, seed: width }).verdicts;
      expect(verdicts).toEqual(r.verdicts);
      expect(verdicts.every((v) => v.verdict === SeqVerdict.IN_ORDER || v.verdict === SeqVerdict.DUPLICATE)).toBe(true);

      // What the receiver keeps: each IN_ORDER segment's accepted bytes, in order.
      const kept: Uint8Array[] = [];
      verdicts.forEach((v, i) => {
        if (v.verdict !== SeqVerdict.IN_ORDER || v.accept_len === 0) return;
        kept.push(payloads[r.sources[i]!]!.subarray(v.trim_front, v.trim_front + v.accept_len));
      });
      const stream = Buffer.concat(kept);
      expect(stream.length).toBe(TRANSFER);
      const receiver = segments[r.sources[0]!]!;
      expect(stream.equals(softwareStream(receiver.ip.dst, receiver.tcp.dstPort))).toBe(true);
    });

    it.each([1, 2])('rejects every frame with one changed byte (seed %i): bad checksums counted, good headers rejected as BAD_CHECKSUM', (seed) => {
      front.reset();
      const input: InFrame[] = withOneByteChanged(frames, seed).map((c) => ({ data: c.bytes }));
      const expected = expectFront(input);
      const run = runFrames(front, input, expected, { backpressure: 0.1, seed });
      expect(differences(input, expected, run)).toEqual([]);
      expect(expected.some((e) => e.reason === RxReason.OK)).toBe(false);
      const badChecksum = expected.filter((e) => e.reason === RxReason.BAD_CHECKSUM).length;
      expect(badChecksum).toBeGreaterThan(frames.length * 0.8);
      const v = input.map((f) => referenceVerdict(f.data));
      expect(counters()).toEqual({
        csum_frames: frames.length,
        csum_ipv4_bad: v.filter((x) => x.ipv4Checked && !x.ipv4Ok).length,
        csum_tcp_bad: v.filter((x) => x.tcpChecked && !x.tcpOk).length,
      });
      // Every changed frame fails at least one of the two checksums.
      expect(v.every((x) => (x.ipv4Checked && !x.ipv4Ok) || (x.tcpChecked && !x.tcpOk))).toBe(true);
    });
  });
});
