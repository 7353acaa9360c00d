// The 64-bit RX parser on every back end: throughput on back-to-back frames, latency, clean stalls under long
// backpressure on each output, a MAC error flagged on the last beat only, and a real Linux capture.
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { simulate, type Sim } from '../../sim/harness.ts';
import { AxisSink, AxisSource } from '../../sim/stream-models.ts';
import { buildArpRequest, buildTcpFrame, parseFrame, readPcap, TcpFlags } from '../../sim/packet/index.ts';
import { metaFields } from '../../blocks/rx_parser/meta.ts';
import { RxReason } from '../../blocks/rx_parser/reasons.ts';
import { simBackends } from '../backends.ts';
import { RxParserProbe, decodeMeta } from './probe.ts';
import { differences, expectAll, readCounters, runFrames, type InFrame, type RxRun } from './driver.ts';

const projectRoot = fileURLToPath(new URL('../../', import.meta.url));
const pcapPath = resolve(projectRoot, '../shared/pcaps/linux-tcp-200k-transfer.pcap');
const haveCapture = existsSync(pcapPath);
if (!haveCapture) console.log(`skipping the capture test: ${pcapPath} not found (../shared is optional)`);

const WIDTH = 64;
const LANES = WIDTH / 8;

/** A TCP frame of exactly `len` bytes (len >= 54) with a recognisable payload. */
const tcpFrameOfLength = (len: number, i: number) => buildTcpFrame({
  srcMac: '02:00:00:00:00:01', dstMac: '02:00:00:00:00:02', srcIp: '198.18.0.1', dstIp: '198.18.0.2',
  srcPort: 40000, dstPort: 80, seq: 1000 * i, ack: 7, flags: TcpFlags.ACK, window: 512,
  payload: Uint8Array.from({ length: len - 54 }, (_, k) => (k + i) & 0xff),
});

/** Per-cycle endpoints on all ports, collecting what a run would (for tests that steer the agents themselves). */
function endpoints(sim: Sim<unknown>, blocked: 'payload' | 'slow' | 'meta' | undefined) {
  const src = new AxisSource(sim, 'rx');
  const sinks = Object.fromEntries((['payload', 'slow', 'meta'] as const).map((k) =>
    [k, new AxisSink(sim, k, { backpressure: k === blocked ? 1 : 0 })])) as Record<'payload' | 'slow' | 'meta', AxisSink>;
  return { src, sinks };
}

function asRun(sinks: Record<'payload' | 'slow' | 'meta', AxisSink>, counts: number[]): RxRun {
  return {
    status: 'done', cycles: 0,
    payloads: sinks.payload.frames.map((f) => f.data),
    slow: sinks.slow.frames.map((f) => ({ data: f.data, user: f.user ?? 0 })),
    meta: sinks.meta.frames.map((f) => decodeMeta(f.data, metaFields(1))),
    counts,
  };
}

describe.each(simBackends())('64-bit rx_parser on %s', async (backend) => {
  const sim = await simulate(RxParserProbe, { width: WIDTH }, { backend });
  afterAll(() => sim.close());

  it.each([64, 1500])('takes back-to-back %i-byte frames at one beat per cycle', (len) => {
    sim.reset();
    const n = backend === 'native' ? 300 : 3000;
    const frames: InFrame[] = Array.from({ length: n }, (_, i) => ({ data: tcpFrameOfLength(len, i) }));
    const expected = expectAll(frames);
    const run = runFrames(sim, frames, expected);
    expect(differences(frames, expected, run)).toEqual([]);
    const beats = n * Math.ceil(len / LANES);
    // The run ends 32 idle cycles after the last output; the rest is the pipeline's fill latency.
    console.log(`${backend} ${len}-byte frames: ${run.cycles} cycles for ${beats} input beats, ${(n * len / run.cycles).toFixed(3)} bytes/cycle`);
    expect(run.cycles).toBeLessThanOrEqual(beats + 64);
  });

  it('latency: first payload beat, slow-path beat and metadata record', () => {
    const measure = (frame: Uint8Array, out: 'payload' | 'slow' | 'meta') => {
      sim.reset();
      const { src, sinks } = endpoints(sim, undefined);
      let firstIn = -1, lastIn = -1, firstOut = -1;
      const watch = sim.addAgent({
        sample: () => {
          if (sim.peek('rx_tvalid') && sim.peek('rx_tready')) { if (firstIn < 0) firstIn = sim.cycle; lastIn = sim.cycle; }
          if (firstOut < 0 && sim.peek(`${out}_tvalid`)) firstOut = sim.cycle;
        },
      });
      src.send(frame);
      sim.until(() => firstOut >= 0, { timeout: 200, what: `first ${out} beat` });
      for (const a of [src, watch, ...Object.values(sinks)]) sim.removeAgent(a);
      return { fromFirst: firstOut - firstIn, fromLast: firstOut - lastIn };
    };
    const payload = measure(tcpFrameOfLength(1514, 1), 'payload');
    const meta = measure(tcpFrameOfLength(1514, 1), 'meta');
    const slow = measure(buildArpRequest({ srcMac: '02:00:00:00:00:01', srcIp: '198.18.0.1', targetIp: '198.18.0.2' }), 'slow');
    console.log(`${backend} latency (cycles): payload first beat ${payload.fromFirst} after the first input beat; ` +
      `slow-path first beat ${slow.fromFirst}; metadata ${meta.fromLast} after the last input beat`);
    // A 54-byte header: the first payload beat needs input beat 7 (bytes 56..63) and the decision on beat 6.
    expect(payload.fromFirst).toBeLessThanOrEqual(14);
    expect(slow.fromFirst).toBeLessThanOrEqual(8);
    expect(meta.fromLast).toBeLessThanOrEqual(12);
  });

  it.each(['payload', 'slow', 'meta'] as const)('stalls cleanly while %s is held off, then delivers everything', (blocked) => {
    sim.reset();
    const frames: InFrame[] = [];
    for (let i = 0; i < 40; i++) {
      frames.push({ data: tcpFrameOfLength(54 + ((i * 97) % 700), i) });
      if (i % 3 === 0) frames.push({ data: buildArpRequest({ srcMac: '02:00:00:00:00:09', srcIp: i, targetIp: '198.18.0.2' }) });
    }
    const expected = expectAll(frames);
    const before = readCounters(sim);
    const { src, sinks } = endpoints(sim, blocked);
    for (const f of frames) src.send(f.data);
    sim.step(3000);
    // Input held back, nothing delivered on the blocked output, nothing lost.
    expect(src.pending).toBeGreaterThan(0);
    expect(sim.peek('rx_tready')).toBe(0);
    expect(sinks[blocked].frames.length).toBe(0);
    sim.removeAgent(sinks[blocked]);
    const freed = new AxisSink(sim, blocked);
    const all = { ...sinks, [blocked]: freed };
    const want = { payload: expected.filter((e) => e.payload).length, slow: expected.filter((e) => e.slow).length, meta: expected.filter((e) => e.meta).length };
    sim.until(() => (['payload', 'slow', 'meta'] as const).every((k) => all[k].frames.length === want[k]), { timeout: 20_000, what: 'every output' });
    for (const a of [src, ...Object.values(all)]) sim.removeAgent(a);
    const counts = readCounters(sim).map((c, i) => c - before[i]!);
    expect(differences(frames, expected, asRun(all, counts))).toEqual([]);
  });

  it('counts a MAC error flagged on the last beat only, and keeps the payload frame for discarding', () => {
    sim.reset();
    const frames = [tcpFrameOfLength(300, 1), tcpFrameOfLength(64, 2), tcpFrameOfLength(300, 3)];
    const { src: plainSource, sinks } = endpoints(sim, undefined);
    sim.removeAgent(plainSource);
    // A source that raises tuser[0] only with tlast, on the middle frame.
    let f = 0, off = 0;
    const src = sim.addAgent({
      drive: () => {
        const d = frames[f];
        sim.poke('rx_tvalid', d ? 1 : 0);
        if (!d) return;
        const n = Math.min(LANES, d.length - off);
        let v = 0n;
        for (let i = n - 1; i >= 0; i--) v = (v << 8n) | BigInt(d[off + i]!);
        const last = off + n >= d.length;
        sim.poke('rx_tdata', v);
        sim.poke('rx_tkeep', (1 << n) - 1);
        sim.poke('rx_tlast', last ? 1 : 0);
        sim.poke('rx_tuser', last && f === 1 ? 1 : 0);
      },
      sample: () => {
        const d = frames[f];
        if (!d || !sim.peek('rx_tready')) return;
        off += LANES;
        if (off >= d.length) { f++; off = 0; }
      },
    });
    sim.until(() => sinks.meta.frames.length === 3, { timeout: 2000, what: 'three metadata records' });
    sim.step(20);
    for (const a of [src, ...Object.values(sinks)]) sim.removeAgent(a);
    const meta = sinks.meta.frames.map((m) => decodeMeta(m.data, metaFields(1)));
    expect(meta.map((m) => [Number(m.reason), Number(m.has_payload)])).toEqual([[RxReason.OK, 1], [RxReason.MAC_ERROR, 1], [RxReason.OK, 1]]);
    expect(sinks.payload.frames.map((p) => p.data.length)).toEqual([246, 10, 246]);
  });

  it.skipIf(!haveCapture)('passes every frame of a Linux TCP capture with the metadata parseFrame gives', () => {
    sim.reset();
    const packets = readPcap(readFileSync(pcapPath)).packets.map((p) => Uint8Array.from(p.data));
    const frames: InFrame[] = packets.map((data) => ({ data }));
    const expected = expectAll(frames);
    const run = runFrames(sim, frames, expected, { gap: 0.1, backpressure: 0.1, seed: 5 });
    expect(differences(frames, expected, run)).toEqual([]);
    expect(run.meta.length).toBe(packets.length);
    // Straight from parseFrame, not through the model: every frame accepted, header fields as parsed.
    packets.forEach((p, i) => {
      const parsed = parseFrame(p);
      if (!parsed.ok || parsed.value.kind !== 'tcp') throw new Error(`capture frame ${i} does not parse as TCP`);
      const { ip, tcp, payload } = parsed.value;
      const m = run.meta[i]!;
      expect([m.reason, m.ip_src, m.ip_dst, m.tcp_seq, m.tcp_ack, m.tcp_flags, m.tcp_window, m.payload_len], `frame ${i}`)
        .toEqual([0n, BigInt(ip.src), BigInt(ip.dst), BigInt(tcp.seq), BigInt(tcp.ack), BigInt(tcp.flags), BigInt(tcp.window), BigInt(payload.length)]);
      const mss = tcp.options.find((o) => o.type === 'mss');
      expect(m.mss_present, `frame ${i} MSS`).toBe(mss ? 1n : 0n);
      if (mss) expect(m.mss).toBe(BigInt(mss.mss));
    });
    // The handshake's options arrive parsed: MSS, window scale, SACK-permitted and timestamps on both SYNs.
    const syns = run.meta.filter((m) => m.tcp_flags & BigInt(TcpFlags.SYN));
    expect(syns.length).toBe(2);
    for (const s of syns) expect([s.mss_present, s.wscale_present, s.sack_permitted, s.ts_present]).toEqual([1n, 1n, 1n, 1n]);
    expect(run.counts[RxReason.OK]).toBe(packets.length);
  });
});
