// Frames from the TX builder and the ACK generator, written to a pcap and dissected by Wireshark (tshark) with IPv4
// and TCP checksum validation on: every frame is TCP, no malformed packet, no bad checksum, no protocol warning.
import { describe, it, expect, afterAll } from 'vitest';
import fc from 'fast-check';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { simulate } from '../../sim/harness.ts';
import { PcapWriter, buildTcpFrame } from '../../sim/packet/index.ts';
import { haveTool } from '../../gen/tools.ts';
import { simBackends } from '../backends.ts';
import { TxBuilder } from '../../blocks/ack_tx/tx-builder.ts';
import { AckGen } from '../../blocks/ack_tx/ack-gen.ts';
import { AckEventKind } from '../../blocks/ack_tx/types.ts';
import { ackRequest, segment } from './arbitraries.ts';
import { resetAckGen, runAckEvents, runTxBuilder } from './drivers.ts';
import { eventOf } from './fields.ts';

const hasTshark = haveTool('tshark');
const PI_SEQUENCE = 0x02000000, PI_WARN = 0x00600000, PI_ERROR = 0x00800000;
const PI_CHECKSUM = 0x01000000, PI_MALFORMED = 0x07000000;

interface Dissected { frame: number; ipChecksum: string; tcpChecksum: string; problems: string[] }

/** Runs tshark over a pcap; one entry per frame with the expert infos that matter. */
function dissect(file: string): Dissected[] {
  // Only the layers the blocks build: random payloads must not trip application-protocol heuristics.
  const layers = ['frame', 'eth', 'ethertype', 'ip', 'tcp', 'data'].flatMap((l) => ['--enable-protocol', l]);
  const r = spawnSync('tshark', ['-r', file, '--disable-protocol', 'ALL', ...layers, '-o', 'ip.check_checksum:TRUE', '-o', 'tcp.check_checksum:TRUE',
    '-o', 'tcp.analyze_sequence_numbers:FALSE', '-T', 'fields', '-E', 'separator=|', '-E', 'occurrence=a', '-E', 'aggregator=;',
    '-e', 'frame.number', '-e', 'ip.checksum.status', '-e', 'tcp.checksum.status', '-e', '_ws.expert.message',
    '-e', '_ws.expert.severity', '-e', '_ws.expert.group', '-e', '_ws.malformed', '-e', 'frame.protocols'], { encoding: 'utf8', maxBuffer: 64 << 20 });
  if (r.status !== 0) throw new Error(`tshark failed (${r.status}): ${r.stderr}`);
  return r.stdout.trim().split('\n').map((line) => {
    const [frame, ipC, tcpC, msgs, sevs, groups, malformed, protocols] = line.split('|');
    const m = (msgs ?? '').split(';'), s = (sevs ?? '').split(';').map(Number), g = (groups ?? '').split(';').map(Number);
    const problems = m.filter((_, i) => s[i]! >= PI_ERROR || g[i] === PI_CHECKSUM || g[i] === PI_MALFORMED || (s[i]! >= PI_WARN && g[i] !== PI_SEQUENCE));
    if (malformed) problems.push(`malformed: ${malformed}`);
    if (!/^eth:ethertype:ip:tcp(:|$)/.test(protocols ?? '')) problems.push(`layers: ${protocols}`);
    return { frame: Number(frame), ipChecksum: ipC ?? '', tcpChecksum: tcpC ?? '', problems };
  });
}

describe.skipIf(!hasTshark)(`Wireshark dissects the frames cleanly${hasTshark ? '' : ' (SKIPPED: tshark is not installed; scripts/setup.sh installs it)'}`, () => {
  it('the check itself flags a bad TCP checksum, a bad IPv4 checksum and a truncated frame', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'toe-ack-tx-'));
    try {
      const good = buildTcpFrame({ srcMac: '02:00:00:00:00:01', dstMac: '02:00:00:00:00:02', srcIp: '198.18.0.1', dstIp: '198.18.0.2',
        srcPort: 40000, dstPort: 5001, seq: 1, ack: 2, flags: 0x18, window: 100, payload: new Uint8Array(40).fill(7) });
      const badTcp = good.slice(); badTcp[60] ^= 1;
      const badIp = good.slice(); badIp[22] ^= 1; // TTL
      const file = path.join(dir, 'controls.pcap');
      new PcapWriter().add(good).add(badTcp).add(badIp).add(good.slice(0, 40)).writeFile(file);
      const got = dissect(file);
      expect(got.map((d) => d.problems.length > 0 || d.ipChecksum !== '1' || d.tcpChecksum !== '1')).toEqual([false, true, true, true]);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  describe.each(simBackends())('on %s', async (backend) => {
    const tx = await simulate(TxBuilder, { width: 64 }, { backend });
    const ack = await simulate(AckGen, { width: 64, conns: 64 }, { backend });
    afterAll(() => { tx.close(); ack.close(); });
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'toe-ack-tx-'));
    afterAll(() => { if (!process.env.KEEP_PCAP) fs.rmSync(dir, { recursive: true, force: true }); });

    it('TX builder and ACK generator frames: no malformed packet, no bad checksum, every checksum verified Good', () => {
      const pcap = new PcapWriter();
      // Real hosts send from unicast MACs (Wireshark flags a group-address source).
      const unicast = (m: number) => m - (Math.floor(m / 2 ** 40) & 1) * 2 ** 40;
      // and data segments with the flags of data segments (Wireshark reads the payload of a RST as its reason text).
      const dataFlags = [0x10, 0x18, 0x11, 0x19, 0x50, 0x98];
      const realistic = segment.map((s) => ({ ...s, desc: { ...s.desc, src_mac: unicast(s.desc.src_mac), flags: dataFlags[s.desc.flags % dataFlags.length]! } }));
      const segments = fc.sample(fc.array(realistic, { minLength: 5, maxLength: 5 }), { numRuns: 8, seed: 42 });
      let frames = 0;
      segments.forEach((segs, i) => {
        const r = runTxBuilder(tx, segs, { tsval: 0x10000 * i + 1, gap: 0.2, backpressure: 0.2, seed: i });
        r.frames.forEach((f) => pcap.add(f.data));
        frames += r.frames.length;
      });
      const requests = fc.sample(ackRequest, { numRuns: 120, seed: 43 }).filter((r) => !(r.kind === 1 && r.seg_flags & 0x04))
        .map((r) => ({ ...r, src_mac: unicast(r.src_mac) }));
      resetAckGen(ack, { delackTimeout: 1 << 30, chalInterval: 100, chalLimit: 100, tsval: 0x55667788 });
      const kinds = [AckEventKind.ACK_NOW, AckEventKind.OUT_OF_ORDER, AckEventKind.DUPLICATE, AckEventKind.FIN];
      const acks = runAckEvents(ack, requests.map((r, i) => eventOf(r, i % 64, r.kind === 1 ? AckEventKind.RST_NEEDED : kinds[i % kinds.length]!)),
        { expectFrames: requests.length, gap: 0.2, backpressure: 0.2, seed: 7 });
      acks.frames.forEach((f) => pcap.add(f.data));
      frames += acks.frames.length;
      expect(acks.frames.length).toBe(requests.length);

      const file = path.join(dir, `ack_tx_${backend}.pcap`);
      pcap.writeFile(file);
      const got = dissect(file);
      expect(got.length, 'tshark read every frame').toBe(frames);
      const bad = got.filter((d) => d.problems.length || d.ipChecksum !== '1' || d.tcpChecksum !== '1');
      expect(bad.slice(0, 5), `frames with problems (pcap ${file})`).toEqual([]);
    });
  });
});
