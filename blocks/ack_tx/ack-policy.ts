// When to ACK: per-connection delayed-ACK state for N connections, fed by RX-path events; emits ACK/RST requests.
import { defineModule, input, output, Bool, UInt, Struct, Vec, lit, mux, when, clog2, type Sig } from '../../dsl/index.ts';
import {
  AckEventKind as Ev, AckKind, Handshake, MAX_SACK_BLOCKS, SackBlock, ackEventFields, ackRequestFields, connFields, sackSetFieldsFor,
} from './types.ts';
import { assign, fieldBits, pack, pick, select, unpack, type Bundle } from './bundle.ts';

export interface AckPolicyParams {
  /** Connections tracked (ids 0 .. conns-1). */
  conns: number;
}

/** The SACK blocks a connection's ACKs carry (what the request and the event call them). */
const sackFields = { sack_count: UInt(3), sack: Vec(SackBlock, MAX_SACK_BLOCKS) };

/**
 * A table entry: the connection's latest fields (from its last event), its SACK blocks (from SACK_SET or its
 * last OUT_OF_ORDER event) and its delayed-ACK timer state.
 */
const entryFields = {
  ...connFields,
  ...sackFields,
  /** Cycle count when the oldest unacknowledged in-order segment arrived. */
  since: UInt(32),
  /** In-order bytes not yet acknowledged (saturating). */
  unacked: UInt(17),
};

/**
 * A TX-path report: the segment just sent for `conn` carried ACK = `ack`, and SND.NXT is now `snd_nxt`.
 * Every segment with ACK set that the TX path sends should be reported.
 */
export const txAckedFieldsFor = (connBits: number) => ({ conn: UInt(connBits), ack: UInt(32), snd_nxt: UInt(32) });

const OP_EVENT = 0, OP_TX_ACKED = 1, OP_SWEEP = 2, OP_SACK_SET = 3;
/** Cycles the sweep may wait for a slot before it takes one from the event ports. */
const SWEEP_PATIENCE = 3;

/** a >= b in sequence space (RFC 9293 §3.4: the signed difference). */
const seqGe = (a: Sig, b: Sig) => a.sub(b).bit(31).lnot();

/**
 * A two-stage read-modify-write pipeline over one table (a memory of `conns` entries, one read and one
 * write port) plus an ack-pending bit vector in flip-flops (as in Beehive), one operation per cycle:
 *  - an event from the RX path (`ev`), a TX-path report that a segment carrying ACK = `ack` left
 *    (`tx_acked`: clears the pending ACK it covers, and refreshes the stored SND.NXT), or a sweep step;
 *  - the sweep walks the connections round-robin, one per cycle, skipping those with no ACK pending; a
 *    pending one takes an operation slot (events first, but never more than SWEEP_PATIENCE cycles of
 *    waiting) and sends its ACK once `delack_timeout` cycles have passed since the oldest unacknowledged
 *    segment. So a delayed ACK leaves between delack_timeout and about delack_timeout + conns cycles.
 *  - a SACK_SET from the firmware (`sack_set`: count 0..4 blocks, stored in place of the connection's;
 *    a count above 4 is refused, counted in `sack_set_refused`, and changes nothing).
 * Ports in priority order when several are valid: the sweep once it has waited, tx_acked, sack_set, ev (so a
 * sack_set and an event offered in the same cycle apply in that order).
 * Stage 0 reads the entry; stage 1 decides, writes it back and may load the request register. An
 * entry written in stage 1 while stage 0 reads it is forwarded. A full request register stalls both stages.
 *
 * Events (AckEventKind): IN_ORDER adds seg_len to the unacknowledged bytes and ACKs at once when they reach
 * 2 * mss (RFC 5681 §4.2, RFC 1122 §4.2.3.2), else starts the timer; FILLS_GAP, OUT_OF_ORDER, DUPLICATE,
 * FIN and ACK_NOW ACK at once; CHALLENGE ACKs at once unless rate-limited
 * (RFC 5961 §7): in each window of `chal_interval` cycles at most one per connection and at most
 * `chal_limit` in all; RST_NEEDED sends a reset built from seg_* (none if that segment is itself a RST)
 * and touches no entry. Every ACK sent for
 * a connection clears its pending state. Every event but RST_NEEDED stores its connection fields, which a
 * timer-driven ACK is built from.
 * SACK: every ACK (immediate, threshold, timer, challenge; not a RST) carries the connection's stored blocks,
 * except that an event with sack_count > 0 sends its own blocks on its ACK (a one-shot): one block (a D-SACK)
 * goes ahead of the stored ones (at most 4 in all), more replace them; OUT_OF_ORDER also stores its blocks
 * (count 0 included) as the connection's.
 */
export const AckPolicy = defineModule('ack_policy', (m, p: AckPolicyParams) => {
  const N = p.conns;
  if (!Number.isInteger(N) || N < 2 || (N & (N - 1)) !== 0) throw new Error(`ack_policy: conns must be a power of two >= 2, got ${N}`);
  const cb = clog2(N);
  const eventFields = ackEventFields(cb);
  const txAckedFields = txAckedFieldsFor(cb);
  const sackSetFields = sackSetFieldsFor(cb);
  const io = m.io({
    ev: input(Handshake(eventFields)),
    tx_acked: input(Handshake(txAckedFields)),
    sack_set: input(Handshake(sackSetFields)),
    delack_timeout: input(UInt(32)),
    chal_interval: input(UInt(32)),
    chal_limit: input(UInt(16)),
    req: output(Handshake(ackRequestFields)),
    /** Bit i: connection i owes an ACK. */
    ack_pending: output(UInt(N)),
    acks_timer: output(UInt(32)),
    acks_threshold: output(UInt(32)),
    acks_immediate: output(UInt(32)),
    challenges_sent: output(UInt(32)),
    challenges_limited: output(UInt(32)),
    resets: output(UInt(32)),
    sack_set_refused: output(UInt(32)),
  });
  const now = m.reg(UInt(32), { reset: 0 });
  now.set(now.add(1));

  const entryBits = fieldBits(entryFields);
  const table = m.memory(entryBits, N);
  const pending = m.reg(UInt(N), { reset: 0 });
  const chalSeen = m.reg(UInt(N), { reset: 0 }); // bit i: connection i had its challenge ACK in this window
  // Bit i: connection i's stored SACK blocks are valid (count > 0). The table is not cleared by reset; these are.
  const sackHeld = m.reg(UInt(N), { reset: 0 });
  const oneHot = (i: Sig) => lit(1, UInt(N)).shl(i);

  // ---- stage 0: pick an operation
  const sweepPtr = m.reg(UInt(cb), { reset: 0 });
  const sweepWait = m.reg(UInt(2), { reset: 0 });
  const sweepWants = pending.bit(sweepPtr);
  const anyPort = io.tx_acked.valid.lor(io.sack_set.valid).lor(io.ev.valid);
  const sweepFirst = sweepWants.land(sweepWait.eq(SWEEP_PATIENCE).lor(anyPort.lnot()));
  const takeTx = sweepFirst.lnot().land(io.tx_acked.valid);
  const takeSack = sweepFirst.lnot().land(io.tx_acked.valid.lnot()).land(io.sack_set.valid);
  const takeEv = sweepFirst.lnot().land(io.tx_acked.valid.lnot()).land(io.sack_set.valid.lnot()).land(io.ev.valid);
  const s0Valid = sweepFirst.lor(anyPort);
  const op = (code: number) => lit(code, UInt(2));
  const s0Op = mux(sweepFirst, op(OP_SWEEP), mux(takeTx, op(OP_TX_ACKED), mux(takeSack, op(OP_SACK_SET), op(OP_EVENT))));
  const s0Conn = mux(sweepFirst, sweepPtr, mux(takeTx, io.tx_acked.conn, mux(takeSack, io.sack_set.conn, io.ev.conn)));
  // A SACK_SET rides in the event register's SACK fields (the two never share a stage-1 slot).
  const ss = io.sack_set;
  const sackSetValue = {
    sack_count: ss.count,
    sack: [[ss.left0, ss.right0], [ss.left1, ss.right1], [ss.left2, ss.right2], [ss.left3, ss.right3]].map(([left, right]) => ({ left, right })),
  } as unknown as Bundle;
  const s0Sack = select(takeSack, sackSetValue, pick(io.ev as Record<string, unknown>, sackFields) as Bundle);

  // ---- stage 1 registers
  const s1Valid = m.reg(Bool, { reset: false });
  const s1Op = m.reg(UInt(2));
  const s1Conn = m.reg(UInt(cb));
  const s1TxAck = m.reg(UInt(32));
  const s1TxSndNxt = m.reg(UInt(32));
  const s1Event = m.reg(Struct(eventFields)) as unknown as Record<string, Bundle>;
  const s1Forward = m.reg(Bool, { reset: false });
  const forwarded = m.reg(UInt(entryBits));

  const outValid = m.reg(Bool, { reset: false });
  const outReq = m.reg(Struct(ackRequestFields)) as unknown as Record<string, Bundle>;
  const outFree = outValid.lnot().lor(io.req.ready);

  // ---- stage 1: decide
  const readEnable = m.wire(Bool); // = advance: a stalled stage 1 keeps its read data
  const stored = table.read(s0Conn, { enable: readEnable });
  const current = mux(s1Forward, forwarded, stored);
  const entry = unpack(entryFields, current, 'entry') as Record<string, Sig>;
  const ev = s1Event as Record<string, Sig>;
  const wasPending = pending.bit(s1Conn);
  const isEvent = s1Op.eq(OP_EVENT), isTxAcked = s1Op.eq(OP_TX_ACKED), isSweep = s1Op.eq(OP_SWEEP), isSackSet = s1Op.eq(OP_SACK_SET);
  const kind = ev.event!;

  const unackedBefore = mux(wasPending, entry.unacked!, lit(0, UInt(17)));
  const unackedSum = unackedBefore.addWide(ev.seg_len!.zext(17));
  const unackedNow = mux(unackedSum.bit(17), lit(0x1ffff, UInt(17)), unackedSum.slice(16, 0));
  const thresholdHit = unackedNow.zext(18).ge(ev.mss!.zext(18).shl(1));
  const inOrder = kind.eq(Ev.IN_ORDER);
  const dataArrived = ev.seg_len!.orR();

  const globalWindowStart = m.reg(UInt(32), { reset: 0 });
  const globalCount = m.reg(UInt(16), { reset: 0 });
  const windowOver = now.sub(globalWindowStart).ge(io.chal_interval);
  const connChalOk = chalSeen.bit(s1Conn).lnot().lor(windowOver);
  const globalChalOk = globalCount.lt(io.chal_limit).lor(windowOver.land(io.chal_limit.orR()));
  const isChallenge = kind.eq(Ev.CHALLENGE);
  const challengeSent = isChallenge.land(connChalOk).land(globalChalOk);
  const isReset = kind.eq(Ev.RST_NEEDED);
  // Never a reset in reply to a reset (RFC 9293 §3.10.7.1).
  const resetSent = isReset.land(ev.seg_flags!.bit(2).lnot());
  const ackAtOnce = kind.eq(Ev.FILLS_GAP).lor(kind.eq(Ev.OUT_OF_ORDER)).lor(kind.eq(Ev.DUPLICATE))
    .lor(kind.eq(Ev.FIN)).lor(kind.eq(Ev.ACK_NOW));
  const thresholdAck = inOrder.land(dataArrived).land(thresholdHit);
  const eventAcks = ackAtOnce.lor(challengeSent).lor(thresholdAck);

  const expired = wasPending.land(now.sub(entry.since!).ge(io.delack_timeout));
  const txCovers = wasPending.land(seqGe(s1TxAck, entry.rcv_nxt!));

  const sendAck = isEvent.land(eventAcks).lor(isSweep.land(expired));
  const emit = s1Valid.land(sendAck.lor(isEvent.land(resetSent)));
  const advance = emit.lnot().lor(outFree);
  const commit = s1Valid.land(advance);
  const writes = isEvent.land(isReset).lnot();

  // The entry and pending bit after this operation.
  const clears = sendAck.lor(isTxAcked.land(txCovers));
  const pendingAfter = mux(clears, lit(0, Bool), mux(isEvent.land(inOrder), wasPending.lor(dataArrived), wasPending));
  // A TX report refreshes SND.NXT (so a later timer ACK carries the current one); an event's fields replace all.
  const txNewer = isTxAcked.land(seqGe(s1TxSndNxt, entry.snd_nxt!)).land(s1TxSndNxt.ne(entry.snd_nxt!));
  const keptFields = { ...pick(entry, connFields), snd_nxt: mux(txNewer, s1TxSndNxt, entry.snd_nxt!) };
  // SACK blocks: a SACK_SET (count 0..4) or an OUT_OF_ORDER event replaces the stored ones.
  const sackSetOk = ev.sack_count!.le(MAX_SACK_BLOCKS);
  const storesSack = isSackSet.land(sackSetOk).lor(isEvent.land(kind.eq(Ev.OUT_OF_ORDER)));
  const storedSack = { sack_count: mux(sackHeld.bit(s1Conn), entry.sack_count!, lit(0, UInt(3))), sack: entry.sack! };
  const sackAfter = select(storesSack, pick(ev, sackFields) as Bundle, storedSack as Bundle) as Record<string, Bundle>;
  const newEntry: Record<string, Bundle> = {
    ...(select(isEvent, pick(ev, connFields) as Bundle, keptFields as Bundle) as Record<string, Bundle>),
    ...sackAfter,
    since: mux(isEvent.land(inOrder).land(wasPending.lnot()), now, entry.since!),
    unacked: mux(clears, lit(0, UInt(17)), mux(isEvent.land(inOrder), unackedNow, entry.unacked!)),
  };
  const newEntryBits = pack(newEntry as Bundle).named('newEntryBits');

  // The request: from the event, or from the stored fields for a timer-driven ACK. SACK blocks: the stored ones
  // (as this operation leaves them), or an event's own when it has any.
  const oneShotSack = isEvent.land(ev.sack_count!.orR());
  // A single one-shot block (a D-SACK, RFC 2883 §4) goes first, followed by the connection's stored blocks, as
  // the TOE model's sackOption builds it; more one-shot blocks replace the stored ones.
  const dsackFirst = oneShotSack.land(ev.sack_count!.eq(1)).land(kind.ne(Ev.OUT_OF_ORDER));
  const after = sackAfter as unknown as { sack_count: Sig; sack: Bundle[] };
  const evSack = ev.sack as unknown as Bundle[];
  const withDsack = {
    sack_count: mux(after.sack_count.ge(MAX_SACK_BLOCKS - 1), lit(MAX_SACK_BLOCKS, UInt(3)), after.sack_count.add(1)),
    sack: [evSack[0]!, ...after.sack.slice(0, MAX_SACK_BLOCKS - 1)],
  };
  const oneShot = select(dsackFirst, withDsack as unknown as Bundle, pick(ev, sackFields) as Bundle);
  const request: Record<string, Bundle> = {
    kind: mux(isEvent.land(isReset), lit(AckKind.RST, UInt(1)), lit(AckKind.ACK, UInt(1))),
    ...(select(isSweep, pick(entry, connFields) as Bundle, pick(ev, connFields) as Bundle) as Record<string, Bundle>),
    ...(select(oneShotSack, oneShot, sackAfter as Bundle) as Record<string, Bundle>),
    seg_seq: ev.seg_seq!, seg_ack: ev.seg_ack!, seg_len: ev.seg_len!, seg_flags: ev.seg_flags!,
  };

  // ---- state updates
  table.write(s1Conn, newEntryBits, { enable: commit.land(writes) });
  readEnable.set(advance);
  when(commit, () => {
    pending.set(mux(pendingAfter, pending.or(oneHot(s1Conn)), pending.and(oneHot(s1Conn).not())));
    when(storesSack, () => sackHeld.set(mux(ev.sack_count!.orR(), sackHeld.or(oneHot(s1Conn)), sackHeld.and(oneHot(s1Conn).not()))));
  });
  when(advance, () => {
    s1Valid.set(s0Valid);
    s1Op.set(s0Op);
    s1Conn.set(s0Conn);
    s1TxAck.set(io.tx_acked.ack);
    s1TxSndNxt.set(io.tx_acked.snd_nxt);
    assign(s1Event as Bundle, { ...pick(io.ev as Record<string, unknown>, eventFields), ...(s0Sack as Record<string, Bundle>) } as Bundle);
    s1Forward.set(commit.land(writes).land(s0Conn.eq(s1Conn)));
    forwarded.set(newEntryBits);
  });
  when(outFree, () => outValid.set(false));
  when(commit.land(emit), () => {
    outValid.set(true);
    assign(outReq as Bundle, request as Bundle);
  });

  // The sweep pointer moves past connections with nothing pending, and past a pending one once served.
  const nextPtr = N === 1 << cb ? sweepPtr.add(1) : mux(sweepPtr.eq(N - 1), lit(0, UInt(cb)), sweepPtr.add(1));
  when(sweepWants.lnot().lor(sweepFirst.land(advance)), () => {
    sweepPtr.set(nextPtr);
    sweepWait.set(0);
  }).otherwise(() => {
    when(sweepWait.ne(SWEEP_PATIENCE), () => sweepWait.set(sweepWait.add(1)));
  });

  // Challenge-ACK windows of chal_interval cycles: a new window forgets who had one and how many went out.
  const challengeCommitted = commit.land(isEvent).land(challengeSent);
  const chalSeenNow = mux(windowOver, lit(0, UInt(N)), chalSeen);
  chalSeen.set(mux(challengeCommitted, chalSeenNow.or(oneHot(s1Conn)), chalSeenNow));
  when(windowOver, () => {
    globalWindowStart.set(now);
    globalCount.set(0);
  });
  when(challengeCommitted, () => globalCount.set(mux(windowOver, lit(1, UInt(16)), globalCount.add(1))));

  const counter = (name: string) => m.reg(UInt(32), { reset: 0, name });
  const acksTimer = counter('acksTimer'), acksThreshold = counter('acksThreshold'), acksImmediate = counter('acksImmediate');
  const challengesSent = counter('challengesSent'), challengesLimited = counter('challengesLimited'), resets = counter('resetsSent');
  const sackSetRefused = counter('sackSetRefused');
  when(commit, () => {
    when(isSweep.land(expired), () => acksTimer.set(acksTimer.add(1)));
    when(isSackSet.land(sackSetOk.lnot()), () => sackSetRefused.set(sackSetRefused.add(1)));
    when(isEvent, () => {
      when(thresholdAck, () => acksThreshold.set(acksThreshold.add(1)));
      when(ackAtOnce.lor(challengeSent), () => acksImmediate.set(acksImmediate.add(1)));
      when(challengeSent, () => challengesSent.set(challengesSent.add(1)));
      when(isChallenge.land(challengeSent.lnot()), () => challengesLimited.set(challengesLimited.add(1)));
      when(resetSent, () => resets.set(resets.add(1)));
    });
  });

  io.ev.ready.set(advance.land(takeEv));
  io.tx_acked.ready.set(advance.land(takeTx));
  io.sack_set.ready.set(advance.land(takeSack));
  io.req.valid.set(outValid);
  assign(pick(io.req as Record<string, unknown>, ackRequestFields) as Bundle, outReq as Bundle);
  io.ack_pending.set(pending);
  io.acks_timer.set(acksTimer);
  io.acks_threshold.set(acksThreshold);
  io.acks_immediate.set(acksImmediate);
  io.challenges_sent.set(challengesSent);
  io.challenges_limited.set(challengesLimited);
  io.resets.set(resets);
  io.sack_set_refused.set(sackSetRefused);
  return io;
}, { conns: 64 } as AckPolicyParams);
