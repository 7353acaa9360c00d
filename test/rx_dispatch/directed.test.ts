// RxDispatch on directed records, one per route, with the values sim/toe_model/toe.ts rxSegment gives: the
// events (decoded with firmware/api.ts), ack_gen's event, the skb block's bytes, meta and queue operation.
import { afterAll, describe, expect, it } from 'vitest';
import { simBackends } from '../backends.ts';
import { Bench, LOCAL_IP, LOCAL_MAC } from './bench.ts';
import { Route } from '../../blocks/toe_rx/route.ts';
import { AckEventKind } from '../../blocks/ack_tx/types.ts';
import { NO_SKB, SackMode, Verdict, event } from '../../firmware/api.ts';
import { packRecord } from '../../firmware/api.ts';

const PEER_IP = 0x0a000002, PEER_MAC = 0x020000000002;
const payloadOf = (n: number) => Uint8Array.from({ length: n }, (_, i) => (i * 7 + 1) & 0xff);
/** A hit record of connection 3 (FAST, ESTABLISHED), route as given. */
const hit = (route: number, extra: Record<string, number | bigint> = {}) => ({
  hit: 1, index: 3, route, ip_src: PEER_IP, src_mac: PEER_MAC, tcp_src_port: 40000, tcp_dst_port: 80, tcp_seq: 1000, tcp_ack: 5000,
  tcp_flags: 0x10, tcp_window: 300, rcv_nxt: 1000, snd_una: 5000, snd_nxt: 6000, snd_wnd: 300, rcv_wnd: 8000, rcv_mss: 1460,
  remote_mac: PEER_MAC, ...extra,
});

describe.each(simBackends())('rx_dispatch directed (%s)', (backend) => {
  const bench = Bench.create(backend);
  afterAll(async () => (await bench).close());

  it('FAST_DATA: the accepted bytes (front-trimmed) into the spare block, meta, receive queue, ack_gen IN_ORDER', async () => {
    const b = await bench;
    b.readyProb = 0.6;
    const data = payloadOf(37);
    b.dispatch(hit(Route.FAST_DATA, { payload_len: 37, trim_front: 5, accept_len: 30, first_seq: 1005, tcp_seq: 1000, rcv_nxt: 1035, verdict: 0 }), data);
    const o = b.take();
    expect(o.meta.length).toBe(1);
    const id = o.meta[0]!.id;
    expect(o.meta[0]).toEqual({ id, len: 30, seq: 1005 });
    expect(o.enq).toEqual([{ conn: 3, dir: 1, id }]);
    expect([...o.blocks.get(id)!.subarray(0, 30)]).toEqual([...data.subarray(5, 35)]);
    expect(o.blocks.get(id)![30]).toBe(0xee); // nothing beyond accept_len written
    expect(o.ack.length).toBe(1);
    expect(o.ack[0]).toMatchObject({ conn: 3, event: AckEventKind.IN_ORDER, mss: 1460, dst_mac: PEER_MAC, src_mac: LOCAL_MAC, src_ip: LOCAL_IP,
      dst_ip: PEER_IP, src_port: 80, dst_port: 40000, snd_nxt: 6000, rcv_nxt: 1035, rcv_wnd: 8000, sack_count: 0, seg_len: 37 });
    expect(o.rx).toEqual([]);
    expect(o.learn).toEqual([{ ip: PEER_IP, mac: PEER_MAC }]);
    // The next record gets a new block (the spare was consumed and refilled).
    b.dispatch(hit(Route.FAST_DATA, { payload_len: 8, accept_len: 8, first_seq: 1035, rcv_nxt: 1043 }), payloadOf(8));
    expect(b.take().meta[0]!.id).not.toBe(id);
  });

  it('FAST_DATA with SACK_DSACK and trim_front: ACK now (FILLS_GAP) with the D-SACK block [seq, first_seq)', async () => {
    const b = await bench;
    b.dispatch(hit(Route.FAST_DATA, { payload_len: 20, trim_front: 4, accept_len: 16, first_seq: 1004, rcv_nxt: 1020, sack_mode: SackMode.SACK_DSACK }), payloadOf(20));
    const o = b.take();
    expect(o.ack[0]).toMatchObject({ event: AckEventKind.FILLS_GAP, sack_count: 1, left0: 1000, right0: 1004 });
  });

  it('FAST_ACK with SACK_DSACK: DUPLICATE with the D-SACK block clipped at RCV.NXT; FAST_CHALLENGE: CHALLENGE', async () => {
    const b = await bench;
    b.dispatch(hit(Route.FAST_ACK, { payload_len: 100, tcp_seq: 950, rcv_nxt: 1000, sack_mode: SackMode.SACK_DSACK, verdict: 2 }), payloadOf(100));
    let o = b.take();
    expect(o.ack[0]).toMatchObject({ event: AckEventKind.DUPLICATE, sack_count: 1, left0: 950, right0: 1000 });
    expect(o.meta).toEqual([]);
    b.dispatch(hit(Route.FAST_CHALLENGE, { tcp_flags: 0x02 }));
    o = b.take();
    expect(o.ack.map((a) => a.event)).toEqual([AckEventKind.CHALLENGE]);
  });

  it('NO_CONN: SEG_NOCONN with the option fields; not for us: counted, nothing posted', async () => {
    const b = await bench;
    b.dispatch({ route: Route.NO_CONN, no_conn: 1, ip_src: PEER_IP, tcp_src_port: 40000, tcp_dst_port: 80, tcp_seq: 77, tcp_flags: 0x02,
      tcp_window: 65535, mss_present: 1, mss: 1460, wscale_present: 1, wscale: 7, sack_permitted: 1, ts_present: 1, ts_val: 9, ts_ecr: 0 });
    expect(b.take().rx).toEqual([event('SEG_NOCONN', { remote_ip: PEER_IP, remote_port: 40000, local_port: 80, seq: 77, ack: 0, flags: 2, wnd: 65535,
      len: 0, opt_mss_ok: 1, opt_mss: 1460, opt_ws_ok: 1, opt_ws: 7, opt_sack_ok: 1, opt_ts_ok: 1, opt_tsval: 9, opt_tsecr: 0 })]);
    const before = b.count('rx_not_for_us');
    b.dispatch({ route: Route.NO_CONN, no_conn: 1, ip_dst: 0x0a0000ff, ip_src: PEER_IP });
    const o = b.take();
    expect({ rx: o.rx, learn: o.learn, n: b.count('rx_not_for_us') - before }).toEqual({ rx: [], learn: [], n: 1 });
  });

  it('FW_SEG: SEG with the skb; RAW_SEG: UNCHECKED, no skb; the per-connection SEG count follows posts and pops', async () => {
    const b = await bench;
    const data = payloadOf(12);
    b.dispatch(hit(Route.FW_SEG, { verdict: Verdict.OUT_OF_ORDER, payload_len: 12, accept_len: 12, first_seq: 1100, tcp_seq: 1100, ack_ok: 1 }), data);
    let o = b.take();
    const id = o.meta[0]!.id;
    expect(o.enq).toEqual([]);
    expect([...o.blocks.get(id)!.subarray(0, 12)]).toEqual([...data]);
    expect(o.rx).toEqual([event('SEG', { conn: 3, verdict: Verdict.OUT_OF_ORDER, flags: 0x10, seq: 1100, ack: 5000, wnd: 300, len: 12, skb: id,
      first_seq: 1100, accept_len: 12, ack_ok: 1, rcv_nxt: 1000 })]);
    b.dispatch(hit(Route.RAW_SEG, { verdict: 3, accept_len: 5, first_seq: 3, ack_ok: 1, rx_mode: 2 }));
    o = b.take();
    expect(o.rx).toEqual([event('SEG', { conn: 3, verdict: Verdict.UNCHECKED, flags: 0x10, seq: 1000, ack: 5000, wnd: 300, skb: NO_SKB, rcv_nxt: 1000 })]);
    expect(o.tx).toEqual([]); // RAW: no ACK field
    const s = b.sim;
    s.poke('segs_queued_query_conn' as never, 3);
    expect(Number(s.peek('segs_queued_query_count' as never))).toBe(2);
    const seg = packRecord(event('SEG', { conn: 3 }), 'event');
    s.poke('rx_popped_data' as never, (seg[0]! | (seg[1]! << 128n) | ((seg[2] ?? 0n) << 256n)) as never);
    s.poke('rx_popped_valid' as never, 1);
    s.step();
    s.poke('rx_popped_valid' as never, 0);
    expect(Number(s.peek('segs_queued_query_count' as never))).toBe(1);
    s.poke('segs_queued_query_conn' as never, 64);
    expect(Number(s.peek('segs_queued_query_zero' as never))).toBe(1);
  });

  it('the ACK field: SACK_RCVD then ACK to the TX core; DROP and BAD counted with nothing posted; NOMEM counted', async () => {
    const b = await bench;
    b.dispatch(hit(Route.FAST_NONE, { ack_ok: 1, ack_advance: 1, snd_una: 5000, snd_wnd: 4096, wnd_changed: 1, sack_mode: SackMode.SACK,
      sack_count: 2, sack_left_0: 7000, sack_right_0: 7100 }));
    expect(b.take().tx).toEqual([
      event('SACK_RCVD', { conn: 3, snd_una: 5000, count: 1, left0: 7000, right0: 7100 }),
      event('ACK', { conn: 3, snd_una: 5000, snd_wnd: 4096, advanced: 1, dup: 0, wnd_changed: 1 }),
    ]);
    const n = { drop: b.count('rx_dropped'), bad: b.count('rx_bad'), nomem: b.count('rx_nomem') };
    b.dispatch(hit(Route.DROP, { payload_len: 9 }), payloadOf(9));
    b.dispatch({ reason: 10, route: Route.BAD }, payloadOf(40));
    b.dispatch(hit(Route.NOMEM, { payload_len: 9, accept_len: 9 }), payloadOf(9));
    const o = b.take();
    expect({ rx: o.rx, tx: o.tx, ack: o.ack, meta: o.meta }).toEqual({ rx: [], tx: [], ack: [], meta: [] });
    expect({ drop: b.count('rx_dropped') - n.drop, bad: b.count('rx_bad') - n.bad, nomem: b.count('rx_nomem') - n.nomem }).toEqual({ drop: 1, bad: 1, nomem: 1 });
    // The payload frames were drained with their records: the next data record gets its own bytes.
    const data = payloadOf(16).map((x) => x ^ 0x55);
    b.dispatch(hit(Route.FAST_DATA, { payload_len: 16, accept_len: 16, first_seq: 1000, rcv_nxt: 1016 }), data);
    const p = b.take();
    expect([...p.blocks.get(p.meta[0]!.id)!.subarray(0, 16)]).toEqual([...data]);
  });

  it('without a block buf_ready is low; a long payload keeps one block\'s worth and is drained whole', async () => {
    const b = await bench;
    b.allocReady = false;
    b.dispatch(hit(Route.FAST_DATA, { payload_len: 8, accept_len: 8, first_seq: 1000 }), payloadOf(8));
    b.take();
    expect(Number(b.sim.peek('buf_ready' as never))).toBe(0);
    b.allocReady = true;
    b.dispatch(hit(Route.TOO_LONG, { payload_len: 3000, accept_len: 3000 }), payloadOf(3000), 5000);
    expect(Number(b.sim.peek('buf_ready' as never))).toBe(1);
    const data = payloadOf(24);
    b.dispatch(hit(Route.FAST_DATA, { payload_len: 24, accept_len: 24, first_seq: 1000 }), data);
    const p = b.take();
    expect([...p.blocks.get(p.meta[0]!.id)!.subarray(0, 24)]).toEqual([...data]);
  });
});
