// Directed cases for cmd_exec: every corner of the command handlers, bad input, backpressure, and a broken model
// that must be caught. Each case is also checked in full against the reference model.
import { describe, expect, it, beforeAll, afterAll } from 'vitest';
import { simBackends } from '../backends.ts';
import { NO_SKB, RxMode, TcbField, command, type FwCommand } from '../../firmware/api.ts';
import { freshTcb, rcvWindow, type TcbFields } from '../../blocks/conn_table/tcb.ts';
import { INSERT_DEFAULTS } from '../../blocks/cmd_exec/params.ts';
import { CmdExecModel } from './model.ts';
import { BROADCAST, expectMatches, expectTimerEvents, modelFor } from './compare.ts';
import { openSim, run, type RunOpts, type RunResult } from './driver.ts';

const PEER = 0x0a000002, MAC = 0x02bb00000002n;
/** A connection's TCB; `rcv_wnd` (default 500) places the advertised edge: rcv_adv = rcv_nxt + rcv_wnd. */
const tcb = (conn: number, { rcv_wnd = 500, ...f }: Partial<TcbFields> & { rcv_wnd?: number } = {}): [number, TcbFields] => {
  const t: TcbFields = {
    ...freshTcb({ local_ip: 0x0a000001, remote_ip: PEER, local_port: 5000, remote_port: 1000 + conn }), ...INSERT_DEFAULTS,
    rcv_nxt: 1000, snd_nxt: 7000, remote_mac: Number(MAC), ...f,
  };
  return [conn, { ...t, rcv_adv: f.rcv_adv ?? (t.rcv_nxt + rcv_wnd) >>> 0 }];
};
/** RCV.WND of a connection after the run (rcv_adv - rcv_nxt, floored at 0). */
const wndOf = (res: RunResult, conn: number) => { const t = res.tcbs.get(conn); return t && rcvWindow(t); };

describe.each(simBackends())('cmd_exec directed (%s)', (backend) => {
  let sim: Awaited<ReturnType<typeof openSim>>;
  beforeAll(async () => { sim = await openSim(backend); }, 120_000);
  afterAll(() => sim?.close());
  /** Runs the case and checks it against the model. */
  const go = async (o: RunOpts): Promise<RunResult> => {
    const res = await run(sim, o);
    expectMatches(res, modelFor(o, res));
    expectTimerEvents(res, o.timerEvents ?? []);
    return res;
  };

  it('takes the two cores round-robin, each in order', async () => {
    const mail = (arg: number) => command('MAIL', { conn: 1, msg: 1, arg });
    const res = await go({ rx: [1, 2, 3, 4].map(mail), tx: [11, 12, 13, 14].map(mail), readyP: 1 });
    expect(res.order.map((o) => o.from)).toEqual(['tx', 'rx', 'tx', 'rx', 'tx', 'rx', 'tx', 'rx']);
    expect(res.logs.mail.filter((m) => m.to === 'tx').map((m) => m.arg)).toEqual([1, 2, 3, 4]);
  });

  it('CONN_INSERT at the firmware index, with the neighbour MAC or broadcast; refuses busy, duplicate, out of range', async () => {
    const ins = (conn: number, remote_ip: number, remote_port = 80) => command('CONN_INSERT', { conn, remote_ip, remote_port, local_port: 5000 });
    const res = await go({
      rx: [ins(63, PEER), ins(5, 0x0a000009), ins(5, PEER, 81), ins(6, PEER), ins(64, PEER, 82), ins(0xffff, PEER, 83)],
      tx: [], learn: [[PEER, MAC]], readyP: 1,
    });
    expect(res.tcbs.get(63)!.remote_mac).toBe(Number(MAC));
    expect(BigInt(res.tcbs.get(5)!.remote_mac)).toBe(BROADCAST);
    expect(res.tcbs.get(63)!.rx_mode).toBe(RxMode.FIRMWARE);
    expect(res.tcbs.has(6)).toBe(false);
    expect(res.counters).toMatchObject({ unknown_neighbour_count: 1, insert_refused_count: 2, bad_conn_count: 2 });
  });

  it('CONN_DELETE cancels timers, clears SACK, forgets the send queue, drains and frees both queues; a free slot is a no-op', async () => {
    const res = await go({
      rx: [command('CONN_DELETE', { conn: 2 }), command('CONN_DELETE', { conn: 9 }), command('CONN_INSERT', { conn: 2, remote_ip: PEER, remote_port: 1, local_port: 5000 })],
      tx: [], tcbs: new Map([tcb(2), tcb(3)]), queues: new Map([[4, [5, 6]], [5, [7]], [6, [9]]]), learn: [[PEER, MAC]],
    });
    expect(res.logs.free).toEqual([5, 6, 7]);
    expect(res.logs.timer).toEqual([{ op: 2, conn: 2, kind: 0, timeout: 0 }]);
    expect(res.logs.sack).toEqual([{ conn: 2, count: 0, left0: 0 }]);
    expect(res.logs.sqDelete).toEqual([2]);
    expect(res.tcbs.get(2)!.remote_port).toBe(1);
  });

  it('TCB_WRITE RCV_NXT keeps the advertised edge, closes the window in RAW mode and past the edge (also across the wrap)', async () => {
    const w = (conn: number, value: number) => command('TCB_WRITE', { conn, field: TcbField.RCV_NXT, value });
    const wrap = { rcv_nxt: 0xffffff00, rcv_wnd: 0x200 }; // edge 0x100, past 2^32
    const res = await go({
      rx: [w(1, 1200), w(2, 1200), w(3, 1600), w(4, 900), w(5, 0x80), w(6, 0x180), w(7, 0xffffff80)], tx: [],
      tcbs: new Map([tcb(1), tcb(2, { rx_mode: RxMode.RAW }), tcb(3), tcb(4), tcb(5, wrap), tcb(6, wrap), tcb(7, { ...wrap, rx_mode: RxMode.RAW })]),
    });
    expect([1, 2, 3, 4, 5, 6, 7].map((c) => [res.tcbs.get(c)!.rcv_nxt, res.tcbs.get(c)!.rcv_adv, wndOf(res, c)])).toEqual([
      [1200, 1500, 300], [1200, 1200, 0], [1600, 1600, 0], [900, 1500, 600], [0x80, 0x100, 0x80], [0x180, 0x180, 0], [0xffffff80, 0xffffff80, 0]]);
  });

  it('TCB_WRITE: every field, clamps, refusals (bad field, values too wide, FAST with segments queued, SQ_BASE to tx_engine)', async () => {
    const w = (field: number, value: number, conn = 1) => command('TCB_WRITE', { conn, field, value });
    const rx: FwCommand[] = [
      w(TcbField.SND_UNA, 11), w(TcbField.SND_NXT, 12), w(TcbField.SND_WND, 13), w(TcbField.SND_WL1, 14), w(TcbField.SND_WL2, 15),
      w(TcbField.MAX_SND_WND, 16), w(TcbField.SND_WSCALE, 7), w(TcbField.RCV_WSCALE, 15), w(TcbField.RCV_MSS, 1460),
      w(TcbField.TS_ENABLED, 5), w(TcbField.TS_RECENT, 0xdeadbeef), w(TcbField.SQ_BASE, 4242), w(TcbField.RCVBUF, 99999),
      w(TcbField.SND_MSS, 1400), w(TcbField.SACK_MODE, 2), w(TcbField.RX_MODE, RxMode.RAW), w(TcbField.RX_MODE, RxMode.FAST),
      w(TcbField.RX_MODE, RxMode.FAST, 2), w(17, 1), w(31, 1), w(TcbField.SND_WSCALE, 16), w(TcbField.RCV_MSS, 0x10000),
      w(TcbField.RX_MODE, 3), w(TcbField.SACK_MODE, 3), w(TcbField.SND_UNA, 1, 3), w(TcbField.SND_UNA, 1, 64 + 2),
    ];
    const res = await go({ rx, tx: [], tcbs: new Map([tcb(1), tcb(2)]), busy: new Set([2]) });
    expect(res.tcbs.get(1)).toMatchObject({
      snd_una: 11, snd_nxt: 12, snd_wnd: 13, snd_wl1: 14, snd_wl2: 15, max_snd_wnd: 16, snd_wscale: 7, rcv_wscale: 14, rcv_mss: 1460,
      ts_ok: 1, ts_recent: 0xdeadbeef, rcvbuf: 99999, mss: 1400, sack_mode: 2, rx_mode: RxMode.FAST,
    });
    expect(res.tcbs.get(2)!.rx_mode).toBe(RxMode.FIRMWARE);
    expect(res.tcbs.get(2)!.snd_una).toBe(0); // conn 66 was refused, not truncated onto conn 2
    expect(res.logs.sqBase).toEqual([{ conn: 1, value: 4242 }]);
    expect(res.counters).toMatchObject({ fast_refused_count: 1, bad_field_count: 6, no_conn_count: 1, bad_conn_count: 1 });
  });

  it('DELIVER: appends the new bytes only, frees old data, refuses data beyond RCV.NXT, consumes a FIN once', async () => {
    const d = (conn: number, skb: number, seq: number, len: number, fin = 0) => command('DELIVER', { conn, skb, seq, len, fin });
    const res = await go({
      rx: [
        d(1, 10, 990, 30), // overlaps: 20 new bytes at offset 10
        d(1, 11, 1000, 20), // entirely below RCV.NXT (1020) now: freed
        d(1, 12, 1030, 5), // beyond: refused, freed
        d(1, NO_SKB, 1020, 0, 1), // the FIN at 1020: RCV.NXT 1021
        d(1, NO_SKB, 1020, 0, 1), // again: nothing
        d(2, 13, 1000, 10, 1), // data and FIN: RCV.NXT 1011
        d(9, 14, 1000, 10), // no connection: freed
        d(1, 128, 1021, 10), // skb out of range
      ], tx: [], tcbs: new Map([tcb(1), tcb(2)]),
    });
    expect(res.logs.meta).toEqual([{ id: 10, len: 20, seq: 1000, csum: 10 }, { id: 13, len: 10, seq: 1000, csum: 0 }]);
    expect(res.logs.q).toEqual([{ op: 0, conn: 1, dir: 1, id: 10 }, { op: 0, conn: 2, dir: 1, id: 13 }]);
    expect(res.logs.free).toEqual([11, 12, 14]);
    expect([res.tcbs.get(1)!.rcv_nxt, wndOf(res, 1), res.tcbs.get(2)!.rcv_nxt, wndOf(res, 2)]).toEqual([1021, 479, 1011, 489]);
    expect([res.tcbs.get(1)!.rcv_adv, res.tcbs.get(2)!.rcv_adv]).toEqual([1500, 1500]); // the edge stays
    // End of stream: conn 1's FIN (once), conn 2's data + FIN (after its enqueue's response: expectMatches).
    expect(res.logs.eof).toEqual([1, 2]);
    expect(res.counters).toMatchObject({ deliver_refused_count: 1, no_conn_count: 1, bad_field_count: 1 });
  });

  it('eof_notify: one pulse per consumed FIN, after its enqueue\'s response, under backpressure and with refused enqueues', async () => {
    const d = (conn: number, skb: number, seq: number, len: number, fin = 1) => command('DELIVER', { conn, skb, seq, len, fin });
    const rx = [
      d(1, 10, 1000, 30), // data + FIN: enqueue, then EOF
      d(1, 11, 1000, 30), // again (RCV.NXT 1031 now): old data freed, no EOF
      d(2, NO_SKB, 1000, 0), // FIN alone at RCV.NXT: EOF, no enqueue
      d(3, 12, 1010, 20), // FIN beyond RCV.NXT: refused, no EOF
      d(4, NO_SKB, 1000, 10), // FIN after bytes we do not have (no skb): not consumed, no EOF
      d(5, 13, 990, 20, 0), // data without FIN: no EOF
      d(70, 14, 1000, 5), // conn out of range: no EOF
    ];
    const tcbs = new Map([1, 2, 3, 4, 5].map((c) => tcb(c)));
    for (const [readyP, qError, qLatency] of [[0.15, 0, 2], [1, 0, 2], [0.5, 3, 2], [1, 0, 8]] as const) {
      const res = await go({ rx, tx: [], tcbs, readyP, qError: qError || undefined, qLatency, seed: 11 });
      expect(res.logs.eof).toEqual([1, 2]);
      expect(res.eofEarly).toEqual([]);
    }
    // A model that never reports end of stream fails the comparison.
    class NoEof extends CmdExecModel { override exec(c: FwCommand | bigint, from: 'rx' | 'tx') { super.exec(c, from); this.logs.eof.length = 0; } }
    const o: RunOpts = { rx, tx: [], tcbs };
    const res = await run(sim, o);
    expect(() => expectMatches(res, modelFor(o, res, (cfg) => new NoEof(cfg)))).toThrow();
  });

  it('TX_SEG / TX_SYN / TX_RST / SQ_RELEASE to tx_engine, SND.NXT following; TX_ACK and SACK_SET to ack_gen', async () => {
    const res = await go({
      rx: [
        command('TX_SEG', { conn: 1, seq: 7000, len: 100, flags: 0x11 }), command('TX_SEG', { conn: 1, seq: 6000, len: 10, flags: 0x10 }),
        command('TX_SYN', { conn: 2, seq: 500, ack: 900, flags: 0x12, mss: 1460, ws_ok: 1, ws: 7, sack_ok: 1, ts_ok: 1, ts_ecr: 3 }),
        command('TX_RST', { remote_ip: PEER, remote_port: 9, local_port: 5000, seq: 1, ack: 2, flags: 0x14 }),
        command('TX_RST', { remote_ip: 0x0a0000ff, remote_port: 9, local_port: 5000, seq: 1, ack: 2, flags: 0x14 }),
        command('SQ_RELEASE', { conn: 1, upto: 7050 }),
        command('TX_ACK', { conn: 1, mode: 0, dsack_left: 10, dsack_right: 20 }), command('TX_ACK', { conn: 2, mode: 0, dsack_left: 10, dsack_right: 20 }),
        command('TX_ACK', { conn: 1, mode: 1 }), command('TX_ACK', { conn: 1, mode: 2 }), command('TX_ACK', { conn: 1, mode: 3 }),
        command('SACK_SET', { conn: 1, count: 4, left0: 5 }), command('SACK_SET', { conn: 1, count: 5 }),
      ],
      tx: [], tcbs: new Map([tcb(1, { sack_mode: 1 }), tcb(2, { rcvbuf: 100000, rcv_nxt: 900 })]), learn: [[PEER, MAC]],
    });
    expect(res.logs.txr.map((t) => [t.kind, t.snd_nxt])).toEqual([[0, 7101], [0, 7101], [1, 7000], [2, -1], [3, -1]]);
    // The SYN-ACK with ACK 900 opens the edge to the whole receive buffer (its window field says at most 65535).
    expect([res.tcbs.get(2)!.rcv_adv, wndOf(res, 2)]).toEqual([900 + 100000, 100000]);
    expect(res.logs.ack.map((a) => [a.event, a.sack_count, a.seg_len])).toEqual([[7, 1, 0], [7, 0, 0], [0, 0, 536], [4, 0, 0]]);
    expect(res.counters).toMatchObject({ unknown_neighbour_count: 1, bad_field_count: 2 });
  });

  it('TIMER_SET / TIMER_CANCEL map TimerId to tcp_timers kinds; refuse bad ids, long delays and missing connections', async () => {
    const res = await go({
      rx: [
        command('TIMER_SET', { conn: 1, timer: 0, delay_us: 200000 }), command('TIMER_SET', { conn: 1, timer: 1, delay_us: 2 ** 31 - 1 }),
        command('TIMER_SET', { conn: 1, timer: 2, delay_us: 60_000_000 }), command('TIMER_SET', { conn: 1, timer: 3, delay_us: 1 }),
        command('TIMER_SET', { conn: 1, timer: 0, delay_us: 2 ** 31 }), command('TIMER_SET', { conn: 7, timer: 0, delay_us: 1 }),
        command('TIMER_CANCEL', { conn: 1, timer: 2 }), command('TIMER_CANCEL', { conn: 7, timer: 1 }), command('TIMER_CANCEL', { conn: 1, timer: 3 }),
      ], tx: [], tcbs: new Map([tcb(1)]),
    });
    expect(res.logs.timer.map((t) => [t.op, t.conn, t.kind])).toEqual([[0, 1, 0], [0, 1, 2], [0, 1, 3], [1, 1, 3], [1, 7, 2]]);
    expect(res.counters).toMatchObject({ bad_field_count: 3, no_conn_count: 1 });
  });

  it('timer expiries and MAILs share the event ports without loss under a long stall; SKB_FREE range; enqueue errors counted', async () => {
    const timerEvents = Array.from({ length: 12 }, (_, i) => ({ conn: i, kind: i % 5 }));
    const res = await go({
      rx: [command('MAIL', { conn: 1, msg: 3, arg: 1 }), command('SKB_FREE', { skb: 127 }), command('SKB_FREE', { skb: 128 }), command('DELIVER', { conn: 1, skb: 3, seq: 1000, len: 5 })],
      tx: [command('MAIL', { conn: 2, msg: 4, arg: 2 }), command('COPY_IN', { conn: 1, req: 2, len: 9 }), command('HOST_NOTE', { note: 1 })],
      timerEvents, stallCycles: 500, qError: 3, tcbs: new Map([tcb(1)]),
    });
    expect(res.logs.mail.length).toBe(2);
    expect(res.logs.hreq).toEqual([13, 14]);
    expect(res.counters).toMatchObject({ timer_dropped_count: 5, skb_error_count: 1, bad_field_count: 1 });
  });

  it('with tcp_timers at 24-bit ticks (timeoutBits 23) a delay of 2^23 us is refused', async () => {
    const s2 = await openSim(backend, { timeoutBits: 23 });
    try {
      const o: RunOpts = { rx: [command('TIMER_SET', { conn: 1, timer: 0, delay_us: 2 ** 23 - 1 }), command('TIMER_SET', { conn: 1, timer: 0, delay_us: 2 ** 23 })], tx: [], tcbs: new Map([tcb(1)]) };
      const res = await run(s2, o);
      expectMatches(res, modelFor(o, res, undefined, 23));
      expect(res.logs.timer.map((t) => t.timeout)).toEqual([2 ** 23 - 1]);
    } finally { s2.close(); }
  });

  describe('rx_read: consumed bytes open the receive window', () => {
    // The first command (an SKB_FREE) waits 60 cycles for skb_free_ready, so every pulse before that lands in one take.
    const hold = { rx: [command('SKB_FREE', { skb: 5 })], stallCycles: 60 };
    const pulses = (xs: [number, number][], from = 2) => xs.map(([conn, len], i) => ({ at: from + i, conn, len }));
    const windows = (res: RunResult, conns: number[]) => conns.map((c) => wndOf(res, c));

    it('grows rcv_wnd up to rcvbuf and posts WND_OPEN by the model rule; skips, counts and ignores what it must', async () => {
      const res = await go({
        ...hold, tx: [],
        tcbs: new Map([
          tcb(1), // 500 -> 1500: grew 1000 >= 536 and doubled: WND_OPEN
          tcb(2, { rcv_wnd: 1000 }), // +300 < min(rcvbuf / 2, rcv_mss): deferred (SWS avoidance), the edge stays
          tcb(3, { rcv_wnd: 1500, rcvbuf: 2000 }), // clamped at rcvbuf, so it could grow 500 < min(1000, 536): deferred
          tcb(4, { rcv_wnd: 0, rx_mode: RxMode.RAW }), // grows, but no WND_OPEN in RAW mode
          tcb(5, { rcv_wnd: 70000 }), // above rcvbuf already: never shrinks, no write
          tcb(6, { rcv_wnd: 1000 }), // +600: grew enough but did not double
          tcb(7, { rcv_wnd: 0, rcvbuf: 800, rcv_mss: 1460 }), // 0 -> 400: min(rcvbuf / 2, mss) = 400: WND_OPEN
        ]),
        // conn 1 four times back to back (the accumulation's forwarding), conn 9 has no TCB, 64 / 0xffff are out of range.
        reads: pulses([[1, 250], [1, 250], [1, 250], [1, 250], [2, 300], [3, 5000], [4, 2000], [5, 100], [6, 600], [7, 400],
          [9, 10], [64, 10], [0xffff, 10], [2, 0]]),
      });
      expect(windows(res, [1, 2, 3, 4, 5, 6, 7])).toEqual([1500, 1000, 1500, 2000, 70000, 1600, 400]);
      expect([1, 2, 3, 6].map((c) => res.tcbs.get(c)?.rcv_defer)).toEqual([0, 300, 5000, 0]);
      expect(res.logs.wndOpen).toEqual([{ conn: 1, rcv_wnd: 1500 }, { conn: 7, rcv_wnd: 400 }]);
      expect(res.counters).toMatchObject({ wnd_no_conn_count: 1, rx_read_bad_conn_count: 2, bad_conn_count: 0 });
    });

    it('saturates a connection\'s sum at 2^32 - 1; opens at most 2^30 (RFC 7323), so the edge stays less than 2^31 ahead', async () => {
      // 0xffffffff + 2 wrapping would be 1 byte.
      const res = await go({ ...hold, tx: [], tcbs: new Map([tcb(1, { rcv_wnd: 0, rcvbuf: 0xffffffff })]), reads: pulses([[1, 0xffffffff], [1, 2]]) });
      expect(wndOf(res, 1)).toBe(2 ** 30);
    });

    it('fast-path RCV.NXT moves between a window job\'s READ and WRITE are kept (the edge moves, not the window); also across the wrap', async () => {
      // The jobs start when the stalled SKB_FREE ends (cycle 60); toe_rx's update port moves RCV.NXT every cycle around them.
      const fast = Array.from({ length: 80 }, (_, i) => ({ at: 50 + i, conn: 1 + (i % 2), len: 5 }));
      const t1 = tcb(1, { rx_mode: RxMode.FAST }), t2 = tcb(2, { rx_mode: RxMode.FAST, rcv_nxt: 0xffffff00, rcv_wnd: 0x200 });
      const res = await go({ ...hold, tx: [], tcbs: new Map([t1, t2]), fast, reads: pulses([[1, 1000], [2, 1000]]) });
      expect(res.raced).toBeGreaterThan(0);
      for (const [c, t] of [t1, t2]) {
        // RCV.NXT has all 40 segments; the edge moved right by exactly the consumed bytes (a whole-window write from the
        // READ's copy would have undone the segments between the READ and the WRITE: window 500 + 1000).
        expect(res.tcbs.get(c)).toMatchObject({ rcv_nxt: (t.rcv_nxt + 200) >>> 0, rcv_adv: (t.rcv_adv + 1000) >>> 0 });
        expect(wndOf(res, c)).toBe((c === 1 ? 500 : 0x200) + 1000 - 200);
      }
    });

    it('CONN_DELETE forgets the bytes consumed before conn_table deleted the connection', async () => {
      // The DELETE waits in CT_REQ (every port stalled) while conn 2 gets pulses: the reinserted conn 2 must not see them.
      const res = await go({
        rx: [command('CONN_DELETE', { conn: 2 }), command('CONN_INSERT', { conn: 2, remote_ip: PEER, remote_port: 7, local_port: 5000 })],
        tx: [], stallCycles: 40, tcbs: new Map([tcb(2), tcb(3)]), learn: [[PEER, MAC]], reads: pulses([[2, 1000], [2, 1000], [3, 700]], 5),
      });
      expect(windows(res, [2, 3])).toEqual([0, 1200]);
      expect(res.counters).toMatchObject({ wnd_no_conn_count: 0 });
    });

    it('never loses a pulse: one every cycle while both cores issue commands that move rcv_wnd too', async () => {
      const conns = [0, 1, 2, 3];
      const reads = Array.from({ length: 400 }, (_, i) => ({ at: i, conn: conns[(i * 7) % 4]!, len: 1 + ((i * 37) % 300) }));
      const d = (conn: number, seq: number) => command('DELIVER', { conn, skb: NO_SKB, seq, len: 0, fin: 0 });
      const cmds = (k: number): FwCommand[] => Array.from({ length: 30 }, (_, i) => i % 3 === 0 ? d(i % 4, 1000)
        : i % 3 === 1 ? command('TX_ACK', { conn: (i + k) % 4, mode: 0 }) : command('TCB_WRITE', { conn: (i + k) % 4, field: TcbField.RCV_NXT, value: 1000 + i }));
      const tcbs = new Map(conns.map((c) => tcb(c, { rcv_wnd: 100, rcvbuf: 1_000_000 })));
      const res = await go({ rx: cmds(0), tx: cmds(1), tcbs, reads, readyP: 0.6, seed: 7 });
      expect(res.timeline.filter((j) => 'take' in j).length).toBeGreaterThan(10);
      expect(res.logs.wndOpen.length).toBeGreaterThan(0);
    });
  });

  it('a broken model fails the comparison', async () => {
    // The model forgets that a FIN takes a sequence number on TX_SEG.
    class Broken extends CmdExecModel {
      override exec(c: FwCommand | bigint, from: 'rx' | 'tx') { super.exec(typeof c !== 'bigint' && c.kind === 'TX_SEG' ? { ...c, flags: c.flags & ~1 } : c, from); }
    }
    const o: RunOpts = { rx: [command('TX_SEG', { conn: 1, seq: 7000, len: 10, flags: 0x11 })], tx: [], tcbs: new Map([tcb(1)]) };
    const res = await run(sim, o);
    expect(() => expectMatches(res, modelFor(o, res, (cfg) => new Broken(cfg)))).toThrow();
    expectMatches(res, modelFor(o, res));
  });

  it('a model without the rcvbuf clamp, the doubling rule or the SWS deferral fails the comparison', async () => {
    class NoClamp extends CmdExecModel { protected override newWindow(old: number, bytes: number) { return old + bytes; } }
    class NoDoubling extends CmdExecModel { protected override opens() { return true; } }
    class NoDefer extends CmdExecModel { protected override swsThreshold() { return 0; } }
    const o: RunOpts = {
      rx: [command('SKB_FREE', { skb: 5 })], tx: [], stallCycles: 30,
      tcbs: new Map([tcb(1, { rcv_wnd: 1500, rcvbuf: 2000 }), tcb(2, { rcv_wnd: 1000 })]), reads: [{ at: 2, conn: 1, len: 5000 }, { at: 3, conn: 2, len: 600 }],
    };
    const res = await run(sim, o);
    expect(() => expectMatches(res, modelFor(o, res, (cfg) => new NoClamp(cfg)))).toThrow();
    expect(() => expectMatches(res, modelFor(o, res, (cfg) => new NoDoubling(cfg)))).toThrow();
    expect(() => expectMatches(res, modelFor(o, res, (cfg) => new NoDefer(cfg)))).toThrow();
    expectMatches(res, modelFor(o, res));
  });
});
