// The receive side's feeder, as the model's readReceived does it: data on a connection's receive queue (the skb
// manager's queue dir 1) is handed, block by block, to blocks/host's receive path, which DMAs it into the
// user buffers posted on the RX ring and writes the RX completions; a block whose bytes are in host memory is
// freed. Producers of receive-queue data (rx_dispatch's fast path, cmd_exec's DELIVER) say so on `rq_notify`;
// a pending bit per connection merges repeated notices, and connections are served round robin, each until its
// queue is empty. A block's bytes for the user are [off, off + len) with len = meta.len and off = meta.csum
// (0 on the fast path; cmd_exec's DELIVER stores the offset of the first new byte there).
//
// End of stream: `eof_notify` {conn} (the peer's FIN was consumed, after the data before it was enqueued) sets a
// second pending bit per connection. When the connection's queue is next found empty, a FIN completion is armed
// in a one-entry slot, and offered on `fin` only once every block handed to the receive path before it has had
// its final RX completion accepted (`rx_final`): the host sees the FIN after the last byte before it.
import { defineModule, input, output, Bool, Struct, UInt, lit, mux, when, fsm, clog2, type Sig } from '../../dsl/index.ts';
import { Handshake } from '../host/handshake.ts';
import { RxData } from '../host/rx-path.ts';
import type { HostPathParams } from '../host/tx-path.ts';
import { skbGeometry, type SkbParams } from '../skb/params.ts';
import { ERROR_BITS } from '../skb/codes.ts';

export type RecvFeedParams = Pick<HostPathParams, 'nicAddrBits' | 'lenBits'> & { skb: SkbParams };

/** skb_manager's ports this feeder uses, with its names and widths (ready added where toe_top arbitrates). */
export const skbPorts = (s: SkbParams) => {
  const g = skbGeometry(s);
  const id = UInt(s.idBits);
  return {
    skb_q: output(Handshake({ op: UInt(2), conn: UInt(s.connBits), dir: Bool, id })),
    skb_q_resp: input(Struct({ valid: Bool, op: UInt(2), conn: UInt(s.connBits), dir: Bool, id, empty: Bool, count: UInt(g.countBits), error: UInt(ERROR_BITS) })),
    skb_meta_rd: output(Handshake({ id })),
    skb_meta_resp: input(Struct({ valid: Bool, id, error: Bool, len: UInt(16), seq: UInt(32), csum: UInt(16), refcount: UInt(s.refBits), queued: Bool, next: id })),
    skb_free: output(Handshake({ id })),
  };
};

export const RecvFeed = defineModule('host_recv_feed', (m, p: RecvFeedParams) => {
  const s = p.skb;
  const conns = s.connections;
  const cb = clog2(conns);
  const blockShift = Math.log2(s.blockBytes);
  const { skb_q, skb_q_resp, skb_meta_rd, skb_meta_resp, skb_free } = skbPorts(s);
  const io = m.io({
    rq_notify: input(Handshake({ conn: UInt(16) })),
    skb_q, skb_q_resp, skb_meta_rd, skb_meta_resp, skb_free,
    /** To blocks/host's receive path: a block's bytes in NIC memory (addr = block * blockBytes + off). */
    rx_data: output(RxData(p)),
    /** From the receive path: those bytes are in host memory. */
    rx_free: input(RxData(p)),
    /** One-cycle notice per block read by the host: `len` bytes of `conn` consumed (for the receive window). */
    rx_read: output(Struct({ valid: Bool, conn: UInt(16), len: UInt(p.lenBits) })),
    /** The peer's FIN on `conn` (no ready: a pending bit per connection keeps it). */
    eof_notify: input(Struct({ valid: Bool, conn: UInt(16) })),
    /** An RX completion that ends a block (no MORE) was accepted by the completion merge. */
    rx_final: input(Bool),
    /** A FIN completion for `conn`, in order after the connection's data completions. */
    fin: output(Handshake({ conn: UInt(16) })),
    bad_notify_count: output(UInt(32)),
  });
  if (p.nicAddrBits < blockShift + skbGeometry(s).blockBits) throw new Error('host_recv_feed: nicAddrBits too small for the skb buffer');

  // ---- Notices: one pending bit per connection.
  const pending = m.reg(UInt(conns), { reset: 0 });
  const badNotify = m.reg(UInt(32), { reset: 0 });
  io.rq_notify.ready.set(true);
  const nOk = io.rq_notify.conn.lt(conns);
  const setMask = mux(io.rq_notify.valid.land(nOk), lit(1, UInt(conns)).shl(io.rq_notify.conn.trunc(cb)), lit(0, UInt(conns)));
  const eofPending = m.reg(UInt(conns), { reset: 0 });
  const eOk = io.eof_notify.conn.lt(conns);
  const eofSet = mux(io.eof_notify.valid.land(eOk), lit(1, UInt(conns)).shl(io.eof_notify.conn.trunc(cb)), lit(0, UInt(conns)));
  const badRq = io.rq_notify.valid.land(nOk.lnot()), badEof = io.eof_notify.valid.land(eOk.lnot());
  when(badRq.lor(badEof), () => badNotify.set(badNotify.add(mux(badRq.land(badEof), lit(2, UInt(2)), lit(1, UInt(2))).zext(32))));

  // ---- The FIN slot: armed for `finConn` when its queue was found empty; offered once the receive path's final
  // completions (one per non-empty block) have caught up with the blocks handed before it (16-bit wrapping counts).
  const finArmed = m.reg(Bool, { reset: false });
  const finConn = m.reg(UInt(cb), { reset: 0 });
  const finAfter = m.reg(UInt(16), { reset: 0 });
  const handed = m.reg(UInt(16), { reset: 0 });
  const finals = m.reg(UInt(16), { reset: 0 });
  when(io.rx_final, () => finals.set(finals.add(1)));
  const caughtUp = finals.sub(finAfter).bit(15).lnot();
  io.fin.valid.set(finArmed.land(caughtUp));
  io.fin.conn.set(finConn.zext(16));

  // ---- Round robin: the lowest pending connection at or after `next`, else the lowest.
  const next = m.reg(UInt(cb), { reset: 0 });
  // A connection has work when it has data notices, or an EOF to report while the FIN slot is free.
  const work = pending.or(mux(finArmed, lit(0, UInt(conns)), eofPending));
  const atOrAfter = work.and(lit((1n << BigInt(conns)) - 1n, UInt(conns)).shl(next));
  const lowest = (v: Sig): Sig => {
    let r: Sig = lit(0, UInt(cb));
    for (let i = conns - 1; i >= 0; i--) r = mux(v.bit(i), lit(i, UInt(cb)), r);
    return r;
  };
  const pick = mux(atOrAfter.ne(0), lowest(atOrAfter), lowest(work));

  const st = fsm(['IDLE', 'DEQ', 'DEQ_WAIT', 'META', 'META_WAIT', 'SEND'] as const, { name: 'state' });
  const conn = m.reg(UInt(cb), { reset: 0 });
  const block = m.reg(UInt(s.idBits), { reset: 0 });
  const len = m.reg(UInt(16), { reset: 0 });
  const off = m.reg(UInt(16), { reset: 0 });
  const start = st.is('IDLE').land(work.ne(0));
  const clearMask = mux(start, lit(1, UInt(conns)).shl(pick), lit(0, UInt(conns)));
  pending.set(pending.and(clearMask.not()).or(setMask));
  when(start, () => { conn.set(pick); next.set(pick.add(1)); st.goto('DEQ'); });

  io.skb_q.valid.set(st.is('DEQ'));
  io.skb_q.op.set(1);
  io.skb_q.conn.set(conn.zext(s.connBits));
  io.skb_q.dir.set(true);
  io.skb_q.id.set(0);
  when(st.is('DEQ').land(io.skb_q.ready), () => st.goto('DEQ_WAIT'));
  const drained = st.is('DEQ_WAIT').land(io.skb_q_resp.valid).land(io.skb_q_resp.empty.lor(io.skb_q_resp.error.ne(0)));
  const connBit = lit(1, UInt(conns)).shl(conn);
  // Not while a data notice for the connection is pending: its dequeue may have raced the enqueue that came
  // just before the FIN (the notice is never later than the FIN's), so the queue is served again first.
  const arm = drained.land(finArmed.lnot()).land(eofPending.and(connBit).ne(0)).land(pending.or(setMask).and(connBit).eq(0));
  eofPending.set(eofPending.and(mux(arm, connBit.not(), lit((1n << BigInt(conns)) - 1n, UInt(conns)))).or(eofSet));
  when(arm, () => { finArmed.set(true); finConn.set(conn); finAfter.set(handed); });
  when(io.fin.valid.land(io.fin.ready), () => finArmed.set(false));
  when(st.is('DEQ_WAIT').land(io.skb_q_resp.valid), () => {
    block.set(io.skb_q_resp.id);
    when(drained, () => st.goto('IDLE')).otherwise(() => st.goto('META'));
  });
  io.skb_meta_rd.valid.set(st.is('META'));
  io.skb_meta_rd.id.set(block);
  when(st.is('META').land(io.skb_meta_rd.ready), () => st.goto('META_WAIT'));
  when(st.is('META_WAIT').land(io.skb_meta_resp.valid), () => {
    len.set(io.skb_meta_resp.len);
    off.set(io.skb_meta_resp.csum);
    st.goto('SEND');
  });
  // A block's range is clipped to the block (a bad meta never reads another block's bytes).
  const offIn = off.trunc(blockShift);
  const room = lit(s.blockBytes, UInt(blockShift + 1)).sub(offIn.zext(blockShift + 1));
  const lenIn = mux(off.gt(s.blockBytes - 1), lit(0, UInt(16)), mux(len.gt(room.zext(16)), room.zext(16), len));
  io.rx_data.valid.set(st.is('SEND'));
  io.rx_data.conn.set(conn.zext(16));
  io.rx_data.addr.set(block.trunc(p.nicAddrBits - blockShift).zext(p.nicAddrBits).shl(blockShift).or(offIn.zext(p.nicAddrBits)));
  io.rx_data.len.set(lenIn.zext(p.lenBits));
  when(st.is('SEND').land(io.rx_data.ready), () => st.goto('DEQ')); // the same connection until its queue is empty
  when(st.is('SEND').land(io.rx_data.ready).land(lenIn.ne(0)), () => handed.set(handed.add(1)));

  // ---- Done blocks: free them, and tell the window logic.
  io.skb_free.valid.set(io.rx_free.valid);
  io.skb_free.id.set(io.rx_free.addr.slice(p.nicAddrBits - 1, blockShift).zext(32).trunc(s.idBits));
  io.rx_free.ready.set(io.skb_free.ready);
  io.rx_read.valid.set(io.rx_free.valid.land(io.skb_free.ready));
  io.rx_read.conn.set(io.rx_free.conn);
  io.rx_read.len.set(io.rx_free.len);
  io.bad_notify_count.set(badNotify);
  return io;
});
