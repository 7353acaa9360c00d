// Runs frames through the RX parser probe and compares everything that comes out with the model.
import { runBulk } from '../../sim/bulk.ts';
import type { Sim } from '../../sim/harness.ts';
import { metaFields } from '../../blocks/rx_parser/meta.ts';
import { RX_REASONS, rxReasonName, type RxReason } from '../../blocks/rx_parser/reasons.ts';
import { expectRx, type RxExpected, type RxMeta } from './model.ts';
import { decodeMeta } from './probe.ts';

export interface InFrame { data: Uint8Array; macError?: boolean; checksumError?: boolean }

export interface RxRun {
  status: string;
  cycles: number;
  payloads: Uint8Array[];
  slow: { data: Uint8Array; user: number }[];
  meta: RxMeta[];
  /** Frames counted per reason code during the run. */
  counts: number[];
}

export interface RunOpts { gap?: number; backpressure?: number; seed?: number; sackBlocks?: number; maxCycles?: number }

/** The per-reason counters, read through the stats port. */
export function readCounters(sim: Sim<unknown>): number[] {
  return RX_REASONS.map((r) => {
    sim.poke('stats_sel' as never, r);
    return Number(sim.peek('stats_count' as never));
  });
}

export function runFrames(sim: Sim<unknown>, frames: InFrame[], expected: RxExpected[], opts: RunOpts = {}): RxRun {
  const seed = opts.seed ?? 1;
  const before = readCounters(sim);
  const r = runBulk(sim,
    [{ prefix: 'rx', frames: frames.map((f) => ({ data: f.data, user: (f.macError ? 1 : 0) | (f.checksumError ? 2 : 0) })), gap: opts.gap, seed }],
    [
      { prefix: 'payload', backpressure: opts.backpressure, seed: seed + 1, expectFrames: expected.filter((e) => e.payload).length },
      { prefix: 'slow', backpressure: opts.backpressure, seed: seed + 2, expectFrames: expected.filter((e) => e.slow).length },
      { prefix: 'meta', backpressure: opts.backpressure, seed: seed + 3, expectFrames: expected.filter((e) => e.meta).length },
    ],
    { maxCycles: opts.maxCycles ?? 50_000_000, stallCycles: 20_000 });
  const after = readCounters(sim);
  const fields = metaFields(opts.sackBlocks ?? 1);
  return {
    status: r.status,
    cycles: r.cycles,
    payloads: r.received[0]!.map((f) => f.data),
    slow: r.received[1]!.map((f) => ({ data: f.data, user: f.user ?? 0 })),
    meta: r.received[2]!.map((f) => decodeMeta(f.data, fields)),
    counts: after.map((a, i) => (a - before[i]! + 2 ** 32) % 2 ** 32),
  };
}

const hex = (b: Uint8Array, max = 24) => `${b.length}B ${Buffer.from(b.subarray(0, max)).toString('hex')}${b.length > max ? '…' : ''}`;

function firstDiff(a: Uint8Array, b: Uint8Array): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return i;
  return a.length === b.length ? -1 : n;
}

/**
 * Every difference between a run and the model, naming the input frame each output belongs to (empty when
 * they agree): payload frames, slow-path frames, metadata records (all fields when the reason is OK),
 * and the per-reason counters.
 */
export function differences(frames: InFrame[], expected: RxExpected[], run: RxRun, limit = 10): string[] {
  const out: string[] = [];
  const note = (s: string) => { if (out.length < limit) out.push(s); };
  if (run.status !== 'done') note(`run ended '${run.status}' after ${run.cycles} cycles`);
  const owners = (pick: (e: RxExpected) => boolean) => expected.flatMap((e, i) => (pick(e) ? [i] : []));

  const payloadOwners = owners((e) => !!e.payload);
  if (run.payloads.length !== payloadOwners.length) note(`${run.payloads.length} payload frames, expected ${payloadOwners.length}`);
  payloadOwners.forEach((fi, k) => {
    const got = run.payloads[k], want = expected[fi]!.payload!;
    if (got && firstDiff(got, want) !== -1) note(`payload of frame ${fi}: got ${hex(got)}, expected ${hex(want)} (first difference at byte ${firstDiff(got, want)})`);
  });

  const slowOwners = owners((e) => !!e.slow);
  if (run.slow.length !== slowOwners.length) note(`${run.slow.length} slow-path frames, expected ${slowOwners.length}`);
  slowOwners.forEach((fi, k) => {
    const got = run.slow[k], want = expected[fi]!.slow!;
    if (got && (firstDiff(got.data, want.data) !== -1 || got.user !== want.user)) {
      note(`slow-path frame ${fi}: got user ${got.user} ${hex(got.data)}, expected user ${want.user} ${hex(want.data)}`);
    }
  });

  const metaOwners = owners((e) => !!e.meta);
  if (run.meta.length !== metaOwners.length) note(`${run.meta.length} metadata records, expected ${metaOwners.length}`);
  metaOwners.forEach((fi, k) => {
    const got = run.meta[k], want = expected[fi]!.meta!;
    if (!got) return;
    const bad = Object.keys(want).filter((f) => got[f] !== want[f]);
    if (bad.length) {
      note(`metadata of frame ${fi} (${hex(frames[fi]!.data, 16)}): ${bad.map((f) => `${f} ${got[f]} != ${want[f]}`).join(', ')}`);
    }
  });

  const wantCounts = RX_REASONS.map((r) => expected.filter((e) => e.reason === r).length);
  RX_REASONS.forEach((r, i) => {
    if (run.counts[i] !== wantCounts[i]) note(`counter ${rxReasonName(r as RxReason)}: ${run.counts[i]}, expected ${wantCounts[i]}`);
  });
  return out;
}

export const expectAll = (frames: InFrame[], sackBlocks = 1) => frames.map((f) => expectRx(f.data, !!f.macError, sackBlocks, !!f.checksumError));
