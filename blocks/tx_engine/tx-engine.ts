// The TOE's transmit engine: the send queues (append, release, base) and every segment the firmware asks for
// (TX_SEG from the send queue, TX_SYN, TX_RST), built by an embedded tx_builder.
import { defineModule, input, output, fsm, when, mux, cat, lit, Bool, UInt, Stream, type Sig } from '../../dsl/index.ts';
import { TxBuilder } from '../ack_tx/tx-builder.ts';
import { Handshake, segmentFields } from '../ack_tx/types.ts';
import { advertisedWindow } from '../ack_tx/ack-frame.ts';
import { fold16 } from '../ack_tx/header-sum.ts';
import { connectStream } from '../lib/connect.ts';
import { Fifo } from '../lib/fifo.ts';
import { txEngineDefaults, txEngineGeometry, type TxEngineParams } from './params.ts';
import { TxrKind, txrFields } from './txr.ts';
import { byteMask, expandKeep, popcount, sumWords } from './bytes.ts';
import { fieldBits, pack, pick, unpack, type Bundle } from '../ack_tx/bundle.ts';

/** skb manager queue ops (blocks/skb/codes.ts QueueOp). */
const Q_ENQUEUE = 0, Q_DEQUEUE = 1, Q_PEEK = 2;

/**
 * One operation at a time (see README.md for ports and timing). Per connection the engine keeps
 * {sq_base, sq_bytes, tail block} in a table: every block of a send queue but the tail is full, so byte
 * `off` of the queue is in block off / blockBytes at off % blockBytes, and releases free whole head blocks.
 */
export const TxEngine = defineModule('tx_engine', (m, p: TxEngineParams) => {
  const g = txEngineGeometry(p);
  const nb = g.beatBytes;
  const W = p.width;
  const beat = Stream(W, { keep: true, last: true });
  const idT = UInt(p.idBits);
  const io = m.io({
    txr: input(Handshake(txrFields)),
    sq_app: input(Handshake({ conn: UInt(16), data: UInt(W), keep: UInt(nb), last: Bool })),
    sq_app_done: output(Handshake({ conn: UInt(16), copied: UInt(32), nomem: Bool })),
    sq_base: input(Handshake({ conn: UInt(16), value: UInt(32) })),
    sq_delete: input(Handshake({ conn: UInt(16) })),
    tx_acked: output(Handshake({ conn: UInt(g.connIndexBits), ack: UInt(32), snd_nxt: UInt(32) })),
    local_mac: input(UInt(48)),
    tsval: input(UInt(32)),
    m_axis: output(beat),
    // skb manager client ports (skb_manager's names; a `ready` on every request port: toe_top's arbiter)
    skb_alloc: { valid: output(Bool), ready: input(Bool), id: input(idT) },
    skb_free: { valid: output(Bool), ready: input(Bool), id: output(idT) },
    skb_q: { valid: output(Bool), ready: input(Bool), op: output(UInt(2)), conn: output(UInt(p.connBits)), dir: output(Bool), id: output(idT) },
    skb_q_resp: { valid: input(Bool), id: input(idT), empty: input(Bool) },
    skb_meta_rd: { valid: output(Bool), ready: input(Bool), id: output(idT) },
    skb_meta_resp: { valid: input(Bool), next: input(idT) },
    skb_wr: { valid: output(Bool), ready: input(Bool), block: output(idT), offset: output(UInt(g.offsetBits)), data: output(UInt(W)), keep: output(UInt(nb)) },
    skb_rd: { valid: output(Bool), ready: input(Bool), block: output(idT), offset: output(UInt(g.offsetBits)) },
    skb_rd_resp: { valid: input(Bool), data: input(UInt(W)) },
    skb_free_count: input(UInt(g.countBits)),
    // counters
    frames: output(UInt(32)),
    bad_conn_count: output(UInt(32)),
    seg_range_count: output(UInt(32)),
    sq_base_refused_count: output(UInt(32)),
    app_nomem_count: output(UInt(32)),
    app_keep_count: output(UInt(32)),
    skb_error_count: output(UInt(32)),
    len_errors: output(UInt(32)),
    oversize: output(UInt(32)),
  });

  const st = fsm([
    'IDLE', 'LOAD', 'DISPATCH',
    'WALK_PEEK', 'WALK_PEEK_WAIT', 'WALK_NEXT', 'WALK_NEXT_WAIT',
    'PASS', 'XBLK', 'XBLK_WAIT', 'DESC', 'ACKED',
    'REL_CHECK', 'REL_DEQ', 'REL_DEQ_WAIT', 'REL_FREE',
    'APP_BEAT', 'APP_STEP', 'APP_ALLOC', 'APP_ENQ', 'APP_ENQ_WAIT', 'APP_DRAIN', 'APP_DONE',
    'STORE',
  ] as const);

  // ---- the operation in hand
  // Requests keep txr_kind's codes; the engine's own operations follow.
  const OP = { SEG: TxrKind.SEG, SYN: TxrKind.SYN, RST: TxrKind.RST, REL: TxrKind.RELEASE, APP: 4, BASE: 5, DEL: 6 } as const;
  const op = m.reg(UInt(3), { reset: 0 });
  const req = m.reg(UInt(fieldBits(txrFields)), { reset: 0 });
  const r = unpack(txrFields, req, 'req') as unknown as Record<keyof typeof txrFields, Sig>;
  const txb = m.instance(TxBuilder, { width: W, ttl: p.ttl });
  const opConn = m.reg(UInt(16), { reset: 0 });
  const opValue = m.reg(UInt(32), { reset: 0 });
  const connIndex = opConn.trunc(g.connIndexBits);
  const connOk = opConn.lt(p.conns);

  // ---- per-connection send-queue state: {bytes, base, tail}; a connection never written reads as empty
  const stateBits = 64 + g.blockBits;
  const sqTable = m.memory(stateBits, p.conns, { name: 'sq_state' });
  const live = m.reg(UInt(p.conns), { reset: 0 });
  const sqBase = m.reg(UInt(32), { reset: 0 });
  const sqBytes = m.reg(UInt(32), { reset: 0 });
  const sqTail = m.reg(UInt(g.blockBits), { reset: 0 });
  const held = m.reg(UInt(g.countBits + 1), { reset: 0 }); // blocks held by all send queues

  // ---- counters
  const counter = () => m.reg(UInt(32), { reset: 0 });
  const badConn = counter(), segRange = counter(), baseRefused = counter(), appNomem = counter(), appKeep = counter(), skbErrors = counter();

  // ---- IDLE: take one operation (delete, base, request, append), read its connection's state
  const inIdle = st.is('IDLE');
  const takeDel = inIdle.land(io.sq_delete.valid);
  const takeBase = inIdle.land(io.sq_delete.valid.lnot()).land(io.sq_base.valid);
  const takeTxr = inIdle.land(io.sq_delete.valid.lnot()).land(io.sq_base.valid.lnot()).land(io.txr.valid);
  const takeApp = inIdle.land(io.sq_delete.valid.lnot()).land(io.sq_base.valid.lnot()).land(io.txr.valid.lnot()).land(io.sq_app.valid);
  io.sq_delete.ready.set(takeDel);
  io.sq_base.ready.set(takeBase);
  io.txr.ready.set(takeTxr);
  const newConn = mux(takeDel, io.sq_delete.conn, mux(takeBase, io.sq_base.conn, mux(takeTxr, io.txr.conn, io.sq_app.conn)));
  const stored = sqTable.read(newConn.trunc(g.connIndexBits), { enable: inIdle });
  const storedLive = m.reg(Bool, { reset: false });
  when(inIdle, () => storedLive.set(live.bit(newConn.trunc(g.connIndexBits))));

  // ---- segment walk and the payload passes. Pass 0 reads the segment once (a read every cycle the window has
  // room, realigned to lane 0) and sums it; a segment of up to fifoBytes also goes into the payload FIFO then,
  // a longer one is read again after the descriptor (pass 1) into the FIFO. The FIFO drains into tx_builder on
  // its own, so the next operation runs while the last segment's payload leaves.
  const off = r.seq.sub(sqBase);
  const curBlock = m.reg(UInt(g.blockBits), { reset: 0 });
  const startBlock = m.reg(UInt(g.blockBits), { reset: 0 });
  const curBeat = m.reg(UInt(g.offsetBits), { reset: 0 });
  const skip = m.reg(UInt(g.countBits), { reset: 0 });
  const atEnd = m.reg(Bool, { reset: false }); // the last read was the block's last beat
  const first = m.reg(Bool, { reset: false }); // the next response is the pass's first (shifted by `shift`)
  const pass = m.reg(Bool, { reset: false });
  const buffered = m.reg(Bool, { reset: false }); // the segment fits the FIFO: pass 0 queues it
  const inflight = m.reg(Bool, { reset: false }); // a read awaits its response
  const readsLeft = m.reg(UInt(17), { reset: 0 });
  // The last walk's end (connection, block index from the head, block): a later segment of the same queue
  // walks on from there instead of from the head. Any dequeue, delete or base forgets it.
  const target = off.shr(g.blockShift).trunc(g.countBits);
  const cacheValid = m.reg(Bool, { reset: false });
  const cacheConn = m.reg(UInt(g.connIndexBits), { reset: 0 });
  const cacheIndex = m.reg(UInt(g.countBits), { reset: 0 });
  const cacheBlock = m.reg(UInt(g.blockBits), { reset: 0 });
  const cacheHit = cacheValid.land(cacheConn.eq(connIndex)).land(target.ge(cacheIndex));
  const haveW = g.beatShift + 3;
  // Three beats of window: up to two beats held when a read goes out, plus its response.
  const win = m.reg(UInt(3 * W), { reset: 0 });
  const have = m.reg(UInt(haveW), { reset: 0 });
  const remaining = m.reg(UInt(16), { reset: 0 });
  const sum = m.reg(UInt(32), { reset: 0 });
  const startBeat = off.slice(g.blockShift - 1, g.beatShift);
  const shift = off.slice(g.beatShift - 1, 0);

  const startPass = (which: boolean) => {
    if (which) curBlock.set(startBlock); // pass 0 starts where the walk ended
    else buffered.set(r.len.zext(32).le(p.fifoBytes));
    curBeat.set(startBeat); atEnd.set(false); first.set(true);
    pass.set(which); have.set(0); remaining.set(r.len);
    readsLeft.set(shift.zext(17).add(r.len.zext(17)).add(nb - 1).shr(g.beatShift));
    st.goto('PASS');
  };

  // The next output beat: the window's low W bits, bytes past `want` zeroed.
  const want = mux(remaining.gt(nb), lit(nb, UInt(16)), remaining).trunc(g.beatShift + 1);
  const keepOut = byteMask(want, nb);
  const dataOut = win.slice(W - 1, 0).and(expandKeep(keepOut, nb));
  const enough = have.ge(want.zext(haveW));
  const beatSum = sumWords(dataOut);
  const streaming = st.is('PASS').lor(st.is('XBLK')).lor(st.is('XBLK_WAIT'));
  const fifo = m.instance(Fifo, { width: W + nb + 1, depth: g.fifoBeats }, { name: 'payload_fifo' });
  const toFifo = pass.lor(buffered);
  const emitting = streaming.land(remaining.ne(0)).land(enough);
  const emitted = emitting.land(toFifo.lnot().lor(fifo.in.tready));
  fifo.in.tvalid.set(emitting.land(toFifo));
  fifo.in.tdata.set(cat(remaining.le(nb), keepOut, dataOut));

  // The window after this cycle: the emitted beat shifted out, the response appended after the bytes kept.
  const respIn = inflight.land(io.skb_rd_resp.valid);
  const respData = mux(first, io.skb_rd_resp.data.shr(cat(shift, lit(0, UInt(3)))), io.skb_rd_resp.data).zext(3 * W);
  const respBytes = mux(first, lit(nb, UInt(haveW)).sub(shift.zext(haveW)), lit(nb, UInt(haveW)));
  const haveKept = mux(emitted, mux(have.gt(nb), have.sub(nb), lit(0, UInt(haveW))), have);
  const winKept = mux(emitted, win.shr(W), win);
  const haveNext = haveKept.add(mux(respIn, respBytes, lit(0, UInt(haveW))));
  const winNext = mux(respIn.land(first), respData, winKept.or(mux(respIn, respData.shl(cat(haveKept, lit(0, UInt(3)))), lit(0, UInt(3 * W)))));
  // One read in flight at a time, the next one going out in the cycle its predecessor's response arrives.
  const issue = st.is('PASS').land(readsLeft.ne(0)).land(atEnd.lnot()).land(inflight.lnot().lor(respIn)).land(haveNext.le(2 * nb));
  const issued = issue.land(io.skb_rd.ready);
  when(streaming, () => {
    win.set(winNext); have.set(haveNext);
    when(respIn, () => first.set(false));
    when(emitted, () => {
      remaining.set(remaining.sub(want.zext(16)));
      when(pass.lnot(), () => sum.set(sum.add(beatSum.zext(32))));
    });
    when(issued, () => { curBeat.set(curBeat.add(1)); atEnd.set(curBeat.andR()); readsLeft.set(readsLeft.sub(1)); });
    inflight.set(issued.lor(inflight.land(respIn.lnot())));
  });

  // ---- append
  const pend = m.reg(UInt(W), { reset: 0 });
  const pendN = m.reg(UInt(g.beatShift + 1), { reset: 0 });
  const pendLast = m.reg(Bool, { reset: false });
  const copied = m.reg(UInt(32), { reset: 0 });
  const nomem = m.reg(Bool, { reset: false });
  const newBlock = m.reg(UInt(g.blockBits), { reset: 0 });
  // The tail is a fresh empty block (fill 0 but room for a whole block), until the first write to it.
  const freshTail = m.reg(Bool, { reset: false });
  const fill = sqBytes.slice(g.blockShift - 1, 0);
  const lane = sqBytes.slice(g.beatShift - 1, 0);
  const room = lit(nb, UInt(g.beatShift + 1)).sub(lane.zext(g.beatShift + 1));
  const wrN = mux(pendN.lt(room), pendN, room);
  const noBlock = io.skb_free_count.eq(0).lor(held.ge(p.blocks - p.reserveBlocks));
  const keepCount = popcount(io.sq_app.keep, g.beatShift + 1);
  const keepContiguous = io.sq_app.keep.zext(nb + 1).and(io.sq_app.keep.zext(nb + 1).add(1)).eq(0);

  // ---- release
  const headLen = mux(sqBytes.ge(p.blockBytes), lit(p.blockBytes, UInt(32)), sqBytes);
  const headEnd = sqBase.add(headLen);
  // A delete drains the whole queue (and forgets the base).
  const releasable = sqBytes.ne(0).land(op.eq(OP.DEL).lor(r.upto.sub(headEnd).bit(31).lnot()));

  // ---- skb request defaults
  io.skb_alloc.valid.set(false);
  io.skb_free.valid.set(false); io.skb_free.id.set(lit(0, idT));
  io.skb_q.valid.set(false); io.skb_q.op.set(lit(0, UInt(2))); io.skb_q.conn.set(connIndex.zext(p.connBits)); io.skb_q.dir.set(false); io.skb_q.id.set(lit(0, idT));
  io.skb_meta_rd.valid.set(false); io.skb_meta_rd.id.set(curBlock.zext(p.idBits));
  io.skb_wr.valid.set(false); io.skb_wr.block.set(sqTail.zext(p.idBits)); io.skb_wr.offset.set(fill.slice(g.blockShift - 1, g.beatShift));
  io.skb_wr.data.set(pend.shl(cat(lane, lit(0, UInt(3)))));
  io.skb_wr.keep.set(byteMask(wrN, nb).shl(lane));
  io.skb_rd.valid.set(issue); io.skb_rd.block.set(curBlock.zext(p.idBits)); io.skb_rd.offset.set(curBeat);
  io.sq_app.ready.set(st.is('APP_BEAT').lor(st.is('APP_DRAIN')));
  io.sq_app_done.valid.set(st.is('APP_DONE'));
  io.sq_app_done.conn.set(opConn); io.sq_app_done.copied.set(copied); io.sq_app_done.nomem.set(nomem);

  const storeState = sqTable;
  const writeState = m.wire(Bool, { default: false });
  storeState.write(connIndex, cat(sqBytes, sqBase, sqTail), { enable: writeState });
  when(writeState, () => live.set(live.or(lit(1, UInt(p.conns)).shl(connIndex))));

  st.switch({
    IDLE: () => {
      when(takeDel, () => { op.set(OP.DEL); opConn.set(io.sq_delete.conn); st.goto('LOAD'); })
        .elseWhen(takeBase, () => { op.set(OP.BASE); opConn.set(io.sq_base.conn); opValue.set(io.sq_base.value); st.goto('LOAD'); })
        .elseWhen(takeTxr, () => {
          op.set(io.txr.kind.zext(3)); opConn.set(io.txr.conn); req.set(pack(pick(io.txr as unknown as Record<string, unknown>, txrFields) as Bundle));
          st.goto('LOAD');
        })
        .elseWhen(takeApp, () => { op.set(OP.APP); opConn.set(io.sq_app.conn); copied.set(0); nomem.set(false); st.goto('LOAD'); });
    },
    LOAD: () => {
      sqBytes.set(mux(storedLive, stored.slice(stateBits - 1, stateBits - 32), lit(0, UInt(32))));
      sqBase.set(mux(storedLive, stored.slice(stateBits - 33, g.blockBits), lit(0, UInt(32))));
      sqTail.set(mux(storedLive, stored.slice(g.blockBits - 1, 0), lit(0, UInt(g.blockBits))));
      st.goto('DISPATCH');
    },
    DISPATCH: () => {
      sum.set(0);
      when(op.eq(OP.RST), () => st.goto('DESC'))
        .elseWhen(connOk.lnot(), () => {
          badConn.set(badConn.add(1));
          // An append to no connection still takes its beats (reported with copied 0).
          st.state.set(mux(op.eq(OP.APP), st.code('APP_DRAIN'), st.code('IDLE')));
        })
        .elseWhen(op.eq(OP.SYN), () => st.goto('DESC'))
        .elseWhen(op.eq(OP.SEG), () => {
          const inRange = off.zext(33).add(r.len.zext(33)).le(sqBytes.zext(33));
          when(r.len.eq(0), () => st.goto('DESC'))
            .elseWhen(inRange.lnot(), () => { segRange.set(segRange.add(1)); st.goto('IDLE'); })
            .elseWhen(cacheHit, () => { curBlock.set(cacheBlock); skip.set(target.sub(cacheIndex)); st.goto('WALK_NEXT'); })
            .otherwise(() => { skip.set(target); st.goto('WALK_PEEK'); });
        })
        .elseWhen(op.eq(OP.REL), () => st.goto('REL_CHECK'))
        .elseWhen(op.eq(OP.APP), () => st.goto('APP_BEAT'))
        .elseWhen(op.eq(OP.BASE), () => {
          when(sqBytes.eq(0), () => { sqBase.set(opValue); cacheValid.set(false); st.goto('STORE'); })
            .otherwise(() => { baseRefused.set(baseRefused.add(1)); st.goto('IDLE'); });
        })
        .otherwise(() => st.goto('REL_CHECK'));
    },
    // ---- TX_SEG: find the block holding byte `off` (head, then `skip` next pointers)
    WALK_PEEK: () => {
      io.skb_q.valid.set(true); io.skb_q.op.set(lit(Q_PEEK, UInt(2)));
      when(io.skb_q.ready, () => st.goto('WALK_PEEK_WAIT'));
    },
    WALK_PEEK_WAIT: () => when(io.skb_q_resp.valid, () => {
      curBlock.set(io.skb_q_resp.id.trunc(g.blockBits));
      when(io.skb_q_resp.empty, () => { skbErrors.set(skbErrors.add(1)); st.goto('IDLE'); }).otherwise(() => st.goto('WALK_NEXT'));
    }),
    WALK_NEXT: () => {
      when(skip.eq(0), () => {
        startBlock.set(curBlock); startPass(false);
        cacheValid.set(true); cacheConn.set(connIndex); cacheIndex.set(target); cacheBlock.set(curBlock);
      })
        .otherwise(() => {
          io.skb_meta_rd.valid.set(true);
          when(io.skb_meta_rd.ready, () => st.goto('WALK_NEXT_WAIT'));
        });
    },
    WALK_NEXT_WAIT: () => when(io.skb_meta_resp.valid, () => {
      curBlock.set(io.skb_meta_resp.next.trunc(g.blockBits)); skip.set(skip.sub(1)); st.goto('WALK_NEXT');
    }),
    // ---- a payload pass: emit a beat when the window holds enough bytes, else read the next one
    PASS: () => {
      when(remaining.eq(0).land(inflight.lnot()), () => {
        when(pass, () => st.state.set(mux(r.flags.bit(4), st.code('ACKED'), st.code('IDLE'))))
          .otherwise(() => st.goto('DESC'));
      }).elseWhen(atEnd.land(readsLeft.ne(0)), () => st.goto('XBLK'));
    },
    XBLK: () => {
      io.skb_meta_rd.valid.set(true);
      when(io.skb_meta_rd.ready, () => st.goto('XBLK_WAIT'));
    },
    XBLK_WAIT: () => when(io.skb_meta_resp.valid, () => {
      curBlock.set(io.skb_meta_resp.next.trunc(g.blockBits)); atEnd.set(false); st.goto('PASS');
    }),
    DESC: () => when(txb.desc.ready, () => {
      when(op.eq(OP.SEG).land(r.len.ne(0)).land(buffered.lnot()), () => startPass(true))
        .elseWhen(op.ne(OP.RST).land(r.flags.bit(4)), () => st.goto('ACKED'))
        .otherwise(() => st.goto('IDLE'));
    }),
    ACKED: () => when(io.tx_acked.ready, () => st.goto('IDLE')),
    // ---- SQ_RELEASE: dequeue and free whole head blocks that end at or below `upto`
    REL_CHECK: () => when(releasable, () => st.goto('REL_DEQ')).otherwise(() => {
      when(op.eq(OP.DEL), () => { sqBase.set(0); sqTail.set(0); cacheValid.set(false); });
      st.goto('STORE');
    }),
    REL_DEQ: () => {
      io.skb_q.valid.set(true); io.skb_q.op.set(lit(Q_DEQUEUE, UInt(2)));
      when(io.skb_q.ready, () => st.goto('REL_DEQ_WAIT'));
    },
    REL_DEQ_WAIT: () => when(io.skb_q_resp.valid, () => {
      curBlock.set(io.skb_q_resp.id.trunc(g.blockBits));
      when(io.skb_q_resp.empty, () => { skbErrors.set(skbErrors.add(1)); st.goto('STORE'); }).otherwise(() => st.goto('REL_FREE'));
    }),
    REL_FREE: () => {
      io.skb_free.valid.set(true); io.skb_free.id.set(curBlock.zext(p.idBits));
      when(io.skb_free.ready, () => {
        sqBase.set(headEnd); sqBytes.set(sqBytes.sub(headLen)); held.set(held.sub(1)); cacheValid.set(false);
        st.goto('REL_CHECK');
      });
    },
    // ---- append: fill the tail block, allocating and enqueueing a block whenever the tail is full
    APP_BEAT: () => when(io.sq_app.valid, () => {
      pend.set(io.sq_app.data); pendLast.set(io.sq_app.last);
      when(keepContiguous, () => pendN.set(keepCount))
        .otherwise(() => { pendN.set(0); appKeep.set(appKeep.add(1)); });
      st.goto('APP_STEP');
    }),
    APP_STEP: () => {
      when(pendN.eq(0), () => st.state.set(mux(pendLast, st.code('APP_DONE'), st.code('APP_BEAT'))))
        .elseWhen(fill.eq(0).land(freshTail.lnot()), () => st.goto('APP_ALLOC'))
        .otherwise(() => {
          io.skb_wr.valid.set(true);
          when(io.skb_wr.ready, () => {
            pend.set(pend.shr(cat(wrN, lit(0, UInt(3)))));
            freshTail.set(false);
            pendN.set(pendN.sub(wrN)); sqBytes.set(sqBytes.add(wrN.zext(32))); copied.set(copied.add(wrN.zext(32)));
          });
        });
    },
    APP_ALLOC: () => {
      when(noBlock, () => {
        nomem.set(true); appNomem.set(appNomem.add(1));
        st.state.set(mux(pendLast, st.code('APP_DONE'), st.code('APP_DRAIN')));
      }).otherwise(() => {
        io.skb_alloc.valid.set(true);
        when(io.skb_alloc.ready, () => { newBlock.set(io.skb_alloc.id.trunc(g.blockBits)); held.set(held.add(1)); st.goto('APP_ENQ'); });
      });
    },
    APP_ENQ: () => {
      io.skb_q.valid.set(true); io.skb_q.op.set(lit(Q_ENQUEUE, UInt(2))); io.skb_q.id.set(newBlock.zext(p.idBits));
      when(io.skb_q.ready, () => st.goto('APP_ENQ_WAIT'));
    },
    APP_ENQ_WAIT: () => when(io.skb_q_resp.valid, () => { sqTail.set(newBlock); freshTail.set(true); st.goto('APP_STEP'); }),
    APP_DRAIN: () => when(io.sq_app.valid.land(io.sq_app.last), () => st.goto('APP_DONE')),
    APP_DONE: () => when(io.sq_app_done.ready, () => {
      when(connOk, () => writeState.set(true));
      st.goto('IDLE');
    }),
    STORE: () => { writeState.set(true); st.goto('IDLE'); },
  });

  // ---- the frame builder
  const isSeg = op.eq(OP.SEG), isSyn = op.eq(OP.SYN), isRst = op.eq(OP.RST);
  const ackBit = r.flags.bit(4);
  const segWindow = mux(ackBit, advertisedWindow(r.rcv_wnd, r.rcv_wscale), lit(0, UInt(16)));
  const synWindow = mux(r.rcvbuf.gt(0xffff), lit(0xffff, UInt(16)), r.rcvbuf.slice(15, 0));
  const d = txb.desc;
  d.valid.set(st.is('DESC'));
  d.dst_mac.set(r.remote_mac); d.src_mac.set(io.local_mac); d.src_ip.set(r.local_ip); d.dst_ip.set(r.remote_ip);
  d.src_port.set(r.local_port); d.dst_port.set(r.remote_port);
  d.seq.set(r.seq);
  d.ack.set(mux(isSeg, mux(ackBit, r.rcv_nxt, lit(0, UInt(32))), r.ack));
  d.flags.set(r.flags.slice(7, 0));
  d.window.set(mux(isSeg, segWindow, mux(isSyn, synWindow, lit(0, UInt(16)))));
  d.ts_enabled.set(mux(isSeg, r.tcb_ts_ok.land(r.flags.bit(2).lnot()), isSyn.land(r.ts_ok)));
  d.ts_ecr.set(mux(isSeg, r.ts_recent, r.ts_ecr));
  d.sack_count.set(lit(0, UInt(3)));
  for (const blk of d.sack) { blk.left.set(lit(0, UInt(32))); blk.right.set(lit(0, UInt(32))); }
  d.syn_opts.set(isSyn); d.syn_mss.set(r.mss); d.syn_sack_ok.set(r.sack_ok); d.syn_ws_ok.set(r.ws_ok); d.syn_ws.set(r.ws);
  d.payload_len.set(mux(isSeg, r.len, lit(0, UInt(16))));
  d.payload_sum.set(fold16(sum));
  txb.tsval.set(io.tsval);
  txb.s_axis.tvalid.set(fifo.out.tvalid);
  txb.s_axis.tdata.set(fifo.out.tdata.slice(W - 1, 0));
  txb.s_axis.tkeep.set(fifo.out.tdata.slice(W + nb - 1, W));
  txb.s_axis.tlast.set(fifo.out.tdata.bit(W + nb));
  fifo.out.tready.set(txb.s_axis.tready);
  connectStream(io.m_axis, txb.m_axis);

  // ---- TX report to ack_gen: the ACK sent and SND.NXT after the segment (never moved back)
  const segEnd = r.seq.add(mux(isSyn, lit(1, UInt(32)), r.len.zext(32).add(r.flags.bit(0).zext(32))));
  const advanced = segEnd.sub(r.snd_nxt).bit(31).lnot().land(segEnd.ne(r.snd_nxt));
  io.tx_acked.valid.set(st.is('ACKED'));
  io.tx_acked.conn.set(connIndex);
  io.tx_acked.ack.set(mux(isSeg, r.rcv_nxt, r.ack));
  io.tx_acked.snd_nxt.set(mux(advanced, segEnd, r.snd_nxt));

  io.frames.set(txb.frames);
  io.len_errors.set(txb.len_errors);
  io.oversize.set(txb.oversize);
  io.bad_conn_count.set(badConn); io.seg_range_count.set(segRange); io.sq_base_refused_count.set(baseRefused);
  io.app_nomem_count.set(appNomem); io.app_keep_count.set(appKeep); io.skb_error_count.set(skbErrors);
  return io;
}, txEngineDefaults);
