// TOE_PCAP=DIR: every stream frame a test moves (per-cycle agents and bulk runs, on every back end) is written
// as a pcap per test and stream when the Sim closes, and reads back as the same frames.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, it, expect, afterEach } from 'vitest';
import { defineModule, input, output, Stream, UInt, when } from '../../dsl/index.ts';
import { simulate } from '../../sim/harness.ts';
import { AxisSink, AxisSource } from '../../sim/stream-models.ts';
import { runBulk } from '../../sim/bulk.ts';
import { readPcap } from '../../sim/packet/index.ts';
import { simBackends } from '../backends.ts';

const Pass = defineModule('pass', (m) => {
  const io = m.io({ s: input(Stream(64)), d: output(Stream(64)), beats: output(UInt(16)) });
  const beats = m.reg(UInt(16), { reset: 0 });
  when(io.s.tvalid.land(io.d.tready), () => beats.set(beats.add(1)));
  io.beats.set(beats);
  io.s.tready.set(io.d.tready);
  io.d.tvalid.set(io.s.tvalid); io.d.tdata.set(io.s.tdata); io.d.tkeep!.set(io.s.tkeep!); io.d.tlast!.set(io.s.tlast!);
  return io;
});

const frames = [60, 61, 1514, 9].map((n, k) => Uint8Array.from({ length: n }, (_, i) => (i * 7 + k) & 0xff));

describe.each(simBackends())('stream capture with TOE_PCAP (%s)', (backend) => {
  const saved = process.env.TOE_PCAP;
  afterEach(() => { if (saved === undefined) delete process.env.TOE_PCAP; else process.env.TOE_PCAP = saved; });

  it('writes what the agents and a bulk run sent and received, one pcap per stream', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'toe-capture-'));
    process.env.TOE_PCAP = dir;
    const sim = await simulate(Pass, {}, { backend });
    try {
      sim.reset();
      const src = new AxisSource(sim, 's'), sink = new AxisSink(sim, 'd', { backpressure: 0.3 });
      frames.slice(0, 2).forEach((f) => src.send(f));
      sim.until(() => sink.frames.length === 2, { timeout: 1000 });
      sim.removeAgent(src); sim.removeAgent(sink);
      runBulk(sim, [{ prefix: 's', frames: frames.slice(2).map((data) => ({ data })) }], [{ prefix: 'd', expectFrames: 2 }]);
    } finally { sim.close(); }
    try {
      const files = fs.readdirSync(dir).sort();
      expect(files).toHaveLength(2);
      for (const [file, prefix] of files.map((f) => [f, f.split('.').at(-2)] as const)) {
        expect(['s', 'd']).toContain(prefix);
        const got = readPcap(fs.readFileSync(path.join(dir, file))).packets.map((p) => [...p.data]);
        expect(got).toEqual(frames.map((f) => [...f]));
      }
    } finally { fs.rmSync(dir, { recursive: true, force: true }); }
  });
});
