// host_glue's receive side: blocks on connections' receive queues (an skb manager stand-in) reach the user
// buffers posted on the RX ring by DMA, each block starting in a fresh buffer, with RX completions (conn, len,
// MORE); every block is freed once its bytes are in host memory, and rx_read reports the bytes consumed.
// Checked per connection against the queued bytes, under random stalls on every skb port and the AXI bus.
import { afterAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { simulate } from '../../sim/harness.ts';
import { simBackends } from '../backends.ts';
import { HostGlue } from '../../blocks/host_glue/host-glue.ts';
import { CplFlags, CplKind } from '../../blocks/host/layouts.ts';
import { HsSource } from '../../sim/host/handshake-agents.ts';
import { GlueEnv } from './env.ts';
import { BLOCK_BYTES, SkbStandIn } from './skb-standin.ts';

const USER_RX = 0x7000_0000;
interface Blk { conn: number; off: number; len: number; seed: number }

describe.each(simBackends())('host_glue receive (%s)', async (backend) => {
  const sim = await simulate(HostGlue, {}, { backend });
  afterAll(() => sim.close());

  /** Queues the blocks, posts buffers, notifies (with duplicates and a bad conn), waits, returns the problems. */
  const run = (seed: number, blocks: Blk[], bufSizes: number[], broken = false): { problems: string[]; env: GlueEnv } => {
    for (const a of [...sim.agents]) sim.removeAgent(a);
    const env = new GlueEnv(sim as never, seed);
    const skb = new SkbStandIn(sim as never, seed + 9);
    const notify = new HsSource(sim as never, 'rq_notify', { seed: seed + 10, gap: 0.5 });
    const reads: { conn: number; len: number }[] = [];
    const rdValid = sim.port('rx_read_valid' as never), rdConn = sim.port('rx_read_conn' as never), rdLen = sim.port('rx_read_len' as never);
    sim.addAgent({ sample: () => { if (Number(rdValid.get())) reads.push({ conn: Number(rdConn.get()), len: Number(rdLen.get()) }); } });
    sim.reset();
    env.drv.init();
    env.axi.configure({ readLatency: 20, writeLatency: 30, wStall: 0.2, awStall: 0.1 });
    // The payloads.
    const want = new Map<number, number[]>();
    blocks.forEach((b, i) => {
      const bytes = Uint8Array.from({ length: b.len }, (_, j) => (b.seed + j * 29 + (j >> 7)) & 255);
      skb.enqueue(b.conn, 100 + i, b.off, bytes);
      want.set(b.conn, [...(want.get(b.conn) ?? []), ...bytes]);
    });
    // Buffers: at least one per non-empty block plus what the bytes need.
    const nonEmpty = blocks.filter((b) => b.len > 0).length;
    let at = USER_RX;
    const buffers = bufSizes.map((s) => { const b = { addr: at + (s % 5), len: s }; at += s + 64; return b; });
    let posted = 0;
    const conns = [...new Set(blocks.map((b) => b.conn))];
    for (const c of conns) notify.send({ conn: c });
    notify.send({ conn: 64 + seed }); // beyond the skb manager's 64 connections: counted
    if (conns[0] !== undefined) notify.send({ conn: conns[0] }); // a duplicate
    const end = sim.cycle + 200_000;
    const rxCpl = () => env.reaped.filter((c) => c.kind === CplKind.RX);
    while (skb.freed.length < blocks.length || rxCpl().filter((c) => !(c.flags & CplFlags.MORE)).length < nonEmpty) {
      if (sim.cycle > end) throw new Error(`receive: ${skb.freed.length}/${blocks.length} freed, ${rxCpl().length} completions`);
      let n = 0;
      while (posted < buffers.length && posted - rxCpl().length < 12 && n++ < 4) env.drv.postRx(buffers[posted++]!);
      if (n) env.drv.doorbell('rx');
      sim.step(16);
      env.reap();
    }
    sim.step(200);
    env.reap();
    // Per connection, the buffers' bytes in completion order are the queued bytes.
    const problems: string[] = [...skb.faults];
    const got = new Map<number, number[]>();
    for (const c of rxCpl()) {
      const buf = buffers[c.index]!;
      got.set(c.conn, [...(got.get(c.conn) ?? []), ...env.host.read(buf.addr, broken ? c.len + 1 : c.len)]);
      if (c.status !== 0) problems.push(`completion ${c.index}: status ${c.status}`);
    }
    for (const c of conns) {
      const g = got.get(c) ?? [], w = want.get(c)!;
      if (g.length !== w.length || g.some((x, i) => x !== w[i])) problems.push(`conn ${c}: ${g.length} bytes delivered, ${w.length} queued, or different bytes`);
      const read = reads.filter((r) => r.conn === c).reduce((s, r) => s + r.len, 0);
      if (read !== w.length) problems.push(`conn ${c}: rx_read reports ${read} bytes, ${w.length} delivered`);
    }
    if ([...skb.freed].sort((a, b) => a - b).join() !== blocks.map((_, i) => 100 + i).join()) problems.push(`freed ${skb.freed.join()}`);
    if (env.counter('bad_notify_count') !== 1) problems.push(`bad_notify_count ${env.counter('bad_notify_count')}`);
    if ([...skb.queues.values()].some((q) => q.length)) problems.push('blocks left on a queue');
    return { problems, env };
  };

  const blk = fc.record({
    conn: fc.constantFrom(0, 5, 63), seed: fc.nat(255),
    off: fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 1500 })), len: fc.oneof(fc.integer({ min: 1, max: 2048 }), fc.constant(0)),
  }).map((b) => ({ ...b, len: Math.min(b.len, BLOCK_BYTES - b.off) }));

  it('delivers every queued byte into the posted buffers, per connection in order, and frees every block', () => {
    fc.assert(fc.property(fc.array(blk, { minLength: 1, maxLength: 10 }), fc.array(fc.integer({ min: 16, max: 3000 }), { minLength: 80, maxLength: 80 }), fc.integer({ min: 0, max: 50 }),
      (blocks, sizes, seed) => {
        expect(run(seed, blocks, sizes).problems).toEqual([]);
      }), { numRuns: 8, seed: 3 });
  });

  it('the check fails on a deliberately wrong reading of the buffers', () => {
    const blocks = [{ conn: 5, off: 3, len: 700, seed: 1 }, { conn: 5, off: 0, len: 100, seed: 2 }];
    expect(run(1, blocks, Array(20).fill(512)).problems).toEqual([]);
    expect(run(1, blocks, Array(20).fill(512), true).problems.join()).toMatch(/conn 5/);
  });
});
