// Checking a run of the RTL against the reference model.
import { expect } from 'vitest';
import type { TcbFields } from '../../blocks/conn_table/tcb.ts';
import { cmdExecDefaults, cmdExecGeometry } from '../../blocks/cmd_exec/params.ts';
import { CmdExecModel, type Logs } from './model.ts';
import type { RunOpts, RunResult } from './driver.ts';

export const BROADCAST = 0xffffffffffffn;

/** The model started as the run was (TCBs, queues, neighbours, busy connections), fed the RTL's command order. */
export function modelFor(o: RunOpts, res: RunResult, make: (cfg: ConstructorParameters<typeof CmdExecModel>[0]) => CmdExecModel = (c) => new CmdExecModel(c), timeoutBits = 31): CmdExecModel {
  const model = make({ conns: cmdExecDefaults.conns, blocks: cmdExecGeometry(cmdExecDefaults).blocks, timeoutBits, localIp: o.localIp ?? 0x0a000001, broadcast: BROADCAST });
  for (const [c, t] of o.tcbs ?? new Map<number, TcbFields>()) model.tcbs.set(c, { ...t });
  for (const [k, v] of o.queues ?? new Map<number, number[]>()) model.queues.set(k, [...v]);
  for (const [ip, mac] of o.learn ?? []) model.neighbours.set(ip, mac);
  for (const c of o.busy ?? []) model.segsQueued.set(c, 1);
  for (const j of res.timeline) {
    if ('cmd' in j) model.exec(j.cmd, j.from);
    else if ('read' in j) model.rxRead(j.read.conn, j.read.len);
    else if ('take' in j) model.takeWindow(j.take);
    else if ('serve' in j) model.serveWindow(j.serve);
    else if ('fast' in j) model.fastPath(j.fast.conn, j.fast.len);
    else model.forgetConsumed(j.clear);
  }
  for (const e of o.timerEvents ?? []) model.timerEvent(e.kind);
  // The testbench's skb manager refuses every enqueue with qError: each is counted.
  if (o.qError) model.counters.skb_error_count = model.logs.q.filter((q) => q.op === 0).length;
  return model;
}

/** The two event ports are independent: MAIL order is per destination core. */
const bySide = (l: Logs) => ({ ...l, mail: [...l.mail.filter((x) => x.to === 'rx'), ...l.mail.filter((x) => x.to === 'tx')] });

export function expectMatches(res: RunResult, model: CmdExecModel): void {
  expect(bySide(res.logs)).toEqual(bySide(model.logs));
  const sorted = (m: Map<number, TcbFields>) => [...m.entries()].sort((a, b) => a[0] - b[0]);
  expect(sorted(res.tcbs)).toEqual(sorted(model.tcbs));
  // Every consumed byte was served (the RTL serves them between commands) or forgotten with its connection.
  expect([...model.consumed.keys()]).toEqual([]);
  expect(model.idle).toBe(true);
  // End of stream reaches host_glue only after the enqueue before it was answered.
  expect(res.eofEarly).toEqual([]);
  for (const [c, n] of Object.entries(res.counters)) expect([c, n]).toEqual([c, model.counters[c as keyof typeof model.counters] ?? 0]);
}

/** Timer expiries: RTO / PERSIST to the TX core, TIME_WAIT to the RX core, each core's in order; DELACK / KEEPALIVE dropped. */
export function expectTimerEvents(res: RunResult, offered: { conn: number; kind: number }[]): void {
  const ids: Record<number, number> = { 0: 0, 2: 1, 3: 2 };
  const want = offered.filter((e) => e.kind in ids).map((e) => ({ to: e.kind === 3 ? 'rx' : 'tx', conn: e.conn, timer: ids[e.kind] }));
  for (const side of ['rx', 'tx']) expect(res.timerEvents.filter((e) => e.to === side)).toEqual(want.filter((e) => e.to === side));
}
