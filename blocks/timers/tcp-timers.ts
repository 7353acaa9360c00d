// TCP timers for N connections: a per-connection deadline table in block RAM, swept round-robin one connection
// per cycle, with arm/cancel commands and timer events under valid/ready. See README.md for the contract.
import { defineModule, input, output, Bool, UInt, Vec, when, mux, lit, cat, type Sig } from '../../dsl/index.ts';
import { below } from '../skb/bits.ts';
import { TimerCmd, TimerEvent } from './interface.ts';
import { TimerError, TimerOp, ERROR_BITS, KIND_BITS, kindName } from './codes.ts';
import { timersDefaults, timersGeometry, type TcpTimersParams } from './params.ts';
import { eventQueue } from './event-queue.ts';

/**
 * One memory per kind, `conns` words of {armed, deadline}. One write port (commands, the sweep's disarm, and the
 * clearing pass after reset) and one read port (the sweep only). The sweep is a three-stage pipeline:
 *   read   the row address goes to the RAMs (every cycle);
 *   S1     the row's words are on the RAM outputs; each armed kind whose deadline has passed is a candidate,
 *          except kinds written at the edge that captured the read or in this cycle (those words are stale:
 *          the write is ordered before this visit, and the timer is examined again at the next visit);
 *   S2     holds the row and its expired kinds; raises one event per cycle (lowest kind first) into the event
 *          queue and disarms that kind in the same cycle. Commands accepted while S2 holds its row clear the
 *          kinds they touch from S2.
 * S2 takes the next row from S1 when it is empty or raising its last event; otherwise S1 re-reads its row
 * (the sweep pauses). Commands and S2 share the write port: S2 writes unless it held a command off in the cycle
 * before, so a command waits at most one cycle and S2 raises at least every other cycle.
 */
export const TcpTimers = defineModule('tcp_timers', (m, p: TcpTimersParams) => {
  const g = timersGeometry(p);
  const K = p.kinds;
  const io = m.io({
    cmd: input(TimerCmd(p, g)),
    evt: output(TimerEvent(p)),
    /** CSR: a tick lasts max(prescale, 1) cycles. */
    prescale: input(UInt(p.prescaleBits)),
    /** The tick counter: deadlines are compared with it modulo 2^tickBits. */
    now: output(UInt(p.tickBits)),
    /** Low for `conns` cycles after reset while the table is cleared (cmd_ready is low meanwhile). */
    init_done: output(Bool),
    /** Events delivered, per kind. */
    events: output(Vec(UInt(p.counterBits), K)),
    /** Events withdrawn from the queue by a command before they reached the event port. */
    withdrawn: output(UInt(p.counterBits)),
    /** Commands refused (nothing written), and the reason for the last one (TimerError). */
    refused: output(UInt(p.counterBits)),
    err_code: output(UInt(ERROR_BITS)),
    /** Completed sweeps of the table. */
    sweeps: output(UInt(p.counterBits)),
  });
  const lastRow = p.conns - 1;
  const nextRow = (r: Sig): Sig => ((p.conns & lastRow) === 0 ? r.add(1) : mux(r.eq(lastRow), lit(0, UInt(g.rowBits)), r.add(1)));
  const allKinds = lit((1 << K) - 1, UInt(K));
  const noKinds = lit(0, UInt(K));
  const kindBit = (k: Sig): Sig => lit(1, UInt(K)).shl(k);

  // ---- The tick counter.
  const now = m.reg(UInt(p.tickBits), { reset: 0, name: 'tick_count' });
  const prescaleCount = m.reg(UInt(p.prescaleBits), { reset: 0 });
  const tick = prescaleCount.addWide(1).ge(io.prescale.zext(p.prescaleBits + 1)).named('tick');
  when(tick, () => { now.set(now.add(1)); prescaleCount.set(0); }).otherwise(() => prescaleCount.set(prescaleCount.add(1)));

  // ---- Clearing pass after reset: block RAM is not reset, so write every row to "nothing armed".
  const initDone = m.reg(Bool, { reset: false });
  const initRow = m.reg(UInt(g.rowBits), { reset: 0 });
  const clearing = initDone.lnot();
  when(clearing, () => {
    initRow.set(nextRow(initRow));
    when(initRow.eq(lastRow), () => initDone.set(true));
  });

  // ---- Commands: decode and refusal.
  const cmd = io.cmd;
  const isSet = cmd.op.eq(TimerOp.SET), isCancel = cmd.op.eq(TimerOp.CANCEL), isCancelAll = cmd.op.eq(TimerOp.CANCEL_ALL);
  const badOp = isSet.lor(isCancel).lor(isCancelAll).lnot();
  const badConn = below(cmd.conn, p.conns).lnot();
  const badKind = isCancelAll.lnot().land(below(cmd.kind, K).lnot());
  const errCode = mux(badOp, lit(TimerError.BAD_OP, UInt(ERROR_BITS)),
    mux(badConn, lit(TimerError.BAD_CONN, UInt(ERROR_BITS)),
      mux(badKind, lit(TimerError.BAD_KIND, UInt(ERROR_BITS)), lit(TimerError.NONE, UInt(ERROR_BITS))))).named('cmd_error');
  const cmdRow = cmd.conn.trunc(g.rowBits).named('cmd_row');
  const cmdKinds = mux(isCancelAll, allKinds, kindBit(cmd.kind)).named('cmd_kinds');

  // ---- S2 state, and the write-port arbitration between S2 and commands.
  const s2Row = m.reg(UInt(g.rowBits), { reset: 0 });
  const s2Kinds = m.reg(UInt(K), { reset: 0 });
  const s2Pending = s2Kinds.orR();
  let emitKind = lit(0, UInt(KIND_BITS));
  for (let k = K - 1; k >= 0; k--) emitKind = mux(s2Kinds.bit(k), lit(k, UInt(KIND_BITS)), emitKind);
  emitKind = emitKind.named('emit_kind');
  const emitBit = kindBit(emitKind).named('emit_bit');

  const cmdWaiting = m.reg(Bool, { reset: false }); // a command was held off by S2 last cycle: it goes first now
  const queueRoom = m.wire(Bool);
  const s2Fire = s2Pending.land(queueRoom).land(cmdWaiting.lnot()).named('s2_fire');
  const cmdReady = initDone.land(s2Fire.lnot());
  const cmdFire = cmd.valid.land(cmdReady).named('cmd_fire');
  const cmdWrite = cmdFire.land(errCode.eq(TimerError.NONE)).named('cmd_write');
  cmdWaiting.set(cmd.valid.land(initDone).land(cmdReady.lnot()));
  io.cmd.ready.set(cmdReady);

  // The one write this cycle (at most one source): the row and the kinds it writes.
  const wRow = mux(initDone, mux(s2Fire, s2Row, cmdRow), initRow).named('w_row');
  const wKinds = mux(initDone, mux(s2Fire, emitBit, mux(cmdWrite, cmdKinds, noKinds)), allKinds).named('w_kinds');
  const deadline = now.add(cmd.timeout.zext(p.tickBits)).named('deadline');
  const wArm = initDone.land(s2Fire.lnot()).land(isSet);
  const wWord = mux(wArm, cat(lit(1, Bool), deadline), lit(0, UInt(p.tickBits + 1))).named('w_word');
  const lastWRow = m.reg(UInt(g.rowBits), { reset: 0 });
  const lastWKinds = m.reg(UInt(K), { reset: 0 });
  lastWRow.set(wRow);
  lastWKinds.set(wKinds);
  const writtenNow = (row: Sig) => mux(wRow.eq(row), wKinds, noKinds);
  const writtenLast = (row: Sig) => mux(lastWRow.eq(row), lastWKinds, noKinds);

  // ---- Read and S1.
  const s1Valid = m.reg(Bool, { reset: false });
  const s1Row = m.reg(UInt(g.rowBits), { reset: 0 });
  const s2Accept = s2Pending.lnot().lor(s2Fire.land(emitBit.eq(s2Kinds))).named('s2_accept');
  const readRow = mux(s1Valid, mux(s2Accept, nextRow(s1Row), s1Row), lit(0, UInt(g.rowBits))).named('read_row');
  s1Valid.set(initDone);
  s1Row.set(readRow);

  const expired: Sig[] = [];
  for (let k = 0; k < K; k++) {
    const table = m.memory(p.tickBits + 1, p.conns, { name: `table_${kindName(k)}` });
    table.write(wRow, wWord, { enable: wKinds.bit(k).named(`w_${kindName(k)}`) });
    const word = table.read(readRow).named(`word_${kindName(k)}`);
    // Passed when now - deadline, modulo 2^tickBits, is below 2^(tickBits-1) (wrap-safe).
    const sinceDeadline = now.sub(word.trunc(p.tickBits)).named(`since_${kindName(k)}`);
    expired.push(word.bit(p.tickBits).land(sinceDeadline.bit(p.tickBits - 1).lnot()).named(`expired_${kindName(k)}`));
  }
  const expiredKinds = (K === 1 ? expired[0]! : cat(...expired.slice().reverse())).named('expired_kinds');
  const candidates = expiredKinds.and(writtenNow(s1Row).not()).and(writtenLast(s1Row).not()).named('candidates');
  const s2Take = s1Valid.land(s2Accept).named('s2_take');
  when(s2Take, () => { s2Row.set(s1Row); s2Kinds.set(candidates); })
    .otherwise(() => s2Kinds.set(s2Kinds.and(writtenNow(s2Row).not())));

  // ---- Event queue and port.
  const q = eventQueue(m, p.evtDepth, g.rowBits, {
    push: s2Fire, pushRow: s2Row, pushKind: emitKind,
    kill: cmdWrite, killRow: cmdRow, killMask: cmdKinds, ready: io.evt.ready,
  });
  queueRoom.set(q.canPush);
  io.evt.valid.set(q.valid);
  io.evt.conn.set(q.row.extend(p.connBits));
  io.evt.kind.set(q.kind);

  // ---- Status and counters.
  const delivered = q.valid.land(io.evt.ready);
  io.events.forEach((out, k) => {
    const n = m.reg(UInt(p.counterBits), { reset: 0, name: `events_${kindName(k)}` });
    when(delivered.land(q.kind.eq(k)), () => n.set(n.add(1)));
    out.set(n);
  });
  const withdrawn = m.reg(UInt(p.counterBits), { reset: 0, name: 'withdrawn_count' });
  when(q.withdrawn, () => withdrawn.set(withdrawn.add(1)));
  const refused = m.reg(UInt(p.counterBits), { reset: 0, name: 'refused_count' });
  const lastError = m.reg(UInt(ERROR_BITS), { reset: TimerError.NONE });
  const refusedNow = cmdFire.land(cmdWrite.lnot());
  when(refusedNow, () => { refused.set(refused.add(1)); lastError.set(errCode); });
  const sweeps = m.reg(UInt(p.counterBits), { reset: 0, name: 'sweep_count' });
  when(s2Take.land(s1Row.eq(lastRow)), () => sweeps.set(sweeps.add(1)));

  io.now.set(now);
  io.init_done.set(initDone);
  io.withdrawn.set(withdrawn);
  io.refused.set(refused);
  io.err_code.set(lastError);
  io.sweeps.set(sweeps);
  return io;
}, timersDefaults);
