// rx_dispatch: carries out toe_rx's segment records as sim/toe_model/toe.ts rxSegment / fastDeliver / dequeued do:
// in-order data of a FAST connection into an skb on its receive queue and an ack_gen event, everything the fast
// path declines to the RX core (SEG / SEG_NOCONN, the accepted bytes in an skb), the ACK field to the TX core
// (SACK_RCVD, ACK), the neighbour learning, and the per-connection count of SEG events the RX core has not taken.
import { defineModule, input, output, Bool, Stream, UInt, cat, clog2, lit, mux, when, type Sig } from '../../dsl/index.ts';
import { recordBundle, recordFields } from '../toe_rx/record.ts';
import { Route } from '../toe_rx/route.ts';
import { RxReason } from '../rx_parser/reasons.ts';
import { Fifo } from '../lib/fifo.ts';
import { EVENT_ENTRY_BITS, isEventKind, unpackEvent } from '../lib/fw-record.ts';
import { AckEventKind, Handshake, MAX_SACK_BLOCKS, ackEventFields } from '../ack_tx/types.ts';
import { skbDefaults, skbGeometry, type SkbParams } from '../skb/params.ts';
import { SackMode } from '../../firmware/api.ts';
import { seqLt } from '../seq_check/seq-arith.ts';
import { ackEvent, ackWorthy, hasSack, sackRcvdEvent, segEvent, segNoconnEvent, type Rec } from './events.ts';
import { segCounts } from './seg-counts.ts';

export interface RxDispatchParams {
  /** SACK blocks in toe_rx's record (its sackBlocks). */
  sackBlocks: number;
  /** Connections (conn_table's and ack_gen's). */
  conns: number;
  /** The skb manager's parameters (width = the payload bus). */
  skb: SkbParams;
  /** Bits of each per-connection SEG count. */
  segCountBits: number;
}

export const rxDispatchDefaults: RxDispatchParams = { sackBlocks: 1, conns: 64, skb: skbDefaults, segCountBits: 8 };

/** The record's steps after the payload, in order; each is skipped when not needed. */
const Step = { PAYLOAD: 0, FLUSH: 1, META: 2, ENQ: 3, ACK_EV: 4, SACK: 5, ACK: 6, RX_EV: 7, DONE: 8 } as const;

export const RxDispatch = defineModule('rx_dispatch', (m, p: RxDispatchParams) => {
  const g = skbGeometry(p.skb);
  const W = p.skb.width, B = W / 8, shiftBits = clog2(B);
  const maxBeats = g.beatsPerBlock; // payload beats kept per frame: one block's worth
  const id = UInt(p.skb.idBits);
  const cb = clog2(p.conns);
  const evFields = ackEventFields(cb);
  const io = m.io({
    seg: input(recordBundle(p.sackBlocks)),
    payload: input(Stream(W)),
    buf_ready: output(Bool),
    local_ip: input(UInt(32)),
    local_mac: input(UInt(48)),
    rx_event: { valid: output(Bool), ready: input(Bool), data: output(UInt(EVENT_ENTRY_BITS)) },
    tx_event: { valid: output(Bool), ready: input(Bool), data: output(UInt(EVENT_ENTRY_BITS)) },
    ack_ev: output(Handshake(evFields)),
    skb_alloc: { valid: output(Bool), ready: input(Bool), id: input(id) },
    skb_q: { valid: output(Bool), ready: input(Bool), op: output(UInt(2)), conn: output(UInt(p.skb.connBits)), dir: output(Bool), id: output(id) },
    skb_meta_wr: { valid: output(Bool), ready: input(Bool), id: output(id), fields: output(UInt(3)), len: output(UInt(16)), seq: output(UInt(32)), csum: output(UInt(16)) },
    skb_wr: { valid: output(Bool), ready: input(Bool), block: output(id), offset: output(UInt(g.offsetBits)), data: output(UInt(W)), keep: output(UInt(B)) },
    rx_popped: { valid: input(Bool), data: input(UInt(EVENT_ENTRY_BITS)) },
    segs_queued_query: { conn: input(UInt(16)), count: output(UInt(p.segCountBits)), zero: output(Bool) },
    learn: { valid: output(Bool), ip: output(UInt(32)), mac: output(UInt(48)) },
    rx_bad_count: output(UInt(32)),
    rx_not_for_us_count: output(UInt(32)),
    rx_dropped_count: output(UInt(32)),
    rx_nomem_count: output(UInt(32)),
    rx_too_long_count: output(UInt(32)),
    rx_fast_count: output(UInt(32)),
    rx_to_firmware_count: output(UInt(32)),
  });
  const seg = io.seg as unknown as Record<string, Sig>;
  const r: Rec = Object.fromEntries(recordFields(p.sackBlocks).map(([n]) => [n, seg[n]!]));
  const route = r.route!;
  const is = (x: number) => route.eq(x);

  // ---- The payload FIFO: every payload frame is taken as it comes (rx_parser's contract), at most one block's
  // worth of beats kept (tlast forced on the last kept beat, the rest discarded: such bytes are TOO_LONG anyway).
  const fifo = m.instance(Fifo, { width: W + 1, depth: 2 * maxBeats }, { name: 'payloadFifo' });
  const inBeat = m.reg(UInt(g.offsetBits), { reset: 0, name: 'in_beat' });
  const discarding = m.reg(Bool, { reset: false, name: 'discarding' });
  const lastKept = inBeat.eq(maxBeats - 1);
  io.payload.tready.set(discarding.lor(fifo.in.tready));
  fifo.in.tvalid.set(io.payload.tvalid.land(discarding.lnot()));
  fifo.in.tdata.set(cat(io.payload.tlast.lor(lastKept), io.payload.tdata));
  when(io.payload.tvalid.land(io.payload.tready), () => {
    when(io.payload.tlast, () => { inBeat.set(0); discarding.set(false); })
      .elseWhen(discarding.lnot(), () => { inBeat.set(inBeat.add(1)); when(lastKept, () => discarding.set(true)); });
  });

  // ---- The spare block: allocated ahead, so toe_rx knows (buf_ready) whether a segment can have one.
  const spareValid = m.reg(Bool, { reset: false, name: 'spare_valid' });
  const spare = m.reg(id, { reset: 0, name: 'spare_id' });
  io.skb_alloc.valid.set(spareValid.lnot());
  io.buf_ready.set(spareValid);
  const usesBlock = is(Route.FAST_DATA).lor(is(Route.FW_SEG).land(r.accept_len!.ne(0)));

  // ---- The record's steps.
  const step = m.reg(UInt(4), { reset: Step.PAYLOAD, name: 'step' });
  const at = (s: number) => step.eq(s);
  const forUs = r.ip_dst!.eq(io.local_ip);
  const reasonOk = r.reason!.eq(RxReason.OK);
  const hit = r.hit!.bit(0);
  const checkedHit = hit.land(is(Route.RAW_SEG).lnot()).land(forUs);

  // Payload: input beat i (i = `beat`) completes output beat k = i - b0 - 1 of the accepted bytes, which start at
  // byte s of input beat b0 (trim_front = b0 * B + s). FLUSH is the same with a beat of zeros after the last.
  const beat = m.reg(UInt(g.offsetBits + 1), { reset: 0, name: 'beat' });
  const prev = m.reg(UInt(W), { reset: 0, name: 'prev_beat' });
  const b0 = r.trim_front!.shr(shiftBits).zext(17);
  const s = r.trim_front!.slice(shiftBits - 1, 0);
  const nOut = r.accept_len!.zext(17).add(B - 1).shr(shiftBits);
  const k = beat.zext(17).sub(b0).sub(1);
  const flushing = at(Step.FLUSH);
  const cur = mux(flushing, lit(0, UInt(W)), fifo.out.tdata.slice(W - 1, 0));
  const writes = usesBlock.land(forUs).land(beat.zext(17).gt(b0)).land(k.lt(nOut));
  const rem = r.accept_len!.zext(17).sub(k.shl(shiftBits));
  const keep = mux(rem.ge(B), lit(2 ** B - 1, UInt(B)), lit(2 ** B - 1, UInt(B)).shr(lit(B, UInt(17)).sub(rem).trunc(shiftBits + 1)));
  const popping = at(Step.PAYLOAD).land(r.has_payload!.bit(0)).land(seg.valid!);
  io.skb_wr.valid.set(popping.land(fifo.out.tvalid).lor(flushing).land(writes));
  io.skb_wr.block.set(spare);
  io.skb_wr.offset.set(k.trunc(g.offsetBits));
  io.skb_wr.data.set(cat(cur, prev).shr(cat(s, lit(0, UInt(3)))).trunc(W));
  io.skb_wr.keep.set(keep);
  const wrDone = writes.lnot().lor(io.skb_wr.ready);
  fifo.out.tready.set(popping.land(wrDone));
  const popped = popping.land(fifo.out.tvalid).land(wrDone);
  when(popped, () => {
    beat.set(beat.add(1));
    prev.set(cur);
    when(fifo.out.tdata.bit(W), () => step.set(Step.FLUSH));
  });
  when(at(Step.PAYLOAD).land(seg.valid!).land(r.has_payload!.bit(0).lnot()), () => step.set(Step.FLUSH));
  when(flushing.land(wrDone), () => { step.set(Step.META); beat.set(0); });

  // Meta and enqueue: the block holds [first_seq, first_seq + accept_len).
  const needMeta = usesBlock.land(forUs);
  io.skb_meta_wr.valid.set(at(Step.META).land(needMeta));
  io.skb_meta_wr.id.set(spare);
  io.skb_meta_wr.fields.set(7); // csum = 0: host_glue reads it as the offset of the first byte for the user (cmd_exec DELIVER)
  io.skb_meta_wr.len.set(r.accept_len!);
  io.skb_meta_wr.seq.set(r.first_seq!);
  io.skb_meta_wr.csum.set(0);
  const needEnq = is(Route.FAST_DATA).land(forUs);
  io.skb_q.valid.set(at(Step.ENQ).land(needEnq));
  io.skb_q.op.set(0);
  io.skb_q.conn.set(r.index!.trunc(p.skb.connBits));
  io.skb_q.dir.set(true);
  io.skb_q.id.set(spare);

  // ack_gen: in-order data (delayed ACK), or ACK now with a D-SACK block for the part below RCV.NXT (RFC 2883).
  const dsackOn = r.sack_mode!.eq(SackMode.SACK_DSACK);
  const dataDsack = is(Route.FAST_DATA).land(dsackOn).land(r.trim_front!.ne(0));
  const segEnd = r.tcp_seq!.add(r.payload_len!.zext(32));
  const dupDsack = is(Route.FAST_ACK).land(dsackOn).land(r.payload_len!.ne(0)).land(seqLt(r.tcp_seq!, r.rcv_nxt!));
  const dsack = dataDsack.lor(dupDsack);
  const dsackRight = mux(dataDsack, r.first_seq!, mux(seqLt(segEnd, r.rcv_nxt!), segEnd, r.rcv_nxt!));
  const E = (x: number) => lit(x, UInt(3));
  const evKind = mux(is(Route.FAST_DATA), mux(dataDsack, E(AckEventKind.FILLS_GAP), E(AckEventKind.IN_ORDER)),
    mux(is(Route.FAST_ACK), E(AckEventKind.DUPLICATE), E(AckEventKind.CHALLENGE)));
  const needAckEv = is(Route.FAST_DATA).lor(is(Route.FAST_ACK)).lor(is(Route.FAST_CHALLENGE)).land(forUs);
  const ev = io.ack_ev as unknown as Record<string, Sig & { set(v: unknown): void }> & { sack: { left: { set(v: unknown): void }; right: { set(v: unknown): void } }[] };
  ev.valid.set(at(Step.ACK_EV).land(needAckEv));
  ev.conn.set(r.index!.trunc(cb));
  ev.event.set(evKind);
  ev.mss.set(r.rcv_mss!);
  ev.dst_mac.set(r.remote_mac!);
  ev.src_mac.set(io.local_mac);
  ev.src_ip.set(io.local_ip);
  ev.dst_ip.set(r.ip_src!);
  ev.src_port.set(r.tcp_dst_port!);
  ev.dst_port.set(r.tcp_src_port!);
  ev.snd_nxt.set(r.snd_nxt!);
  ev.rcv_nxt.set(r.rcv_nxt!);
  ev.rcv_wnd.set(r.rcv_wnd!);
  ev.rcv_wscale.set(r.rcv_wscale!);
  ev.ts_enabled.set(r.ts_ok!.bit(0));
  ev.ts_recent.set(r.ts_recent!);
  ev.sack_count.set(mux(dsack, lit(1, UInt(3)), lit(0, UInt(3))));
  for (let b = 0; b < MAX_SACK_BLOCKS; b++) {
    ev.sack[b]!.left.set(b === 0 ? mux(dsack, r.tcp_seq!, lit(0, UInt(32))) : lit(0, UInt(32)));
    ev.sack[b]!.right.set(b === 0 ? mux(dsack, dsackRight, lit(0, UInt(32))) : lit(0, UInt(32)));
  }
  ev.seg_seq.set(r.tcp_seq!);
  ev.seg_ack.set(r.tcp_ack!);
  ev.seg_len.set(r.payload_len!);
  ev.seg_flags.set(r.tcp_flags!.trunc(8));

  // The TX core: SACK_RCVD just before ACK (the model's order).
  const needSack = checkedHit.land(hasSack(r));
  const needAck = checkedHit.land(ackWorthy(r));
  io.tx_event.valid.set(at(Step.SACK).land(needSack).lor(at(Step.ACK).land(needAck)));
  io.tx_event.data.set(mux(at(Step.SACK), sackRcvdEvent(r, p.sackBlocks), ackEvent(r)));

  // The RX core: SEG_NOCONN, or SEG (RAW, or declined by the fast path).
  const needRx = is(Route.NO_CONN).lor(is(Route.RAW_SEG)).lor(is(Route.FW_SEG)).land(forUs);
  io.rx_event.valid.set(at(Step.RX_EV).land(needRx));
  io.rx_event.data.set(mux(is(Route.NO_CONN), segNoconnEvent(r), segEvent(r, is(Route.RAW_SEG), spare)));

  const needs: [number, Sig, Sig][] = [
    [Step.META, needMeta, lit(true, Bool)], [Step.ENQ, needEnq, io.skb_q.ready], [Step.ACK_EV, needAckEv, ev.ready],
    [Step.SACK, needSack, io.tx_event.ready], [Step.ACK, needAck, io.tx_event.ready], [Step.RX_EV, needRx, io.rx_event.ready],
  ];
  for (const [st, need, ready] of needs) {
    const ok = st === Step.META ? io.skb_meta_wr.ready : ready;
    when(at(st).land(need.lnot().lor(ok)), () => step.set(st + 1));
  }
  // DONE: the record is taken; the spare block goes with it if used.
  const done = at(Step.DONE);
  (seg.ready as unknown as { set(v: Sig): void }).set(done);
  when(done, () => step.set(Step.PAYLOAD));
  when(spareValid.lnot().land(io.skb_alloc.ready), () => { spareValid.set(true); spare.set(io.skb_alloc.id); });
  when(done.land(needMeta), () => spareValid.set(false));

  // Neighbour learning: every accepted TCP frame for us.
  io.learn.valid.set(done.land(reasonOk).land(forUs));
  io.learn.ip.set(r.ip_src!);
  io.learn.mac.set(r.src_mac!);

  // SEG events queued for the RX core, per connection.
  const popSeg = io.rx_popped.valid.land(isEventKind(io.rx_popped.data, 'SEG'));
  const counts = segCounts(m, p.conns, p.segCountBits, at(Step.RX_EV).land(needRx).land(io.rx_event.ready).land(is(Route.NO_CONN).lnot()),
    r.index!, popSeg, unpackEvent('SEG', io.rx_popped.data).conn);
  const q = counts.query(io.segs_queued_query.conn);
  io.segs_queued_query.count.set(q);
  io.segs_queued_query.zero.set(q.eq(0));

  // Counters.
  const counter = (on: Sig, name: string) => {
    const c = m.reg(UInt(32), { reset: 0, name });
    when(done.land(on), () => c.set(c.add(1)));
    return c;
  };
  io.rx_bad_count.set(counter(reasonOk.lnot(), 'rx_bad'));
  io.rx_not_for_us_count.set(counter(reasonOk.land(forUs.lnot()), 'rx_not_for_us'));
  io.rx_dropped_count.set(counter(forUs.land(is(Route.DROP)), 'rx_dropped'));
  io.rx_nomem_count.set(counter(forUs.land(is(Route.NOMEM)), 'rx_nomem'));
  io.rx_too_long_count.set(counter(forUs.land(is(Route.TOO_LONG)), 'rx_too_long'));
  io.rx_fast_count.set(counter(forUs.land(is(Route.FAST_DATA)), 'rx_fast'));
  io.rx_to_firmware_count.set(counter(forUs.land(is(Route.RAW_SEG).lor(is(Route.FW_SEG))), 'rx_to_firmware'));
  return io;
}, rxDispatchDefaults);
