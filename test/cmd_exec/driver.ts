// Testbench for cmd_exec: every neighbour block is a small TS model (conn_table with insert-at-index, the skb
// manager's queues at their documented 2-cycle response latency, sinks with random ready), and every transfer on
// an output port is logged in the reference model's terms.
import { simulate, type BackendKind } from '../../sim/harness.ts';
import { CmdExec } from '../../blocks/cmd_exec/cmd-exec.ts';
import { COUNTERS, type CmdExecParams, type CounterName } from '../../blocks/cmd_exec/params.ts';
import { ConnOp, ConnStatus } from '../../blocks/conn_table/params.ts';
import { Tcb, freshTcb, maskedFields, type TcbFields } from '../../blocks/conn_table/tcb.ts';
import { packRecord, unpackRecord, type FwCommand, type FwEvent } from '../../firmware/api.ts';
import { emptyLogs, type Logs } from './model.ts';

export const toEntry = (c: FwCommand | bigint): bigint => typeof c === 'bigint' ? c : packRecord(c, 'command').reduce((a, w, i) => a | (w << BigInt(128 * i)), 0n);
export const fromEvent = (data: bigint): FwEvent => unpackRecord([0, 1, 2].map((i) => (data >> BigInt(128 * i)) & ((1n << 128n) - 1n)), 'event') as FwEvent;

/** A tiny seeded PRNG (mulberry32). */
export function rng(seed: number) {
  let a = seed >>> 0;
  return () => { a = (a + 0x6d2b79f5) >>> 0; let t = a; t = Math.imul(t ^ (t >>> 15), t | 1); t ^= t + Math.imul(t ^ (t >>> 7), t | 61); return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32; };
}

export interface RunOpts {
  rx: (FwCommand | bigint)[]; tx: (FwCommand | bigint)[];
  /** Learned neighbours, poked on learn_* before the commands. */
  learn?: [number, bigint][];
  /** Blocks already on queues (conn*2+dir -> ids). */
  queues?: Map<number, number[]>;
  /** Connections already in the table. */
  tcbs?: Map<number, TcbFields>;
  /** Connections with SEG events queued (segs_queued_query_zero low). */
  busy?: Set<number>;
  /** Timer expiries offered on timer_evt (conn, kind). */
  timerEvents?: { conn: number; kind: number }[];
  /** Probability a sink is ready in a cycle. */
  readyP?: number;
  seed?: number;
  /** Every sink (and conn_table) holds ready low for this many cycles first. */
  stallCycles?: number;
  /**
   * Cycles from an accepted skb_q request to its response (skb_manager's is 2; longer checks that nothing in cmd_exec
   * relies on it, e.g. eof_notify waiting for its enqueue's response rather than for a fixed time).
   */
  qLatency?: number;
  /** The skb manager answers enqueues with this error code (a refused enqueue). */
  qError?: number;
  localIp?: number;
  localMac?: bigint;
  /** host_glue's rx_read pulses (conn, len) at loop cycle `at` (one per cycle, ascending). */
  reads?: { at: number; conn: number; len: number }[];
  /**
   * toe_rx's fast path as the testbench's conn_table sees it: at loop cycle `at`, RCV.NXT of `conn` moves by `len`
   * (a masked write of rcv_nxt only, as toe_rx's update port does), whatever cmd_exec is doing (ascending `at`).
   */
  fast?: { at: number; conn: number; len: number }[];
}

/**
 * What happened, in the RTL's order, for the reference model: each command taken; each rx_read pulse; each window
 * job's take of a connection's consumed bytes; each CONN_DELETE's forgetting of them (when conn_table answered).
 */
export type Job =
  | { cmd: FwCommand | bigint; from: 'rx' | 'tx' }
  | { read: { conn: number; len: number } }
  | { take: number }
  | { serve: number }
  | { fast: { conn: number; len: number } }
  | { clear: number };

export interface RunResult {
  logs: Logs;
  /** Commands in the order the RTL took them. */
  order: { cmd: FwCommand | bigint; from: 'rx' | 'tx' }[];
  /** Commands, pulses, takes and clears in cycle order (see Job). */
  timeline: Job[];
  tcbs: Map<number, TcbFields>;
  counters: Record<CounterName, number>;
  timerEvents: { to: 'rx' | 'tx'; conn: number; timer: number }[];
  /** eof_notify pulses that came before (or with) a response to an enqueue of their connection: none allowed. */
  eofEarly: number[];
  /** Window jobs whose connection's RCV.NXT the fast path moved between the job's READ and its WRITE. */
  raced: number;
  cycles: number;
}

type Sim = { poke(n: string, v: number | bigint): void; peek(n: string): number | bigint; step(n: number): void; reset(): void; close(): void };

export async function openSim(backend: BackendKind, params: Partial<CmdExecParams> = {}): Promise<Sim> {
  return simulate(CmdExec, params, { backend }) as unknown as Sim;
}

export async function run(sim: Sim, o: RunOpts): Promise<RunResult> {
  const r = rng(o.seed ?? 1);
  const readyP = o.readyP ?? 0.7;
  const P = (n: string, v: number | bigint | boolean) => sim.poke(n, typeof v === 'boolean' ? (v ? 1 : 0) : v);
  const N = (n: string) => Number(sim.peek(n));
  const B = (n: string) => BigInt(sim.peek(n) as number | bigint);
  sim.reset();
  const localIp = o.localIp ?? 0x0a000001;
  P('local_ip', localIp);
  P('local_mac', o.localMac ?? 0x020000000001n);
  for (const [ip, mac] of o.learn ?? []) { P('learn_valid', 1); P('learn_ip', ip); P('learn_mac', mac); sim.step(1); }
  P('learn_valid', 0);

  const tcbs = new Map([...(o.tcbs ?? new Map<number, TcbFields>())].map(([k, v]) => [k, { ...v }]));
  const queues = new Map([...(o.queues ?? new Map<number, number[]>())].map(([k, v]) => [k, [...v]]));
  const logs = emptyLogs();
  const order: RunResult['order'] = [];
  const timerOut: RunResult['timerEvents'] = [];
  const rxQ = [...o.rx], txQ = [...o.tx];
  const tevs = [...(o.timerEvents ?? [])];
  let ctResp: Record<string, number | bigint> | undefined, ctRespAt = 0, ctWait = 0;
  const qResp: { at: number; f: Record<string, number> }[] = [];
  let cycle = 0, idle = 0;
  const reads = [...(o.reads ?? [])];
  const fast = [...(o.fast ?? [])];
  const eofEarly: number[] = [];
  let wndReadPending = false; // a window job's READ requested, not yet accepted by conn_table
  let served: { conn: number; at: number } | undefined; // a window job's READ taken, its WRITE (if any) not yet
  let raced = 0;
  const fastAt: { at: number; conn: number }[] = [];
  // (cycle, rank, job): sorted at the end. In one cycle a take or clear comes before that cycle's pulse (a take at
  // cycle T holds the pulses of cycles < T; a clear at X drops those of cycles < X).
  const stamped: { at: number; rank: number; job: Job }[] = [];
  const accepted = new Set<number>();
  let ctHeld = false; // ct_cmd_valid was high last cycle without a transfer: the same request
  const sinks = ['timer_cmd', 'ack_ev', 'sack_set', 'skb_free', 'skb_q', 'txr', 'sq_delete', 'hreq', 'sq_base', 'rx_event', 'tx_event'];

  for (; cycle < 200000; cycle++) {
    // ---- inputs
    P('rx_cmd_valid', rxQ.length > 0); if (rxQ[0]) P('rx_cmd_data', toEntry(rxQ[0]));
    P('tx_cmd_valid', txQ.length > 0); if (txQ[0]) P('tx_cmd_data', toEntry(txQ[0]));
    const stalled = cycle < (o.stallCycles ?? 0);
    for (const s of sinks) P(`${s}_ready`, !stalled && r() < readyP);
    const ctReady = ctWait === 0 && !stalled;
    P('ct_cmd_ready', ctReady);
    P('ct_resp_valid', ctResp !== undefined && cycle >= ctRespAt);
    for (const [k, v] of Object.entries(ctResp ?? {})) P(`ct_resp_${k}`, v);
    const qr = qResp.find((q) => q.at === cycle);
    P('skb_q_resp_valid', qr !== undefined);
    for (const [k, v] of Object.entries(qr?.f ?? {})) P(`skb_q_resp_${k}`, v);
    P('timer_evt_valid', tevs.length > 0);
    if (tevs[0]) { P('timer_evt_conn', tevs[0].conn); P('timer_evt_kind', tevs[0].kind); }
    const rd = reads[0]?.at === cycle ? reads.shift() : undefined;
    P('rx_read_valid', rd !== undefined);
    if (rd) { P('rx_read_conn', rd.conn); P('rx_read_len', rd.len); stamped.push({ at: cycle, rank: 2, job: { read: { conn: rd.conn, len: rd.len } } }); }
    // toe_rx's update port: RCV.NXT only, applied before a READ conn_table takes in the same cycle.
    while (fast[0]?.at === cycle) {
      const f = fast.shift()!;
      const t = tcbs.get(f.conn);
      if (t) t.rcv_nxt = (t.rcv_nxt + f.len) >>> 0;
      stamped.push({ at: cycle, rank: 3, job: { fast: { conn: f.conn, len: f.len } } });
      fastAt.push({ at: cycle, conn: f.conn });
    }
    P('segs_queued_query_zero', !(o.busy?.has(N('segs_queued_query_conn')) ?? false));

    // ---- transfers this cycle
    const fire = (s: string) => N(`${s}_valid`) === 1 && N(`${s}_ready`) === 1;
    let any = false;
    for (const side of ['rx', 'tx'] as const) {
      if (!fire(`${side}_cmd`)) continue;
      const x = { cmd: (side === 'rx' ? rxQ : txQ).shift()!, from: side };
      order.push(x);
      stamped.push({ at: cycle, rank: 1, job: x });
      accepted.add(cycle);
      any = true;
    }
    // A command's READ is requested 2 cycles after it was taken (CHECK in between); a READ starting with no command
    // taken 2 cycles before is a window job, whose take was in that cycle (IDLE, then WND_TAKE).
    if (N('ct_cmd_valid') && !ctHeld && N('ct_cmd_op') === ConnOp.READ && !accepted.has(cycle - 2)) {
      stamped.push({ at: cycle - 2, rank: 0, job: { take: N('ct_cmd_index') } });
      wndReadPending = true;
    }
    // The job computes from the TCB conn_table reads when it takes the READ (toe_rx may move RCV.NXT before that).
    if (wndReadPending && N('ct_cmd_valid') && ctReady) {
      stamped.push({ at: cycle, rank: 4, job: { serve: N('ct_cmd_index') } });
      wndReadPending = false;
      served = { conn: N('ct_cmd_index'), at: cycle };
    } else if (served && N('ct_cmd_valid') && ctReady) {
      if (N('ct_cmd_op') === ConnOp.WRITE && fastAt.some((f) => f.conn === served!.conn && f.at > served!.at)) raced++;
      served = undefined;
    }
    if (N('eof_notify_valid')) {
      const conn = N('eof_notify_conn');
      logs.eof.push(conn);
      if (qResp.some((q) => q.at >= cycle && q.f.op === 0 && q.f.conn === conn)) eofEarly.push(conn);
    }
    if (fire('timer_evt')) { tevs.shift(); any = true; }
    if (fire('timer_cmd')) logs.timer.push({ op: N('timer_cmd_op'), conn: N('timer_cmd_conn'), kind: N('timer_cmd_kind'), timeout: N('timer_cmd_timeout') });
    if (fire('ack_ev')) logs.ack.push({ conn: N('ack_ev_conn'), event: N('ack_ev_event'), seg_len: N('ack_ev_seg_len'), sack_count: N('ack_ev_sack_count'), left0: N('ack_ev_sack_0_left'), right0: N('ack_ev_sack_0_right') });
    if (fire('sack_set')) logs.sack.push({ conn: N('sack_set_conn'), count: N('sack_set_count'), left0: N('sack_set_left0') });
    if (fire('skb_free')) logs.free.push(N('skb_free_id'));
    if (fire('hreq')) logs.hreq.push(Number(B('hreq_data') & 0x3fn));
    if (fire('sq_base')) logs.sqBase.push({ conn: N('sq_base_conn'), value: N('sq_base_value') });
    if (fire('sq_delete')) logs.sqDelete.push(N('sq_delete_conn'));
    if (fire('txr')) {
      // Fields a request of this kind does not use are logged as -1 (the model leaves them open).
      const kind = N('txr_kind');
      const used = (f: string) => kind === 3 ? ['kind', 'conn', 'upto'].includes(f) : kind === 2 ? !['snd_nxt', 'rcv_wnd', 'upto', 'len'].includes(f) : f !== 'upto';
      const v = (f: string) => (used(f) ? Number(sim.peek(`txr_${f}`)) : f === 'upto' || f === 'len' || f === 'seq' || f === 'ack' || f === 'flags' ? 0 : -1);
      logs.txr.push({
        kind, conn: N('txr_conn'), seq: v('seq'), ack: kind === 0 ? 0 : v('ack'), len: kind === 0 ? v('len') : 0, flags: v('flags'), upto: v('upto'),
        remote_mac: v('remote_mac'), local_ip: v('local_ip'), remote_ip: v('remote_ip'), remote_port: v('remote_port'), snd_nxt: v('snd_nxt'), rcv_wnd: v('rcv_wnd'),
      });
    }
    for (const side of ['rx', 'tx'] as const) {
      if (!fire(`${side}_event`)) continue;
      const ev = fromEvent(B(`${side}_event_data`));
      if (ev.kind === 'MAIL') logs.mail.push({ to: side, conn: ev.conn, msg: ev.msg, arg: ev.arg });
      else if (ev.kind === 'WND_OPEN' && side === 'rx') logs.wndOpen.push({ conn: ev.conn, rcv_wnd: ev.rcv_wnd });
      else if (ev.kind === 'TIMER') timerOut.push({ to: side, conn: ev.conn, timer: ev.timer });
      else throw new Error(`unexpected event ${ev.kind}`);
    }
    if (N('skb_meta_wr_valid')) logs.meta.push({ id: N('skb_meta_wr_id'), len: N('skb_meta_wr_len'), seq: N('skb_meta_wr_seq'), csum: N('skb_meta_wr_csum') });
    if (fire('skb_q')) {
      const op = N('skb_q_op'), conn = N('skb_q_conn'), dir = N('skb_q_dir'), id = N('skb_q_id');
      const key = conn * 2 + dir;
      logs.q.push({ op, conn, dir, id: op === 1 ? -1 : id });
      const q = queues.get(key) ?? [];
      let f: Record<string, number>;
      if (op === 0 && o.qError) f = { op, conn, dir, id, empty: 0, count: q.length, error: o.qError };
      else if (op === 0) { q.push(id); queues.set(key, q); f = { op, conn, dir, id, empty: 0, count: q.length, error: 0 }; }
      else { const h = q.shift(); f = { op, conn, dir, id: h ?? 0, empty: h === undefined ? 1 : 0, count: q.length, error: 0 }; }
      qResp.push({ at: cycle + (o.qLatency ?? 2), f });
    }
    if (N('ct_resp_valid') && N('ct_resp_ready')) {
      if (ctResp!.op === ConnOp.DELETE && ctResp!.status === ConnStatus.OK) stamped.push({ at: cycle, rank: 0, job: { clear: Number(ctResp!.index) } });
      ctResp = undefined; any = true;
    }
    ctHeld = N('ct_cmd_valid') === 1 && !ctReady;
    if (N('ct_cmd_valid') && ctReady) { ctResp = connTable(tcbs, sim, N); ctRespAt = cycle + 1; ctWait = Math.floor(r() * 3); any = true; }
    else if (ctWait > 0) ctWait--;

    sim.step(1);
    const quiet = !stalled && reads.length === 0 && fast.length === 0 && rxQ.length === 0 && txQ.length === 0 && tevs.length === 0 && ctResp === undefined && qResp.every((q) => q.at < cycle);
    idle = quiet && !any ? idle + 1 : 0;
    // Quiet for longer than the consumed-bytes pointer takes to come round the 64 connections.
    if (quiet && idle > 110) break;
  }
  const counters = Object.fromEntries(COUNTERS.map((c) => [c, N(c)])) as Record<CounterName, number>;
  const timeline = stamped.sort((a, b) => a.at - b.at || a.rank - b.rank).map((x) => x.job);
  return { logs, order, timeline, tcbs, counters, timerEvents: timerOut, eofEarly, raced, cycles: cycle };
}

/** conn_table's firmware port with insertAt semantics (indexFromCmd): applies the command, returns the response. */
function connTable(tcbs: Map<number, TcbFields>, sim: Sim, N: (n: string) => number): Record<string, number | bigint> {
  const op = N('ct_cmd_op'), index = N('ct_cmd_index');
  const field = (f: string) => (f === 'remote_mac' ? Number(sim.peek('ct_cmd_remote_mac')) : N(`ct_cmd_${f}`));
  const t = tcbs.get(index);
  const resp = (status: number, fields?: TcbFields) => ({
    op, status, index, ...Object.fromEntries(Tcb.fields.map((f) => [f.name, f.width > 32 ? BigInt(fields?.[f.name] ?? 0) : (fields?.[f.name] ?? 0)])),
  });
  if (op === ConnOp.INSERT) {
    const tuple = { local_ip: field('local_ip'), remote_ip: field('remote_ip'), local_port: field('local_port'), remote_port: field('remote_port') };
    if (t) return resp(ConnStatus.SLOT_BUSY);
    if ([...tcbs.values()].some((x) => x.remote_ip === tuple.remote_ip && x.remote_port === tuple.remote_port && x.local_port === tuple.local_port && x.local_ip === tuple.local_ip)) return resp(ConnStatus.DUPLICATE);
    tcbs.set(index, freshTcb(tuple));
    return resp(ConnStatus.OK);
  }
  if (!t) return resp(ConnStatus.NOT_ALLOCATED);
  if (op === ConnOp.DELETE) { tcbs.delete(index); return resp(ConnStatus.OK); }
  if (op === ConnOp.READ) return resp(ConnStatus.OK, t);
  for (const f of maskedFields(N('ct_cmd_mask'))) t[f] = field(f);
  return resp(ConnStatus.OK);
}

