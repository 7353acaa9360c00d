// cmd_exec: executes both cores' firmware commands as Toe.exec does (sim/toe_model/toe.ts), one at a time.
//
//   IDLE ─pick (round-robin)─► CHECK (kind, conn range, field ranges, neighbour) ─┬─► EXEC (no TCB needed)
//                                                                                 └─► CT_REQ ─► CT_RESP ─► PREP ─► PLAN ─► EXEC
//   EXEC issues the planned actions one by one, lowest bit first (skb meta, enqueue, free, timer, SACK, ACK,
//   tx request, send-queue delete, host request, SQ_BASE, TCB write (─► WR_RESP), end of stream, event, queue drain
//   (─► DRAIN_*)), then IDLE.
//   Between commands, a connection the host has consumed bytes of (rx_read) is served the same way:
//   IDLE ─► WND_TAKE ─► CT_REQ (READ) ─► CT_RESP ─► PREP ─► PLAN ─► EXEC (rcv_adv write, WND_OPEN event).
//   The TCB keeps the advertised right edge rcv_adv, not the window: cmd_exec moves only the edge, toe_rx only
//   RCV.NXT, so neither undoes the other (README, "Receive window"); RCV.WND = rcv_adv - rcv_nxt where needed.
import { defineModule, input, output, Bool, UInt, lit, mux, when, fsm, type Sig, type Wire } from '../../dsl/index.ts';
import { COMMAND_DEFS, NO_SKB, TcbField, recordLayout, type CommandKind } from '../../firmware/api.ts';
import { isCommandKind, packEvent, unpackCommand } from '../lib/fw-record.ts';
import { CmdIn, RespOut } from '../conn_table/interface.ts';
import { ConnOp, ConnStatus } from '../conn_table/params.ts';
import { Tcb, WRITABLE_FIELDS, type TcbField as TcbName } from '../conn_table/tcb.ts';
import { AckEventKind, MAX_SACK_BLOCKS } from '../ack_tx/types.ts';
import {
  AckEvPort, CmdEntry, EofNotify, EventEntry, HostReqPort, Learn, RxRead, SackSetPort, SqBasePort, SqDeletePort, TimerCmdPort, TimerEvtPort, TxReqPort, skbPorts,
} from './ports.ts';
import { COUNTERS, INSERT_DEFAULTS, TIMER_KIND_OF_ID, cmdExecDefaults, cmdExecGeometry, type CmdExecParams, type CounterName } from './params.ts';
import { neighbourTable } from './neighbours.ts';
import { consumedBytes } from './consumed.ts';
import { TxrKind } from '../tx_engine/txr.ts';

/** Actions of a command, in the order EXEC issues them. */
// WRITE before EVENT: a window job's rcv_adv lands before its WND_OPEN waits on the event port (no command has both).
// EOF after ENQ and WRITE: DELIVER's end of stream follows its enqueue's response and its RCV.NXT write.
const ACTIONS = ['META', 'ENQ', 'FREE', 'TIMER', 'SACK', 'ACK', 'TXR', 'SQDEL', 'HREQ', 'SQB', 'WRITE', 'EOF', 'EVENT', 'DRAIN'] as const;
type Action = (typeof ACTIONS)[number];
const bitOf = (a: Action) => 1 << ACTIONS.indexOf(a);

/** Kinds whose first field is `conn` (at bit 6 of the entry, as CONN_DELETE's). */
const CONN_KINDS = (Object.keys(COMMAND_DEFS) as CommandKind[]).filter((k) => Object.keys(COMMAND_DEFS[k].fields)[0] === 'conn');
const CONN_OFFSET = recordLayout('CONN_DELETE', 'command')[0]!.offset;
for (const k of CONN_KINDS) if (recordLayout(k, 'command')[0]!.offset !== CONN_OFFSET) throw new Error(`cmd_exec: ${k}.conn is not where CONN_DELETE's is`);

const maskOf = (...names: TcbName[]) => names.reduce((m, n) => m | (1 << WRITABLE_FIELDS.indexOf(n as (typeof WRITABLE_FIELDS)[number])), 0);
const MASK_BITS = WRITABLE_FIELDS.length;
/** TCB_WRITE.field -> the conn_table field it writes (SQ_BASE goes to tx_engine). */
const FIELD_OF: Partial<Record<number, TcbName>> = {
  [TcbField.RCV_NXT]: 'rcv_nxt', [TcbField.SND_UNA]: 'snd_una', [TcbField.SND_NXT]: 'snd_nxt', [TcbField.SND_WND]: 'snd_wnd',
  [TcbField.SND_WL1]: 'snd_wl1', [TcbField.SND_WL2]: 'snd_wl2', [TcbField.MAX_SND_WND]: 'max_snd_wnd',
  [TcbField.SND_WSCALE]: 'snd_wscale', [TcbField.RCV_WSCALE]: 'rcv_wscale', [TcbField.RCV_MSS]: 'rcv_mss',
  [TcbField.TS_ENABLED]: 'ts_ok', [TcbField.TS_RECENT]: 'ts_recent', [TcbField.RX_MODE]: 'rx_mode',
  [TcbField.RCVBUF]: 'rcvbuf', [TcbField.SND_MSS]: 'mss', [TcbField.SACK_MODE]: 'sack_mode',
};

/** a after b in sequence space (RFC 9293 §3.4: a - b as a signed 32-bit number is positive). */
const seqGt = (a: Sig, b: Sig) => { const d = a.sub(b); return d.ne(0).land(d.bit(31).lnot()); };
/** The later of two sequence numbers. */
const seqMax = (a: Sig, b: Sig) => mux(seqGt(a, b), a, b);
/** RCV.WND for an edge and RCV.NXT: edge - nxt, 0 when the edge is not ahead (windows stay below 2^31). */
const windowOf = (edge: Sig, nxt: Sig) => { const d = edge.sub(nxt); return mux(d.bit(31), lit(0, UInt(32)), d); };
/** The largest window the window job opens (RFC 7323 §2.3: 2^30), so an edge is never 2^31 or more ahead. */
const MAX_WINDOW = 2 ** 30;

export const CmdExec = defineModule('cmd_exec', (m, p: CmdExecParams) => {
  const g = cmdExecGeometry(p);
  const skb = skbPorts(p);
  const io = m.io({
    rx_cmd: input(CmdEntry()), tx_cmd: input(CmdEntry()),
    local_ip: input(UInt(32)), local_mac: input(UInt(48)),
    learn: input(Learn()), rx_read: input(RxRead()),
    ct_cmd: output(CmdIn()), ct_resp: input(RespOut()),
    timer_cmd: output(TimerCmdPort(p)), timer_evt: input(TimerEvtPort()),
    ack_ev: output(AckEvPort(g.connBits)), sack_set: output(SackSetPort(g.connBits)),
    skb_free: output(skb.free), skb_q: output(skb.q), skb_q_resp: input(skb.q_resp), skb_meta_wr: output(skb.meta_wr),
    txr: output(TxReqPort()), sq_delete: output(SqDeletePort()), hreq: output(HostReqPort()), sq_base: output(SqBasePort()),
    rx_event: output(EventEntry()), tx_event: output(EventEntry()),
    /** host_glue: the peer's FIN on `conn` was consumed by a DELIVER (one-cycle pulse, after its enqueue's q_resp). */
    eof_notify: output(EofNotify()),
    segs_queued_query: { conn: output(UInt(16)), zero: input(Bool) },
    ...(Object.fromEntries(COUNTERS.map((c) => [c, output(UInt(32))])) as object),
  });
  const counterPorts = io as unknown as Record<CounterName, Wire>;

  // ---- The command being executed
  const st = fsm(['IDLE', 'CHECK', 'CT_REQ', 'CT_RESP', 'PREP', 'PLAN', 'EXEC', 'WR_RESP', 'DRAIN_Q', 'DRAIN_WAIT', 'DRAIN_FREE', 'WND_TAKE'] as const);
  const cmd = m.reg(UInt(io.rx_cmd.data.width), { reset: 0, name: 'cmd' });
  const fromTx = m.reg(Bool, { reset: false });
  const lastTx = m.reg(Bool, { reset: false });
  const pickTx = io.tx_cmd.valid.land(io.rx_cmd.valid.lnot().lor(lastTx.lnot()));
  const pickRx = io.rx_cmd.valid.land(pickTx.lnot());
  // A window job (a connection with consumed bytes) and a command alternate when both wait.
  const wnd = m.reg(Bool, { reset: false, name: 'wnd_job' });
  const lastWnd = m.reg(Bool, { reset: false, name: 'last_wnd_job' });
  const wndTake = m.wire(Bool, { default: false, name: 'wnd_take' });
  const cmdIdle = st.is('IDLE').land(wndTake.lnot());
  io.rx_cmd.ready.set(cmdIdle.land(pickRx));
  io.tx_cmd.ready.set(cmdIdle.land(pickTx));
  when(cmdIdle.land(pickRx.lor(pickTx)), () => {
    cmd.set(mux(pickTx, io.tx_cmd.data, io.rx_cmd.data));
    fromTx.set(pickTx);
    lastTx.set(pickTx);
    wnd.set(false);
    lastWnd.set(false);
    st.goto('CHECK');
  });

  const is = (k: CommandKind) => isCommandKind(cmd, k);
  const conn = cmd.slice(CONN_OFFSET + 15, CONN_OFFSET);
  const connOk = conn.lt(p.conns);
  const connIdx = conn.trunc(g.connBits);
  const ins = unpackCommand('CONN_INSERT', cmd), tw = unpackCommand('TCB_WRITE', cmd), seg = unpackCommand('TX_SEG', cmd);
  const syn = unpackCommand('TX_SYN', cmd), ack = unpackCommand('TX_ACK', cmd), rst = unpackCommand('TX_RST', cmd);
  const tset = unpackCommand('TIMER_SET', cmd), tcan = unpackCommand('TIMER_CANCEL', cmd), sfree = unpackCommand('SKB_FREE', cmd);
  const dlv = unpackCommand('DELIVER', cmd), mail = unpackCommand('MAIL', cmd), sack = unpackCommand('SACK_SET', cmd);
  const known = (Object.keys(COMMAND_DEFS) as CommandKind[]).map(is).reduce((a, b) => a.lor(b));
  const connKind = CONN_KINDS.filter((k) => !['COPY_IN', 'MAIL'].includes(k)).map(is).reduce((a, b) => a.lor(b));

  // ---- Counters
  const counters = Object.fromEntries(COUNTERS.map((c) => {
    const r = m.reg(UInt(32), { reset: 0, name: `${c}_reg` });
    counterPorts[c].set(r);
    return [c, { reg: r, inc: m.wire(Bool, { default: false, name: `${c}_inc` }) }];
  })) as Record<CounterName, { reg: Wire; inc: Wire }>;
  for (const c of Object.values(counters)) when(c.inc, () => c.reg.set(c.reg.add(1)));
  const count = (c: CounterName) => counters[c].inc.set(true);
  when(io.rx_cmd.ready.land(io.rx_cmd.valid).lor(io.tx_cmd.ready.land(io.tx_cmd.valid)), () => count('commands_count'));
  when(io.skb_q_resp.valid.land(io.skb_q_resp.error.ne(0)), () => count('skb_error_count'));
  const rxReadOk = io.rx_read.conn.lt(p.conns);
  when(io.rx_read.valid.land(rxReadOk.lnot()), () => count('rx_read_bad_conn_count'));

  // ---- Consumed bytes per connection (rx_read), served between commands
  const ctDeleted = st.is('CT_RESP').land(io.ct_resp.valid).land(is('CONN_DELETE')).land(io.ct_resp.status.eq(ConnStatus.OK));
  const consumed = consumedBytes(m, p.conns, g.connBits, {
    read: { valid: io.rx_read.valid.land(rxReadOk).land(io.rx_read.len.ne(0)), conn: io.rx_read.conn, len: io.rx_read.len },
    take: { valid: wndTake },
    clear: { valid: ctDeleted, conn: connIdx },
  });
  const wndBytes = m.reg(UInt(32), { reset: 0, name: 'wnd_bytes' });
  const cmdWaiting = io.rx_cmd.valid.lor(io.tx_cmd.valid);
  wndTake.set(st.is('IDLE').land(consumed.pickValid).land(cmdWaiting.lnot().lor(lastWnd.lnot())));
  when(wndTake, () => {
    // The job's "command": kind 0 (no command) with the connection where every command keeps its conn.
    cmd.set(consumed.pickConn.zext(io.rx_cmd.data.width).shl(CONN_OFFSET));
    wnd.set(true);
    lastWnd.set(true);
    st.goto('WND_TAKE');
  });

  // ---- Neighbours
  const lookupMac = neighbourTable(m, p.neighbours, g.nbrBits, io.learn);
  const nbr = lookupMac(mux(is('TX_RST'), rst.remote_ip, ins.remote_ip));
  const dstMac = m.reg(UInt(48), { reset: 0, name: 'dst_mac' });

  // ---- State of the command's plan
  const pending = m.reg(UInt(ACTIONS.length), { reset: 0, name: 'pending' });
  const ctOp = m.reg(UInt(2), { reset: 0 });
  const ctInit = m.reg(Bool, { reset: false }); // the WRITE is CONN_INSERT's initial fields
  const status = m.reg(UInt(3), { reset: 0 });
  const tcb = Object.fromEntries(Tcb.fields.map((f) => [f.name, m.reg(UInt(f.width), { reset: 0, name: `tcb_${f.name}` })])) as Record<TcbName, Wire>;
  const wrMask = m.reg(UInt(MASK_BITS), { reset: 0, name: 'wr_mask' });
  const wrVal = m.reg(UInt(32), { reset: 0, name: 'wr_val' });
  const wrAdv = m.reg(UInt(32), { reset: 0, name: 'wr_adv' }); // the rcv_adv a WRITE carries
  const wrDefer = m.reg(UInt(16), { reset: 0, name: 'wr_defer' }); // the rcv_defer a window job's WRITE carries
  // RCV.WND of the TCB copy (rcv_adv - rcv_nxt, from conn_table's answer), after this command's own edge move.
  const tcbWnd = m.reg(UInt(32), { reset: 0, name: 'tcb_rcv_wnd' });
  const freeId = m.reg(UInt(p.skb.idBits), { reset: 0, name: 'free_id' });
  const meta = { len: m.reg(UInt(16), { reset: 0, name: 'meta_len' }), seq: m.reg(UInt(32), { reset: 0, name: 'meta_seq' }), off: m.reg(UInt(16), { reset: 0, name: 'meta_off' }) };
  const drainDir = m.reg(Bool, { reset: false });
  const A = (...as: Action[]) => lit(as.reduce((x, a) => x | bitOf(a), 0), UInt(ACTIONS.length));
  const go = (as: Sig) => { pending.set(as); st.goto('EXEC'); };
  const refuse = (c: CounterName) => { count(c); st.goto('IDLE'); };
  const ctRequest = (op: number) => { ctOp.set(op); ctInit.set(false); st.goto('CT_REQ'); };

  // ---- CHECK: everything decidable from the entry alone
  const timerIdOk = mux(is('TIMER_SET'), tset.timer, tcan.timer).lt(3);
  const delayOk = p.timeoutBits >= 32 ? lit(true, Bool) : tset.delay_us.lt(2 ** p.timeoutBits);
  const dlvHasSkb = dlv.skb.ne(NO_SKB);
  const fieldWidth = (name: TcbName) => Tcb.fields.find((f) => f.name === name)!.width;
  // A value wider than its TCB field is refused (RCV_WSCALE clamps, TS_ENABLED is a boolean): one term per field.
  const twTooWide = Object.entries(FIELD_OF).map(([code, name]) => {
    const w = fieldWidth(name!);
    const limit = name === 'rx_mode' || name === 'sack_mode' ? 2 : w >= 32 || name === 'rcv_wscale' || name === 'ts_ok' ? undefined : 2 ** w - 1;
    return limit === undefined ? undefined : tw.field.eq(Number(code)).land(tw.value.gt(limit));
  }).filter((x): x is Sig => x !== undefined).reduce((a, b) => a.lor(b));
  const twValueOk = twTooWide.lnot();
  const badField = is('TCB_WRITE').land(tw.field.gt(TcbField.SACK_MODE).lor(twValueOk.lnot()))
    .lor(is('TIMER_SET').lor(is('TIMER_CANCEL')).land(timerIdOk.lnot()))
    .lor(is('TIMER_SET').land(delayOk.lnot()))
    .lor(is('TX_ACK').land(ack.mode.gt(2)))
    .lor(is('SKB_FREE').land(sfree.skb.ge(g.blocks)))
    .lor(is('DELIVER').land(dlvHasSkb).land(dlv.skb.ge(g.blocks)))
    .lor(is('SACK_SET').land(sack.count.gt(MAX_SACK_BLOCKS)));
  const needsRead = ['TCB_WRITE', 'TX_SEG', 'TX_SYN', 'TX_ACK', 'TIMER_SET', 'SACK_SET', 'DELIVER'].map((k) => is(k as CommandKind)).reduce((a, b) => a.lor(b));

  // ---- PLAN: after conn_table answered
  const ok = status.eq(ConnStatus.OK);
  // TCB_WRITE
  // TCB_WRITE.field -> its mask bit (an AND-OR of one-hot terms, not a priority chain).
  const twField = (Object.entries(FIELD_OF) as [string, TcbName][]).map(([c, name]) =>
    mux(tw.field.eq(Number(c)), lit(maskOf(name), UInt(MASK_BITS)), lit(0, UInt(MASK_BITS)))).reduce((a, b) => a.or(b));
  const twIsRcvNxt = tw.field.eq(TcbField.RCV_NXT);
  // PREP registers the sums PLAN compares, so no path chains more than two 32-bit carry chains.
  const r32 = (name: string) => m.reg(UInt(32), { reset: 0, name });
  const rb = (name: string) => m.reg(Bool, { reset: false, name });
  const rn = tcb.rcv_nxt;
  const prep = {
    segEnd: r32('p_seg_end'), synEnd: r32('p_syn_end'), synEdge: r32('p_syn_edge'),
    dlvEnd: r32('p_dlv_end'), dlvEnd1: r32('p_dlv_end1'), dlvNew: rb('p_dlv_new'), dlvAtEnd: rb('p_dlv_at_end'), dlvBeyond: rb('p_dlv_beyond'),
    dlvOff: m.reg(UInt(16), { reset: 0, name: 'p_dlv_off' }),
    wndNew: r32('p_wnd_new'), wndMin: r32('p_wnd_min_growth'), wndDefer: m.reg(UInt(16), { reset: 0, name: 'p_wnd_defer' }),
  };
  const dlvEnd = dlv.seq.add(dlv.len.zext(32));
  const computePrep = () => {
    prep.segEnd.set(seg.seq.add(seg.len.zext(32)).add(seg.flags.bit(0).zext(32)));
    prep.synEnd.set(syn.seq.add(1));
    prep.synEdge.set(syn.ack.add(mux(tcb.rcvbuf.gt(1 << 30), lit(1 << 30, UInt(32)), tcb.rcvbuf)));
    prep.dlvEnd.set(dlvEnd);
    prep.dlvEnd1.set(dlv.seq.add(dlv.len.zext(32)).add(1));
    prep.dlvNew.set(dlvHasSkb.land(seqGt(dlvEnd, rn)));
    prep.dlvAtEnd.set(rn.eq(dlvEnd));
    prep.dlvBeyond.set(seqGt(dlv.seq, rn));
    prep.dlvOff.set(rn.sub(dlv.seq).trunc(16));
    // Window job: the window + consumed (+ deferred), at most min(rcvbuf, 2^30); a window already at or above that
    // never shrinks. The consumed bytes wait in rcv_defer (saturating) while they are fewer than the SWS threshold.
    const limit = mux(tcb.rcvbuf.gt(MAX_WINDOW), lit(MAX_WINDOW, UInt(32)), tcb.rcvbuf);
    const total = wndBytes.zext(34).add(tcb.rcv_defer.zext(34));
    const grown = tcbWnd.zext(34).add(total);
    prep.wndNew.set(mux(tcbWnd.ge(limit), tcbWnd, mux(grown.gt(limit.zext(34)), limit, grown.trunc(32))));
    prep.wndDefer.set(mux(total.gt(0xffff), lit(0xffff, UInt(16)), total.trunc(16)));
    const halfBuf = tcb.rcvbuf.shr(1), mss = tcb.rcv_mss.zext(32);
    prep.wndMin.set(mux(halfBuf.lt(mss), halfBuf, mss));
  };
  /** The edge for a new RCV.NXT: it stays, unless RCV.NXT passes it (window 0: the edge moves to RCV.NXT). */
  const keepEdge = (nxt: Sig) => seqMax(nxt, tcb.rcv_adv);
  // RCV_NXT keeps the advertised right edge (RAW: none advertised yet, so the window closes at the new RCV.NXT).
  const rcvNxtAdv = mux(tcb.rx_mode.eq(2), tw.value, keepEdge(tw.value));
  const twVal = mux(tw.field.eq(TcbField.RCV_WSCALE).land(tw.value.gt(14)), lit(14, UInt(32)),
    mux(tw.field.eq(TcbField.TS_ENABLED), tw.value.ne(0).zext(32), tw.value));
  // Leaving RAW (the connection is synchronised: RCV.NXT is the peer's): the window opens to the receive buffer.
  // The TOE model opens it with its first ACK's advertise(); here no ACK computes windows, so the edge moves now.
  const leavesRaw = tw.field.eq(TcbField.RX_MODE).land(tcb.rx_mode.eq(2)).land(tw.value.ne(2));
  const openBuf = mux(tcb.rcvbuf.gt(1 << 30), lit(1 << 30, UInt(32)), tcb.rcvbuf);
  const openAdv = seqMax(tcb.rcv_nxt.add(openBuf), tcb.rcv_adv);
  const fastRefused = tw.field.eq(TcbField.RX_MODE).land(tw.value.eq(0)).land(io.segs_queued_query.zero.lnot());
  // TX_SEG / TX_SYN: SND.NXT follows the highest sequence sent.
  const segEnd = prep.segEnd, synEnd = prep.synEnd, synEdge = prep.synEdge;
  const synAck = syn.flags.bit(4);
  // DELIVER: only bytes at or after RCV.NXT reach the receive queue; a FIN at the new RCV.NXT is consumed.
  const dlvNew = prep.dlvNew, dlvBeyond = prep.dlvBeyond, dlvOff = prep.dlvOff;
  const dlvFin = dlv.fin.land(dlvNew.lor(prep.dlvAtEnd)); // the FIN is consumed: RCV.NXT moves past it
  const dlvNxt = mux(dlvFin, prep.dlvEnd1, mux(dlvNew, prep.dlvEnd, rn));

  // Window job (receiver SWS avoidance, RFC 9293 §3.8.6.2.2, as the model's advertise()): the edge moves right only
  // by a growth of at least min(rcvbuf / 2, rcv_mss), and the deferred bytes start again from 0; a smaller growth
  // leaves the edge and keeps the bytes in rcv_defer. WND_OPEN by the model's maybeWindowOpen rule (the edge moved
  // and the window at least doubled; never in RAW mode). The window is relative to the RCV.NXT read: toe_rx may
  // have moved RCV.NXT since, which only shrinks the window by itself.
  const wndOld = tcbWnd, wndNew = prep.wndNew;
  const wndMoved = wndNew.ne(wndOld);
  const wndMove = wndNew.sub(wndOld).ge(prep.wndMin);
  const wndOpen = tcb.rx_mode.ne(2).land(wndMoved).land(wndMove).land(wndNew.zext(33).ge(wndOld.zext(33).shl(1)));
  const planWnd = () => {
    when(ok.lnot(), () => refuse('wnd_no_conn_count')).otherwise(() => {
      wrMask.set(mux(wndMove, lit(maskOf('rcv_adv', 'rcv_defer'), UInt(MASK_BITS)), lit(maskOf('rcv_defer'), UInt(MASK_BITS))));
      wrAdv.set(rn.add(wndNew));
      wrDefer.set(mux(wndMove, lit(0, UInt(16)), prep.wndDefer));
      go(mux(wndOpen, A('EVENT'), A()).or(A('WRITE')));
    });
  };

  st.switch({
    WND_TAKE: () => { wndBytes.set(consumed.taken); ctRequest(ConnOp.READ); },
    CHECK: () => {
      when(known.lnot(), () => refuse('bad_kind_count'))
        .elseWhen(connKind.land(connOk.lnot()), () => refuse('bad_conn_count'))
        .elseWhen(badField, () => refuse('bad_field_count'))
        .elseWhen(is('TX_RST').land(nbr.hit.lnot()), () => refuse('unknown_neighbour_count'))
        .elseWhen(is('CONN_INSERT'), () => {
          when(nbr.hit.lnot(), () => count('unknown_neighbour_count'));
          dstMac.set(mux(nbr.hit, nbr.mac, lit(0xffffffffffffn, UInt(48))));
          ctRequest(ConnOp.INSERT);
        })
        .elseWhen(is('CONN_DELETE'), () => ctRequest(ConnOp.DELETE))
        .elseWhen(needsRead, () => ctRequest(ConnOp.READ))
        .otherwise(() => {
          dstMac.set(nbr.mac);
          freeId.set(sfree.skb);
          go(mux(is('TIMER_CANCEL'), A('TIMER'), mux(is('SKB_FREE'), A('FREE'), mux(is('SQ_RELEASE').lor(is('TX_RST')), A('TXR'),
            mux(is('COPY_IN').lor(is('HOST_NOTE')), A('HREQ'), A('EVENT'))))));
        });
    },
    CT_REQ: () => when(io.ct_cmd.ready, () => st.goto('CT_RESP')),
    CT_RESP: () => when(io.ct_resp.valid, () => {
      status.set(io.ct_resp.status);
      for (const f of Tcb.fields) tcb[f.name].set(io.ct_resp[f.name]);
      tcbWnd.set(windowOf(io.ct_resp.rcv_adv, io.ct_resp.rcv_nxt));
      st.goto('PREP');
    }),
    PREP: () => { computePrep(); st.goto('PLAN'); },
    PLAN: () => when(wnd, planWnd).otherwise(() => {
      when(is('CONN_INSERT'), () => {
        when(ok, () => { ctInit.set(true); wrMask.set(maskOf('rx_mode', 'rcv_mss', 'mss', 'rcvbuf', 'remote_mac')); go(A('WRITE')); })
          .otherwise(() => refuse('insert_refused_count'));
      }).elseWhen(is('CONN_DELETE'), () => {
        // A free slot: nothing to do (as the model). Else timers, SACK blocks, tx_engine's state, both queues.
        when(ok, () => { drainDir.set(false); go(A('TIMER', 'SACK', 'SQDEL', 'DRAIN')); }).otherwise(() => st.goto('IDLE'));
      }).elseWhen(ok.lnot(), () => {
        count('no_conn_count');
        freeId.set(dlv.skb);
        when(is('DELIVER').land(dlvHasSkb), () => go(A('FREE'))).otherwise(() => st.goto('IDLE'));
      }).elseWhen(is('TCB_WRITE'), () => {
        wrMask.set(mux(twIsRcvNxt, lit(maskOf('rcv_nxt', 'rcv_adv'), UInt(MASK_BITS)),
          mux(leavesRaw, twField.or(lit(maskOf('rcv_adv'), UInt(MASK_BITS))), twField)));
        wrVal.set(twVal);
        wrAdv.set(mux(twIsRcvNxt, rcvNxtAdv, openAdv));
        when(tw.field.eq(TcbField.SQ_BASE), () => go(A('SQB')))
          .elseWhen(fastRefused, () => refuse('fast_refused_count'))
          .otherwise(() => go(A('WRITE')));
      }).elseWhen(is('TX_SEG'), () => {
        wrMask.set(lit(maskOf('snd_nxt'), UInt(MASK_BITS)));
        wrVal.set(segEnd);
        // tx_engine gets SND.NXT after this segment (its tx_acked report carries it).
        when(seqGt(segEnd, tcb.snd_nxt), () => tcb.snd_nxt.set(segEnd));
        go(mux(seqGt(segEnd, tcb.snd_nxt), A('TXR', 'WRITE'), A('TXR')));
      }).elseWhen(is('TX_SYN'), () => {
        const nxt = mux(seqGt(synEnd, tcb.snd_nxt), lit(maskOf('snd_nxt'), UInt(MASK_BITS)), lit(0, UInt(MASK_BITS)));
        const adv = mux(synAck, lit(maskOf('rcv_adv'), UInt(MASK_BITS)), lit(0, UInt(MASK_BITS)));
        wrMask.set(nxt.or(adv));
        wrVal.set(synEnd);
        // The SYN-ACK's window field says at most 65535 (unscaled, tx_engine), but the edge is the whole receive
        // buffer: the window scale applies from the next segment, and accepting beyond what was said is allowed
        // (the TOE model's first ACK advertises the same). Never behind RCV.NXT (window 0 then).
        const synAdv = seqMax(synEdge, tcb.rcv_nxt);
        wrAdv.set(synAdv);
        when(nxt.ne(0), () => tcb.snd_nxt.set(synEnd));
        when(synAck, () => { tcb.rcv_adv.set(synAdv); tcbWnd.set(windowOf(synEdge, tcb.rcv_nxt)); });
        dstMac.set(tcb.remote_mac);
        go(mux(nxt.or(adv).ne(0), A('TXR', 'WRITE'), A('TXR')));
      }).elseWhen(is('TX_ACK'), () => go(A('ACK')))
        .elseWhen(is('TIMER_SET'), () => go(A('TIMER')))
        .elseWhen(is('SACK_SET'), () => go(A('SACK')))
        .otherwise(() => { // DELIVER
          freeId.set(dlv.skb);
          meta.len.set(dlv.len.sub(dlvOff));
          meta.seq.set(rn);
          meta.off.set(dlvOff);
          wrMask.set(lit(maskOf('rcv_nxt', 'rcv_adv'), UInt(MASK_BITS)));
          wrVal.set(dlvNxt);
          wrAdv.set(keepEdge(dlvNxt));
          when(dlvBeyond, () => {
            count('deliver_refused_count');
            when(dlvHasSkb, () => go(A('FREE'))).otherwise(() => st.goto('IDLE'));
          }).otherwise(() => {
            const data = mux(dlvNew, A('META', 'ENQ'), mux(dlvHasSkb, A('FREE'), A()));
            go(data.or(mux(dlvNxt.ne(rn), A('WRITE'), A())).or(mux(dlvFin, A('EOF'), A())));
          });
        });
      when(is('TX_SEG'), () => dstMac.set(tcb.remote_mac));
    }),
  });

  // ---- EXEC: the lowest pending action
  const exec = st.is('EXEC');
  const act = (a: Action) => {
    const lower = (1 << ACTIONS.indexOf(a)) - 1;
    return exec.land(pending.bit(ACTIONS.indexOf(a))).land(lower === 0 ? lit(true, Bool) : pending.and(lower).eq(0));
  };
  const done = m.wire(UInt(ACTIONS.length), { default: 0, name: 'done' });
  const finish = (a: Action, fire: Sig) => when(fire, () => done.set(lit(bitOf(a), UInt(ACTIONS.length))));
  // Back to IDLE the cycle after the last action completed (from registers: the ready inputs stay off the state
  // register's path; a command is several bus writes from a core, one cycle here does not matter).
  when(exec, () => {
    pending.set(pending.and(done.not()));
    when(pending.eq(0), () => st.goto('IDLE'));
  });

  // skb meta (no ready), enqueue on the receive queue, free
  io.skb_meta_wr.valid.set(act('META'));
  io.skb_meta_wr.id.set(freeId);
  io.skb_meta_wr.fields.set(7);
  io.skb_meta_wr.len.set(meta.len);
  io.skb_meta_wr.seq.set(meta.seq);
  io.skb_meta_wr.csum.set(meta.off);
  finish('META', act('META'));
  const drainReq = st.is('DRAIN_Q');
  io.skb_q.valid.set(act('ENQ').lor(drainReq));
  io.skb_q.op.set(mux(drainReq, lit(1, UInt(2)), lit(0, UInt(2))));
  io.skb_q.conn.set(conn.zext(p.skb.connBits));
  io.skb_q.dir.set(mux(drainReq, drainDir, lit(true, Bool)));
  io.skb_q.id.set(freeId);
  finish('ENQ', act('ENQ').land(io.skb_q.ready));
  // End of stream for host_glue, once the enqueue before it has been answered (its q_resp: the data is on the
  // queue before host_glue hears of the FIN). One command at a time: the only response due is that enqueue's.
  const enqWait = m.reg(Bool, { reset: false, name: 'enq_wait' });
  when(act('ENQ').land(io.skb_q.ready), () => enqWait.set(true)).elseWhen(io.skb_q_resp.valid, () => enqWait.set(false));
  const eofFire = act('EOF').land(enqWait.lnot());
  io.eof_notify.valid.set(eofFire);
  io.eof_notify.conn.set(conn);
  finish('EOF', eofFire);
  const drainFree = st.is('DRAIN_FREE');
  io.skb_free.valid.set(act('FREE').lor(drainFree));
  io.skb_free.id.set(freeId);
  finish('FREE', act('FREE').land(io.skb_free.ready));

  // timers
  const tid = mux(is('TIMER_SET'), tset.timer, tcan.timer);
  io.timer_cmd.valid.set(act('TIMER'));
  io.timer_cmd.op.set(mux(is('CONN_DELETE'), lit(2, UInt(2)), mux(is('TIMER_CANCEL'), lit(1, UInt(2)), lit(0, UInt(2)))));
  io.timer_cmd.conn.set(conn);
  io.timer_cmd.kind.set(mux(tid.eq(2), lit(TIMER_KIND_OF_ID[2], UInt(3)), mux(tid.eq(1), lit(TIMER_KIND_OF_ID[1], UInt(3)), lit(TIMER_KIND_OF_ID[0], UInt(3)))));
  io.timer_cmd.timeout.set(tset.delay_us.trunc(p.timeoutBits));
  finish('TIMER', act('TIMER').land(io.timer_cmd.ready));

  // ack_gen: SACK_SET (CONN_DELETE: none pending, count 0)
  const delSack = is('CONN_DELETE');
  io.sack_set.valid.set(act('SACK'));
  io.sack_set.conn.set(connIdx);
  io.sack_set.count.set(mux(delSack, lit(0, UInt(3)), sack.count));
  for (const f of ['left0', 'right0', 'left1', 'right1', 'left2', 'right2', 'left3', 'right3'] as const) {
    io.sack_set[f].set(mux(delSack, lit(0, UInt(32)), sack[f]));
  }
  finish('SACK', act('SACK').land(io.sack_set.ready));

  // ack_gen: TX_ACK
  const dsack = ack.dsack_left.ne(ack.dsack_right).land(tcb.sack_mode.ne(0)).land(ack.mode.eq(0));
  io.ack_ev.valid.set(act('ACK'));
  io.ack_ev.conn.set(connIdx);
  io.ack_ev.event.set(mux(ack.mode.eq(0), lit(AckEventKind.ACK_NOW, UInt(3)), mux(ack.mode.eq(1), lit(AckEventKind.IN_ORDER, UInt(3)), lit(AckEventKind.CHALLENGE, UInt(3)))));
  io.ack_ev.mss.set(tcb.rcv_mss);
  io.ack_ev.dst_mac.set(tcb.remote_mac);
  io.ack_ev.src_mac.set(io.local_mac);
  io.ack_ev.src_ip.set(tcb.local_ip);
  io.ack_ev.dst_ip.set(tcb.remote_ip);
  io.ack_ev.src_port.set(tcb.local_port);
  io.ack_ev.dst_port.set(tcb.remote_port);
  io.ack_ev.snd_nxt.set(tcb.snd_nxt);
  io.ack_ev.rcv_nxt.set(tcb.rcv_nxt);
  io.ack_ev.rcv_wnd.set(tcbWnd);
  io.ack_ev.rcv_wscale.set(tcb.rcv_wscale);
  io.ack_ev.ts_enabled.set(tcb.ts_ok);
  io.ack_ev.ts_recent.set(tcb.ts_recent);
  io.ack_ev.sack_count.set(mux(dsack, lit(1, UInt(3)), lit(0, UInt(3))));
  io.ack_ev.sack.forEach((b, i) => {
    b.left.set(i === 0 ? mux(dsack, ack.dsack_left, lit(0, UInt(32))) : lit(0, UInt(32)));
    b.right.set(i === 0 ? mux(dsack, ack.dsack_right, lit(0, UInt(32))) : lit(0, UInt(32)));
  });
  io.ack_ev.seg_seq.set(0);
  io.ack_ev.seg_ack.set(0);
  io.ack_ev.seg_len.set(mux(ack.mode.eq(1), tcb.rcv_mss, lit(0, UInt(16))));
  io.ack_ev.seg_flags.set(0);
  finish('ACK', act('ACK').land(io.ack_ev.ready));

  // tx_engine, host_glue, SQ_BASE
  const isRst = is('TX_RST'), isSyn = is('TX_SYN'), isRel = is('SQ_RELEASE');
  const rel = unpackCommand('SQ_RELEASE', cmd);
  io.txr.valid.set(act('TXR'));
  io.txr.kind.set(mux(isRst, lit(TxrKind.RST, UInt(2)), mux(isSyn, lit(TxrKind.SYN, UInt(2)), mux(isRel, lit(TxrKind.RELEASE, UInt(2)), lit(TxrKind.SEG, UInt(2))))));
  io.txr.conn.set(mux(isRst, lit(0, UInt(16)), conn));
  io.txr.seq.set(mux(isRst, rst.seq, mux(isSyn, syn.seq, seg.seq)));
  io.txr.ack.set(mux(isRst, rst.ack, syn.ack));
  io.txr.len.set(seg.len);
  io.txr.flags.set(mux(isRst, rst.flags, mux(isSyn, syn.flags, seg.flags)));
  io.txr.mss.set(syn.mss);
  io.txr.ws_ok.set(syn.ws_ok);
  io.txr.ws.set(syn.ws);
  io.txr.sack_ok.set(syn.sack_ok);
  io.txr.ts_ok.set(syn.ts_ok);
  io.txr.ts_ecr.set(syn.ts_ecr);
  io.txr.upto.set(rel.upto);
  // TX_RST answers a segment for no connection: the addresses are the command's, the MAC the neighbour's.
  io.txr.remote_mac.set(dstMac);
  io.txr.local_ip.set(mux(isRst, io.local_ip, tcb.local_ip));
  io.txr.remote_ip.set(mux(isRst, rst.remote_ip, tcb.remote_ip));
  io.txr.local_port.set(mux(isRst, rst.local_port, tcb.local_port));
  io.txr.remote_port.set(mux(isRst, rst.remote_port, tcb.remote_port));
  io.txr.snd_nxt.set(tcb.snd_nxt);
  io.txr.rcv_nxt.set(tcb.rcv_nxt);
  io.txr.rcv_wnd.set(tcbWnd);
  io.txr.rcv_wscale.set(tcb.rcv_wscale);
  io.txr.tcb_ts_ok.set(tcb.ts_ok);
  io.txr.ts_recent.set(tcb.ts_recent);
  io.txr.rcvbuf.set(tcb.rcvbuf);
  finish('TXR', act('TXR').land(io.txr.ready));
  io.sq_delete.valid.set(act('SQDEL'));
  io.sq_delete.conn.set(conn);
  finish('SQDEL', act('SQDEL').land(io.sq_delete.ready));
  io.hreq.valid.set(act('HREQ'));
  io.hreq.data.set(cmd);
  finish('HREQ', act('HREQ').land(io.hreq.ready));
  io.sq_base.valid.set(act('SQB'));
  io.sq_base.conn.set(conn);
  io.sq_base.value.set(tw.value);
  finish('SQB', act('SQB').land(io.sq_base.ready));
  io.segs_queued_query.conn.set(conn);

  // ---- Events: one output register per core, loaded from tcp_timers (first), a MAIL or a WND_OPEN. It holds the fields
  // (55 bits), not the 384-bit entry: the entry is packed from them.
  const outs = [io.rx_event, io.tx_event].map((port, i) => {
    const side = i ? 'tx' : 'rx';
    const valid = m.reg(Bool, { reset: false, name: `${side}_event_full` });
    const isTimer = m.reg(Bool, { reset: false, name: `${side}_event_is_timer` });
    const isWnd = i === 0 ? m.reg(Bool, { reset: false, name: 'rx_event_is_wnd_open' }) : undefined; // WND_OPEN: the RX core's only
    const f = {
      conn: m.reg(UInt(16), { reset: 0, name: `${side}_event_conn` }), timer: m.reg(UInt(2), { reset: 0, name: `${side}_event_timer` }),
      msg: m.reg(UInt(4), { reset: 0, name: `${side}_event_msg` }), arg: m.reg(UInt(32), { reset: 0, name: `${side}_event_arg` }),
    };
    port.valid.set(valid);
    const mailOrWnd = isWnd ? mux(isWnd, packEvent('WND_OPEN', { conn: f.conn, rcv_wnd: f.arg }), packEvent('MAIL', { conn: f.conn, msg: f.msg, arg: f.arg }))
      : packEvent('MAIL', { conn: f.conn, msg: f.msg, arg: f.arg });
    port.data.set(mux(isTimer, packEvent('TIMER', { conn: f.conn, timer: f.timer }), mailOrWnd));
    const free = valid.lnot().lor(port.ready);
    when(port.ready, () => valid.set(false));
    return { valid, isTimer, isWnd, f, free };
  });
  // TimerKind RTO 0, PERSIST 2 -> the TX core, TIMEWAIT 3 -> the RX core; DELACK / KEEPALIVE: not ours, dropped.
  const tk = io.timer_evt.kind;
  const timerId = mux(tk.eq(3), lit(2, UInt(2)), mux(tk.eq(2), lit(1, UInt(2)), lit(0, UInt(2))));
  const timerToRx = tk.eq(3);
  const timerOurs = tk.eq(0).lor(tk.eq(2)).lor(tk.eq(3));
  const timerTake = [io.timer_evt.valid.land(timerOurs).land(timerToRx), io.timer_evt.valid.land(timerOurs).land(timerToRx.lnot())];
  io.timer_evt.ready.set(timerOurs.lnot().lor(mux(timerToRx, outs[0]!.free, outs[1]!.free)));
  when(io.timer_evt.valid.land(timerOurs.lnot()), () => count('timer_dropped_count'));
  const mailTo = [fromTx.lor(wnd), fromTx.lor(wnd).lnot()]; // MAIL to the other core, WND_OPEN to the RX core
  let mailSent: Sig = lit(false, Bool);
  outs.forEach((o, i) => {
    const fromTimer = timerTake[i]!.land(o.free);
    const fromMail = act('EVENT').land(mailTo[i]!).land(o.free).land(timerTake[i]!.lnot());
    when(fromTimer.lor(fromMail), () => {
      o.valid.set(true);
      o.isTimer.set(fromTimer);
      o.f.conn.set(mux(fromTimer, io.timer_evt.conn, mail.conn));
      o.f.timer.set(timerId);
      o.f.msg.set(mail.msg);
      o.f.arg.set(mux(wnd, prep.wndNew, mail.arg));
      o.isWnd?.set(wnd.land(fromTimer.lnot()));
    });
    mailSent = mailSent.lor(fromMail);
  });
  finish('EVENT', mailSent);

  // ---- conn_table: INSERT / DELETE / READ from CT_REQ, WRITE as an action
  const wrReq = act('WRITE');
  io.ct_cmd.valid.set(st.is('CT_REQ').lor(wrReq));
  io.ct_cmd.op.set(mux(wrReq, lit(ConnOp.WRITE, UInt(2)), ctOp));
  io.ct_cmd.index.set(conn);
  io.ct_cmd.mask.set(wrMask);
  io.ct_cmd.local_ip.set(io.local_ip);
  io.ct_cmd.remote_ip.set(ins.remote_ip);
  io.ct_cmd.local_port.set(ins.local_port);
  io.ct_cmd.remote_port.set(ins.remote_port);
  for (const f of WRITABLE_FIELDS) {
    const w = fieldWidth(f);
    const generic = f === 'rcv_adv' ? wrAdv : f === 'rcv_defer' ? wrDefer : f === 'remote_mac' ? dstMac : wrVal.trunc(w);
    const init = (INSERT_DEFAULTS as Record<string, number>)[f];
    io.ct_cmd[f].set(init === undefined ? generic : mux(ctInit, lit(init, UInt(w)), generic));
  }
  io.ct_resp.ready.set(st.is('CT_RESP').lor(st.is('WR_RESP')));
  when(wrReq.land(io.ct_cmd.ready), () => st.goto('WR_RESP'));
  // The WRITE's response (NOT_ALLOCATED only if the connection vanished in between: impossible, one command at a time).
  const afterWrite = pending.and(lit(~bitOf('WRITE') & ((1 << ACTIONS.length) - 1), UInt(ACTIONS.length)));
  when(st.is('WR_RESP').land(io.ct_resp.valid), () => { pending.set(afterWrite); st.goto('EXEC'); });

  // ---- CONN_DELETE's drain: dequeue each queue (send, then receive) and free its blocks until it is empty.
  when(act('DRAIN'), () => st.goto('DRAIN_Q'));
  when(drainReq.land(io.skb_q.ready), () => st.goto('DRAIN_WAIT'));
  when(st.is('DRAIN_WAIT').land(io.skb_q_resp.valid), () => {
    freeId.set(io.skb_q_resp.id);
    when(io.skb_q_resp.empty.lnot().land(io.skb_q_resp.error.eq(0)), () => st.goto('DRAIN_FREE'))
      .elseWhen(drainDir.lnot(), () => { drainDir.set(true); st.goto('DRAIN_Q'); })
      .otherwise(() => { pending.set(0); st.goto('IDLE'); });
  });
  when(drainFree.land(io.skb_free.ready), () => st.goto('DRAIN_Q'));
  return io;
}, cmdExecDefaults);
