// The host's send requests, as Toe.hostSendBuffer / copyIn and HOST_NOTE do in the model:
//
//   tx_desc ──▶ pending-send table (slot = ring index mod sends) ──▶ HOST_SEND {req = ring index} ──▶ tx_event
//   hreq COPY_IN ──▶ look up req ──▶ DMA read of the next bytes ──nic_wr beats──▶ sq_app ──▶ tx_engine
//                                    sq_app_done {copied, nomem} ──▶ offset += copied ──▶ COPY_DONE ──▶ tx_event
//   hreq HOST_NOTE ──▶ NOTE completion (SEND_DONE also frees the request's slot) ──▶ cpl
//   after a nomem COPY_DONE: MEM_AVAILABLE once mem_ok ──▶ tx_event
//
// One host request is served at a time. The DMA writes its bytes at NIC address 0, so its nic_wr beats come
// in order from word 0, every one full but the last: they are the append stream as they are. A read that
// fails (SLVERR/DECERR) leaves a gap in the word addresses or ends short: the bytes before it are appended, the
// rest dropped, and the append is ended with an empty `last` beat; tx_engine's count is what COPY_DONE reports.
import { defineModule, input, output, Bool, UInt, cat, lit, mux, when, fsm, type Sig } from '../../dsl/index.ts';
import { TxDescPort } from '../host/ring-engine.ts';
import { CplPort } from '../host/cpl-writer.ts';
import { DmaCmd, DmaDone, NicWrite, type DmaParams } from '../host/dma-params.ts';
import { log2 } from '../host/burst.ts';
import { COMMAND_ENTRY_BITS, EVENT_ENTRY_BITS, isCommandKind, packEvent, unpackCommand } from '../lib/fw-record.ts';
import { HostNote } from '../../firmware/api.ts';
import { EventPort, HreqPort, SqAppDonePort, SqAppPort } from './ports.ts';
import { noteCompletion } from './note-cpl.ts';

/** What the send-request logic needs of host_glue's parameters. */
export type SendRequestParams = Pick<DmaParams, 'width' | 'addrBits' | 'nicAddrBits' | 'lenBits' | 'tagBits'> & { sends: number };

export const SendRequests = defineModule('host_send_requests', (m, p: SendRequestParams) => {
  const B = p.width / 8;
  const nicWordBits = p.nicAddrBits - log2(B);
  const sb = log2(p.sends);
  if (sb < 1) throw new Error('host_send_requests: sends must be a power of two >= 2');
  const io = m.io({
    tx_desc: input(TxDescPort(p)),
    hreq: input(HreqPort),
    rd_cmd: output(DmaCmd(p)),
    rd_done: input(DmaDone(p)),
    nic_wr: input(NicWrite(p, nicWordBits)),
    sq_app: output(SqAppPort(p.width)),
    sq_app_done: input(SqAppDonePort),
    tx_event: output(EventPort),
    cpl: output(CplPort),
    /** A send-queue block can be allocated now (tx_engine's / the skb pool's view): ends a nomem wait. */
    mem_ok: input(Bool),
    skb_free_count: input(UInt(16)),
    bad_hreq_count: output(UInt(32)),
    bad_copy_count: output(UInt(32)),
    dma_err_count: output(UInt(32)),
  });

  // ---- The table: the descriptor fields in a RAM, the busy bits in a register.
  const W = { index: 16, conn: 16, addr: p.addrBits, len: p.lenBits, offset: p.lenBits };
  const table = m.memory(W.index + W.conn + W.addr + W.len + W.offset, p.sends, { name: 'sendTable' });
  const busy = m.reg(UInt(p.sends), { reset: 0 });
  const packEntry = (e: { index: Sig; conn: Sig; addr: Sig; len: Sig; offset: Sig }) => cat(e.index, e.conn, e.addr, e.len, e.offset);

  const st = fsm(['IDLE', 'LOOK', 'ISSUE', 'STREAM', 'TERM', 'WAIT', 'DONE', 'NOTE'] as const, { name: 'state' });

  // ---- Request in: latch the command entry and read the slot of its req.
  const cmd = m.reg(UInt(COMMAND_ENTRY_BITS), { reset: 0 });
  const isCopy = m.reg(Bool, { reset: false });
  const inIsCopy = isCommandKind(io.hreq.data, 'COPY_IN');
  const inIsNote = isCommandKind(io.hreq.data, 'HOST_NOTE');
  const inReq = mux(inIsCopy, unpackCommand('COPY_IN', io.hreq.data).req, unpackCommand('HOST_NOTE', io.hreq.data).req);
  const take = st.is('IDLE').land(io.hreq.valid);
  io.hreq.ready.set(st.is('IDLE'));
  const rdSlot = inReq.trunc(sb);
  const raw = table.read(rdSlot, { enable: take });
  const busyAtRead = m.reg(Bool, { reset: false }); // the slot's busy bit as the RAM was read
  const badHreq = m.reg(UInt(32), { reset: 0 });
  when(take, () => {
    cmd.set(io.hreq.data);
    isCopy.set(inIsCopy);
    busyAtRead.set(busy.shr(rdSlot).bit(0));
    when(inIsCopy.lor(inIsNote), () => st.goto('LOOK')).otherwise(() => badHreq.set(badHreq.add(1)));
  });
  const copy = unpackCommand('COPY_IN', cmd);
  const note = unpackCommand('HOST_NOTE', cmd);
  const req = mux(isCopy, copy.req, note.req);
  const slot = req.trunc(sb);

  // ---- LOOK: the entry (RAM output), latched for the copy.
  let lo = 0;
  const field = (w: number) => { const s = raw.slice(lo + w - 1, lo); lo += w; return s; };
  const rOffset = field(W.offset), rLen = field(W.len), rAddr = field(W.addr), rConn = field(W.conn), rIndex = field(W.index);
  const eIndex = m.reg(UInt(16), { reset: 0 });
  const eConn = m.reg(UInt(16), { reset: 0 });
  const eAddr = m.reg(UInt(p.addrBits), { reset: 0 });
  const eLen = m.reg(UInt(p.lenBits), { reset: 0 });
  const eOffset = m.reg(UInt(p.lenBits), { reset: 0 });
  const want = m.reg(UInt(p.lenBits), { reset: 0 }); // bytes this COPY_IN moves
  const copied = m.reg(UInt(32), { reset: 0 });
  const nomem = m.reg(Bool, { reset: false });
  const badCopy = m.reg(UInt(32), { reset: 0 });
  const sameReq = busyAtRead.land(rIndex.eq(req));
  const remain = rLen.sub(rOffset);
  const wantNow = mux(copy.len.gt(remain.zext(32)), remain, copy.len.trunc(p.lenBits));
  const freeMask = m.wire(UInt(p.sends)); // SEND_DONE's slot
  freeMask.set(0);
  when(st.is('LOOK'), () => {
    eIndex.set(rIndex); eConn.set(rConn); eAddr.set(rAddr); eLen.set(rLen); eOffset.set(rOffset);
    copied.set(0);
    nomem.set(false);
    want.set(wantNow);
    when(isCopy, () => {
      const ok = sameReq.land(rConn.eq(copy.conn));
      when(ok.lnot(), () => { badCopy.set(badCopy.add(1)); st.goto('DONE'); })
        .elseWhen(wantNow.eq(0), () => st.goto('DONE'))
        .otherwise(() => st.goto('ISSUE'));
    }).otherwise(() => {
      when(note.note.eq(HostNote.SEND_DONE).land(sameReq), () => freeMask.set(lit(1, UInt(p.sends)).shl(slot)));
      st.goto('NOTE');
    });
  });

  // ---- ISSUE: one DMA read of the request's next `want` bytes, to NIC address 0.
  io.rd_cmd.valid.set(st.is('ISSUE'));
  io.rd_cmd.hostAddr.set(eAddr.add(eOffset.zext(p.addrBits)));
  io.rd_cmd.nicAddr.set(0);
  io.rd_cmd.len.set(want);
  io.rd_cmd.tag.set(0);
  const beat = m.reg(UInt(nicWordBits), { reset: 0 }); // the next word expected
  const left = m.reg(UInt(p.lenBits), { reset: 0 }); // bytes not yet appended
  const ended = m.reg(Bool, { reset: false }); // the `last` beat went out
  const broken = m.reg(Bool, { reset: false }); // a beat went missing: drop the rest
  when(st.is('ISSUE').land(io.rd_cmd.ready), () => {
    beat.set(0); left.set(want); ended.set(false); broken.set(false);
    st.goto('STREAM');
  });

  // ---- STREAM: beats to the append port in order; a gap (failed beat) stops the forwarding.
  const w = io.nic_wr;
  const streaming = st.is('STREAM');
  const forward = ended.lnot().land(broken.lnot()).land(w.addr.eq(beat));
  const lastBeat = left.le(B);
  const term = st.is('TERM');
  io.sq_app.valid.set(streaming.land(w.valid).land(forward).lor(term));
  io.sq_app.conn.set(eConn);
  io.sq_app.data.set(mux(term, lit(0, UInt(p.width)), w.data));
  io.sq_app.keep.set(mux(term, lit(0, UInt(B)), w.strb));
  io.sq_app.last.set(term.lor(lastBeat));
  w.ready.set(streaming.land(forward.lnot().lor(io.sq_app.ready)));
  when(streaming.land(w.valid), () => {
    when(forward.land(io.sq_app.ready), () => {
      beat.set(beat.add(1));
      left.set(left.sub(B));
      when(lastBeat, () => ended.set(true));
    }).elseWhen(forward.lnot().land(ended.lnot()), () => broken.set(true));
  });
  const dmaErr = m.reg(UInt(32), { reset: 0 });
  io.rd_done.ready.set(streaming);
  when(streaming.land(io.rd_done.valid), () => {
    when(io.rd_done.status.ne(0), () => dmaErr.set(dmaErr.add(1)));
    when(ended, () => st.goto('WAIT')).otherwise(() => st.goto('TERM')); // short: end the append empty
  });
  when(term.land(io.sq_app.ready), () => st.goto('WAIT'));

  // ---- WAIT: tx_engine's count; the request's offset moves on by it (never past what was asked).
  const waiting = st.is('WAIT');
  io.sq_app_done.ready.set(waiting);
  const got = io.sq_app_done.copied;
  const gotClamped = mux(got.gt(want.zext(32)), want.zext(32), got);
  const update = waiting.land(io.sq_app_done.valid);
  when(update, () => {
    copied.set(gotClamped);
    nomem.set(io.sq_app_done.nomem);
    st.goto('DONE');
  });

  // ---- Events: COPY_DONE, then MEM_AVAILABLE, then HOST_SEND, through one output register.
  const evValid = m.reg(Bool, { reset: false });
  const evData = m.reg(UInt(EVENT_ENTRY_BITS), { reset: 0 });
  const evRoom = evValid.lnot().lor(io.tx_event.ready);
  const memWaiter = m.reg(Bool, { reset: false });
  const done = st.is('DONE');
  const loadDone = done.land(evRoom);
  const memWake = memWaiter.land(io.mem_ok);
  const loadMem = memWake.land(done.lnot()).land(evRoom);
  const d = io.tx_desc;
  const dSlot = d.index.trunc(sb);
  const slotFree = busy.shr(dSlot).bit(0).lnot();
  const insertOk = st.is('LOOK').lor(waiting).lnot(); // the RAM's one write port is the FSM's then
  const sendRoom = slotFree.land(insertOk).land(evRoom).land(done.lnot()).land(memWake.lnot());
  d.ready.set(d.abort.lor(sendRoom)); // a bad descriptor was answered by the ring engine: dropped
  const insert = d.valid.land(d.abort.lnot()).land(sendRoom);
  when(io.tx_event.ready, () => evValid.set(false));
  when(loadDone, () => {
    evValid.set(true);
    evData.set(packEvent('COPY_DONE', { conn: copy.conn, req: copy.req, copied, nomem }));
    when(nomem, () => memWaiter.set(true));
    st.goto('IDLE');
  }).elseWhen(loadMem, () => {
    evValid.set(true);
    evData.set(packEvent('MEM_AVAILABLE', { free_blocks: io.skb_free_count }));
    memWaiter.set(false);
  }).elseWhen(insert, () => {
    evValid.set(true);
    evData.set(packEvent('HOST_SEND', { req: d.index, conn: d.conn, len: d.len }));
  });
  io.tx_event.valid.set(evValid);
  io.tx_event.data.set(evData);

  // ---- The table's one write port: a new request, or a copy's new offset.
  const setMask = mux(insert, lit(1, UInt(p.sends)).shl(dSlot), lit(0, UInt(p.sends)));
  busy.set(busy.or(setMask).and(freeMask.not()));
  const newOffset = eOffset.add(gotClamped.trunc(p.lenBits));
  table.write(mux(update, slot, dSlot), mux(update,
    packEntry({ index: eIndex, conn: eConn, addr: eAddr, len: eLen, offset: newOffset }),
    packEntry({ index: d.index, conn: d.conn, addr: d.addr, len: d.len, offset: lit(0, UInt(p.lenBits)) })), { enable: update.lor(insert) });

  // ---- NOTE: the firmware's HOST_NOTE as a completion.
  const n = noteCompletion(note);
  io.cpl.valid.set(st.is('NOTE'));
  for (const [k, v] of Object.entries(n)) (io.cpl as unknown as Record<string, { set(v: Sig): void }>)[k]!.set(v);
  when(st.is('NOTE').land(io.cpl.ready), () => st.goto('IDLE'));

  io.bad_hreq_count.set(badHreq);
  io.bad_copy_count.set(badCopy);
  io.dma_err_count.set(dmaErr);
  return io;
});
