// cmd_exec against the reference model (model.ts) under random command mixes from both cores, random
// backpressure on every port and random conn_table latency.
import { describe, expect, it, beforeAll, afterAll } from 'vitest';
import fc from 'fast-check';
import { simBackends } from '../backends.ts';
import { TcbField, command, type FwCommand, type CommandKind } from '../../firmware/api.ts';
import { freshTcb, type TcbFields } from '../../blocks/conn_table/tcb.ts';
import { COUNTERS, INSERT_DEFAULTS } from '../../blocks/cmd_exec/params.ts';
import { emptyLogs } from './model.ts';
import { expectMatches, expectTimerEvents, modelFor } from './compare.ts';
import { openSim, rng, run } from './driver.ts';

const BLOCKS = 128; // skbDefaults: 256 KiB of 2 KiB blocks
const IP = (i: number) => 0x0a000100 + i;

function randomCommand(r: () => number): FwCommand | bigint {
  // An unknown kind code (0, or 17..63) with random bits above it.
  if (r() < 0.03) return (BigInt(Math.floor(r() * 2 ** 40)) << 6n) | BigInt([0, 17, 40, 63][Math.floor(r() * 4)]!);
  const pick = <T,>(xs: readonly T[]) => xs[Math.floor(r() * xs.length)]!;
  const conn = r() < 0.08 ? pick([64, 100, 0xffff]) : Math.floor(r() * 6);
  const u32 = () => Math.floor(r() * 2 ** 32) >>> 0;
  const near = () => (1000 + Math.floor(r() * 64) - 16) >>> 0;
  const kind = pick(['CONN_INSERT', 'CONN_DELETE', 'TCB_WRITE', 'TCB_WRITE', 'TX_SEG', 'TX_SYN', 'TX_ACK', 'TX_RST', 'TIMER_SET',
    'TIMER_CANCEL', 'SKB_FREE', 'SQ_RELEASE', 'DELIVER', 'DELIVER', 'COPY_IN', 'HOST_NOTE', 'MAIL', 'SACK_SET'] as CommandKind[]);
  switch (kind) {
    case 'CONN_INSERT': return command(kind, { conn, remote_ip: IP(Math.floor(r() * 4)), remote_port: 80 + Math.floor(r() * 3), local_port: 5000 });
    case 'CONN_DELETE': return command(kind, { conn });
    case 'TCB_WRITE': {
      const field = r() < 0.05 ? 17 + Math.floor(r() * 15) : r() < 0.3 ? TcbField.RX_MODE : Math.floor(r() * 17);
      const value = field === TcbField.RX_MODE ? (r() < 0.5 ? 0 : Math.floor(r() * 4)) : r() < 0.4 ? near() : r() < 0.5 ? Math.floor(r() * 4) : u32();
      return command(kind, { conn, field, value });
    }
    case 'TX_SEG': return command(kind, { conn, seq: near(), len: Math.floor(r() * 40), flags: pick([0x10, 0x11, 0x18]) });
    case 'TX_SYN': return command(kind, { conn, seq: near(), ack: near(), flags: pick([0x02, 0x12]), mss: 1460 });
    case 'TX_ACK': return command(kind, { conn, mode: Math.floor(r() * 4), dsack_left: near(), dsack_right: r() < 0.5 ? near() : 0 });
    case 'TX_RST': return command(kind, { remote_ip: IP(Math.floor(r() * 4)), remote_port: 80, local_port: 5000, seq: u32(), flags: 4 });
    case 'TIMER_SET': return command(kind, { conn, timer: Math.floor(r() * 4), delay_us: r() < 0.1 ? 0x80000000 + Math.floor(r() * 1000) : Math.floor(r() * 1e6) });
    case 'TIMER_CANCEL': return command(kind, { conn, timer: Math.floor(r() * 4) });
    case 'SKB_FREE': return command(kind, { skb: r() < 0.2 ? pick([128, 500, 0xffff]) : Math.floor(r() * BLOCKS) });
    case 'SQ_RELEASE': return command(kind, { conn, upto: u32() });
    case 'DELIVER': return command(kind, { conn, skb: r() < 0.15 ? pick([0xffff, 200]) : Math.floor(r() * BLOCKS), seq: near(), len: Math.floor(r() * 40), fin: r() < 0.2 ? 1 : 0 });
    case 'COPY_IN': return command(kind, { conn, req: 3, len: 100 });
    case 'HOST_NOTE': return command(kind, { note: 4, req: 1, conn });
    case 'MAIL': return command(kind, { conn, msg: 1 + Math.floor(r() * 4), arg: u32() });
    default: return command('SACK_SET', { conn, count: Math.floor(r() * 6), left0: near(), right0: near() });
  }
}

function startTcbs(r: () => number): Map<number, TcbFields> {
  const m = new Map<number, TcbFields>();
  for (let c = 0; c < 4; c++) {
    if (r() < 0.3) continue;
    m.set(c, { ...freshTcb({ local_ip: 0x0a000001, remote_ip: IP(c), local_port: 5000, remote_port: 80 + c }), ...INSERT_DEFAULTS,
      rcv_nxt: 1000, rcv_adv: 1030 + Math.floor(r() * 4000), snd_nxt: 1000, rx_mode: Math.floor(r() * 3), sack_mode: Math.floor(r() * 3), remote_mac: 0x02aa00000000 + c });
  }
  // Connections 6 and 7 (no random command names them) are FAST: toe_rx's fast path moves their RCV.NXT while the host
  // consumes their data; 7's sequence numbers wrap.
  for (const [c, nxt] of [[6, 5000], [7, 0xfffff000]] as const) {
    m.set(c, { ...freshTcb({ local_ip: 0x0a000001, remote_ip: IP(c), local_port: 5000, remote_port: 80 + c }), ...INSERT_DEFAULTS,
      rcv_nxt: nxt, rcv_adv: (nxt + 2000 + Math.floor(r() * 4000)) >>> 0, rx_mode: 0, rcvbuf: 4000 + Math.floor(r() * 60000), remote_mac: 0x02aa00000000 + c });
  }
  return m;
}

/** toe_rx's fast-path segments on connections 6 and 7: RCV.NXT moves, interleaved with the window jobs. */
function randomFast(r: () => number): { at: number; conn: number; len: number }[] {
  const out: { at: number; conn: number; len: number }[] = [];
  for (let at = Math.floor(r() * 10); at < 700; at += 1 + Math.floor(r() * 30)) out.push({ at, conn: 6 + Math.floor(r() * 2), len: 1 + Math.floor(r() * 600) });
  return out;
}

/** host_glue's rx_read pulses: bursts (back to back, often one connection) at random cycles while commands run. */
function randomReads(r: () => number): { at: number; conn: number; len: number }[] {
  const out: { at: number; conn: number; len: number }[] = [];
  let at = Math.floor(r() * 20);
  for (let burst = 0; burst < 4; burst++) {
    const conn0 = Math.floor(r() * 8);
    for (let i = 1 + Math.floor(r() * 6); i > 0; i--, at++) {
      const conn = r() < 0.05 ? [64, 0xffff][Math.floor(r() * 2)]! : r() < 0.6 ? conn0 : Math.floor(r() * 6);
      out.push({ at, conn, len: r() < 0.05 ? 0 : 1 + Math.floor(r() * 3000) });
    }
    at += Math.floor(r() * 150);
  }
  return out;
}

describe.each(simBackends())('cmd_exec random traffic (%s)', (backend) => {
  let sim: Awaited<ReturnType<typeof openSim>>;
  beforeAll(async () => { sim = await openSim(backend); }, 120_000);
  afterAll(() => sim?.close());

  it('matches the reference model', async () => {
    const seen: Record<string, number> = {};
    const note = (k: string, n: number) => { seen[k] = (seen[k] ?? 0) + n; };
    await fc.assert(fc.asyncProperty(fc.integer({ min: 1, max: 2 ** 30 }), async (seed) => {
      const r = rng(seed);
      const rx = Array.from({ length: 30 }, () => randomCommand(r));
      const tx = Array.from({ length: 30 }, () => randomCommand(r));
      const tcbs = startTcbs(r);
      const queues = new Map<number, number[]>([[1, [100, 101]], [2, [102]], [4, [103]]]);
      const learn: [number, bigint][] = [[IP(0), 0x02bb00000000n], [IP(1), 0x02bb00000001n]];
      const busy = new Set([1, 2]);
      const timerEvents = Array.from({ length: 6 }, () => ({ conn: Math.floor(r() * 6), kind: Math.floor(r() * 5) }));
      const reads = randomReads(r);
      const fast = randomFast(r);
      const res = await run(sim, { rx, tx, tcbs, queues, learn, busy, timerEvents, reads, fast, seed, readyP: 0.3 + r() * 0.7, qLatency: 2 + (seed % 3) });
      // Each core's commands are taken in order, all of them.
      expect(res.order.filter((o) => o.from === 'rx').map((o) => o.cmd)).toEqual(rx);
      expect(res.order.filter((o) => o.from === 'tx').map((o) => o.cmd)).toEqual(tx);
      const o = { rx, tx, tcbs, queues, learn, busy, timerEvents, reads, fast };
      note('raced', res.raced);
      expectMatches(res, modelFor(o, res));
      for (const [k, v] of Object.entries(res.logs)) note(k, v.length);
      for (const [k, v] of Object.entries(res.counters)) note(k, v);
      expectTimerEvents(res, timerEvents);
    }), { numRuns: NUM_RUNS, seed: 20261206 });
    // The random mix reaches every port and every refusal (skb errors: directed.test.ts).
    // Some window jobs had the fast path move RCV.NXT between their READ and their WRITE (the old race's window).
    for (const k of ['raced', ...Object.keys(emptyLogs()), ...COUNTERS.filter((c) => c !== 'skb_error_count')]) expect([k, (seen[k] ?? 0) > 0]).toEqual([k, true]);
  }, 300_000);
});

const NUM_RUNS = 40;
