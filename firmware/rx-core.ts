// The RX core: connection management (RFC 9293 §3.10) and the receive side the hardware does not do itself —
// handshakes and option negotiation, FIN and RST handling in every state, out-of-order data held and released in
// order, window updates, TIME-WAIT. The hot path (in-order data on an ESTABLISHED connection with nothing held
// out of order) never reaches this core: the hardware delivers and ACKs it (RxMode.FAST).
import {
  AckMode, CloseReason, command, Flag, HostNote, HostStatus, Mail, NO_SKB, RxMode, TcbField, TimerId, Verdict,
  type EventOf, type FwEvent,
} from './api.ts';
import type { CoreContext, FirmwareCore } from './context.ts';
import type { FwConfig } from './config.ts';
import { ConnTable, State, type FwConn, type SeqBlock } from './conn.ts';
import { initialWindow } from './newreno.ts';
import { rttSample } from './rtt.ts';
import { dsackRange, sackRecord, sackSync, sackTrim } from './sack-rx.ts';
import { seqAdd, seqGeq, seqGt, seqLeq, seqLt, seqMax } from './seq.ts';
import { cancelTimer, negotiate, programSynSent, programTcb, sendSyn, setTimer, tcbWrite } from './tcb.ts';
import type { CostTable } from './costs.ts';

export interface RxCoreStats {
  passiveOpens: number; activeOpens: number; resetsSent: number; resetsReceived: number;
  oooHeld: number; oooDropped: number; synDropped: number; timeWaitExpired: number;
}

export class RxCore implements FirmwareCore {
  readonly name = 'rx';
  private readonly listeners = new Set<number>();
  private nextEphemeral: number;
  readonly stats: RxCoreStats = {
    passiveOpens: 0, activeOpens: 0, resetsSent: 0, resetsReceived: 0, oooHeld: 0, oooDropped: 0, synDropped: 0, timeWaitExpired: 0,
  };

  constructor(private readonly conns: ConnTable, private readonly cfg: FwConfig, private readonly costs: CostTable) {
    this.nextEphemeral = cfg.ephemeralBase;
  }

  handle(ev: FwEvent, ctx: CoreContext): void {
    switch (ev.kind) {
      case 'SEG_NOCONN': return this.onNoConn(ev, ctx);
      case 'SEG': return this.onSegment(ev, ctx);
      case 'WND_OPEN': return this.onWindowOpen(ev, ctx);
      case 'TIMER': return this.onTimer(ev, ctx);
      case 'MAIL': return this.onMail(ev, ctx);
      case 'HOST_LISTEN':
        this.listeners.add(ev.local_port);
        return this.note(ctx, HostNote.LISTEN_DONE, { req: ev.req, local_port: ev.local_port });
      case 'HOST_UNLISTEN':
        this.listeners.delete(ev.local_port);
        return this.note(ctx, HostNote.UNLISTEN_DONE, { req: ev.req, local_port: ev.local_port });
      case 'HOST_CONNECT': return this.onConnect(ev, ctx);
      case 'HOST_CLOSE': return this.onClose(ev, ctx);
      case 'HOST_ABORT': return this.onAbort(ev, ctx);
      default: throw new Error(`rx core: event ${ev.kind} belongs to the TX core`);
    }
  }

  // ---- segments for no connection: SYN to a listener, or answer with RST (RFC 9293 §3.10.7.1) ----

  private onNoConn(ev: EventOf<'SEG_NOCONN'>, ctx: CoreContext): void {
    if (ev.flags & Flag.RST) return; // never answer a RST
    // RFC 9293 §3.10.7.2, LISTEN: a segment with neither SYN nor ACK (nor RST) is dropped, not reset.
    if (!(ev.flags & (Flag.SYN | Flag.ACK)) && this.listeners.has(ev.local_port)) return;
    if ((ev.flags & (Flag.SYN | Flag.ACK)) === Flag.SYN && this.listeners.has(ev.local_port)) {
      if (this.passiveOpen(ev, ctx)) return;
      this.stats.synDropped++;
      return; // table full: drop the SYN, the peer retries
    }
    this.resetFor(ctx, ev);
  }

  private resetFor(ctx: CoreContext, ev: { remote_ip: number; remote_port: number; local_port: number; seq: number; ack: number; flags: number; len: number }): void {
    this.stats.resetsSent++;
    if (ev.flags & Flag.ACK) {
      ctx.issue(command('TX_RST', { remote_ip: ev.remote_ip, remote_port: ev.remote_port, local_port: ev.local_port, seq: ev.ack, flags: Flag.RST }));
    } else {
      const segLen = ev.len + (ev.flags & Flag.SYN ? 1 : 0) + (ev.flags & Flag.FIN ? 1 : 0);
      ctx.issue(command('TX_RST', {
        remote_ip: ev.remote_ip, remote_port: ev.remote_port, local_port: ev.local_port,
        seq: 0, ack: seqAdd(ev.seq, segLen), flags: Flag.RST | Flag.ACK,
      }));
    }
  }

  private passiveOpen(ev: EventOf<'SEG_NOCONN'>, ctx: CoreContext): boolean {
    const c = this.conns.alloc();
    if (!c) return false;
    this.stats.passiveOpens++;
    c.passive = true;
    c.state = State.SYN_RECEIVED;
    c.remoteIp = ev.remote_ip; c.remotePort = ev.remote_port; c.localPort = ev.local_port;
    negotiate(c, ev, this.cfg);
    c.irs = ev.seq;
    c.rcvNxt = seqAdd(ev.seq, 1);
    this.initSendSide(c, ctx);
    c.sndWnd = ev.wnd; // a SYN's window is never scaled (RFC 7323 §2.2)
    c.maxSndWnd = ev.wnd;
    ctx.issue(command('CONN_INSERT', { conn: c.id, remote_ip: c.remoteIp, remote_port: c.remotePort, local_port: c.localPort }));
    tcbWrite(ctx, c, TcbField.SQ_BASE, seqAdd(c.iss, 1));
    programTcb(ctx, c, this.cfg, RxMode.FIRMWARE, ev.seq, c.iss);
    sendSyn(ctx, c, this.cfg);
    return true;
  }

  /** Send-side fields, set before the TX core ever sees the connection. */
  private initSendSide(c: FwConn, ctx: CoreContext): void {
    c.iss = this.cfg.iss(ctx.now(), c.id) >>> 0;
    c.sndUna = c.iss;
    c.sndNxt = c.sndMax = c.queuedEnd = seqAdd(c.iss, 1);
    c.recover = c.iss;
    c.rto = this.cfg.initialRtoUs;
    c.rttActive = true; c.rttSeq = seqAdd(c.iss, 1); c.rttStartUs = ctx.now(); // time the SYN (Karn: not if resent)
  }

  // ---- host commands ----

  private onConnect(ev: EventOf<'HOST_CONNECT'>, ctx: CoreContext): void {
    const c = this.conns.alloc();
    if (!c) return this.note(ctx, HostNote.CONNECT_DONE, { req: ev.req, status: CloseReason.REFUSED, remote_ip: ev.remote_ip, remote_port: ev.remote_port });
    this.stats.activeOpens++;
    c.state = State.SYN_SENT;
    c.hostKnows = true;
    c.connectReq = ev.req;
    c.remoteIp = ev.remote_ip; c.remotePort = ev.remote_port;
    c.localPort = ev.local_port || this.ephemeralPort();
    c.rcvWscale = this.cfg.wscale >= 0 ? this.cfg.wscale : 0;
    this.initSendSide(c, ctx);
    ctx.issue(command('CONN_INSERT', { conn: c.id, remote_ip: c.remoteIp, remote_port: c.remotePort, local_port: c.localPort }));
    programSynSent(ctx, c, this.cfg);
    sendSyn(ctx, c, this.cfg);
  }

  private ephemeralPort(): number {
    const span = 0x10000 - this.cfg.ephemeralBase;
    const p = this.nextEphemeral;
    this.nextEphemeral = this.cfg.ephemeralBase + ((p + 1 - this.cfg.ephemeralBase) % span);
    return p;
  }

  private onClose(ev: EventOf<'HOST_CLOSE'>, ctx: CoreContext): void {
    const c = this.conns.get(ev.conn);
    const done = (status: number) => this.note(ctx, HostNote.CLOSE_DONE, { req: ev.req, conn: ev.conn, status });
    if (!c || c.state === State.CLOSED) return done(HostStatus.ERROR);
    switch (c.state) {
      case State.SYN_SENT:
      case State.SYN_RECEIVED:
        done(HostStatus.OK);
        return this.teardown(c, ctx, CloseReason.ABORTED, false);
      case State.ESTABLISHED:
        c.state = State.FIN_WAIT_1;
        break;
      case State.CLOSE_WAIT:
        c.state = State.LAST_ACK;
        break;
      default:
        return done(HostStatus.ERROR); // already closing
    }
    tcbWrite(ctx, c, TcbField.RX_MODE, RxMode.FIRMWARE); // to see the ACK of our FIN
    ctx.issue(command('MAIL', { conn: c.id, msg: Mail.FIN_REQUESTED }));
    done(HostStatus.OK);
  }

  private onAbort(ev: EventOf<'HOST_ABORT'>, ctx: CoreContext): void {
    const c = this.conns.get(ev.conn);
    if (!c || c.state === State.CLOSED) return this.note(ctx, HostNote.CLOSE_DONE, { req: ev.req, conn: ev.conn, status: HostStatus.ERROR });
    if (c.state !== State.SYN_SENT) this.sendRst(c, ctx);
    this.note(ctx, HostNote.CLOSE_DONE, { req: ev.req, conn: ev.conn, status: HostStatus.OK });
    this.teardown(c, ctx, CloseReason.ABORTED, false);
  }

  // ---- segments of a connection ----

  private onSegment(ev: EventOf<'SEG'>, ctx: CoreContext): void {
    const c = this.conns.get(ev.conn);
    if (!c || c.state === State.CLOSED) return this.freeSkb(ctx, ev.skb);
    if (c.state === State.SYN_SENT) return this.onSynSentSegment(c, ev, ctx);
    c.rcvNxt = seqMax(c.rcvNxt, ev.rcv_nxt);

    // The ACK of our FIN, whatever else the segment brings (the hardware applied its ACK field already).
    if (ev.ack_ok && c.finSent && !c.finAcked && seqGeq(ev.ack, seqAdd(c.finSeq, 1))) {
      c.finAcked = true;
      if (c.state === State.LAST_ACK) { this.freeSkb(ctx, ev.skb); return this.teardown(c, ctx, CloseReason.NORMAL, false); }
      if (c.state === State.CLOSING) this.enterTimeWait(c, ctx);
      else if (c.state === State.FIN_WAIT_1) c.state = State.FIN_WAIT_2;
    }

    switch (ev.verdict) {
      case Verdict.DROP:
        return this.freeSkb(ctx, ev.skb);
      case Verdict.RESET:
        this.freeSkb(ctx, ev.skb);
        return this.onReset(c, ctx);
      case Verdict.CHALLENGE_ACK:
        this.freeSkb(ctx, ev.skb);
        // Our SYN-ACK was lost and the peer resends its SYN: answer with the SYN-ACK again.
        if (c.state === State.SYN_RECEIVED && (ev.flags & (Flag.SYN | Flag.ACK | Flag.RST)) === Flag.SYN && ev.seq === c.irs) {
          return sendSyn(ctx, c, this.cfg);
        }
        return this.ack(ctx, c, AckMode.CHALLENGE);
      case Verdict.DUPLICATE:
      case Verdict.SEND_ACK:
        this.freeSkb(ctx, ev.skb);
        if (c.state === State.SYN_RECEIVED && (ev.flags & Flag.ACK) && ev.ack_unsent) return this.resetSeg(c, ctx, ev.ack);
        if (c.state === State.TIME_WAIT && (ev.flags & Flag.FIN)) setTimer(ctx, c, TimerId.TIME_WAIT, this.cfg.timeWaitUs);
        return this.ack(ctx, c, AckMode.NOW, this.dsackFor(c, ev));
      case Verdict.IN_ORDER:
      case Verdict.OUT_OF_ORDER:
        return this.onAcceptable(c, ev, ctx);
      default:
        return this.freeSkb(ctx, ev.skb);
    }
  }

  private onAcceptable(c: FwConn, ev: EventOf<'SEG'>, ctx: CoreContext): void {
    if (c.state === State.SYN_RECEIVED) {
      // RFC 9293: in SYN-RECEIVED the ACK must acknowledge our SYN, else answer with a RST.
      if (!ev.ack_ok || !seqGeq(ev.ack, seqAdd(c.iss, 1))) { this.freeSkb(ctx, ev.skb); return this.resetSeg(c, ctx, ev.ack); }
      this.establish(c, ctx);
    }
    const receiving = c.state === State.ESTABLISHED || c.state === State.FIN_WAIT_1 || c.state === State.FIN_WAIT_2;
    if (!receiving) {
      // The peer already sent its FIN: anything new is bogus. ACK it (RFC 9293 "ignore the segment text").
      this.freeSkb(ctx, ev.skb);
      if (ev.accept_len > 0 || ev.fin) this.ack(ctx, c, AckMode.NOW);
      return;
    }
    // A pure ACK whose SEQ lies beyond a gap in what we received carries nothing to hold: answering it with an
    // ACK would start an ACK storm with a peer that has a gap too.
    const hadGap = c.ooo.length > 0;
    const stateBefore = c.state;
    const dsack = this.dsackFor(c, ev); // before this segment changes what we hold
    if (seqLeq(ev.first_seq, c.rcvNxt)) {
      this.deliver(c, ctx, ev.skb, ev.first_seq, ev.accept_len, ev.fin === 1);
      this.releaseHeld(c, ctx);
      sackTrim(c.sacks, c.rcvNxt);
      if (c.sackOk) sackSync(c, ctx);
      const finConsumed = c.state !== stateBefore && c.state !== State.FIN_WAIT_2;
      if (finConsumed || hadGap || dsack) this.ack(ctx, c, AckMode.NOW, dsack);
      else if (ev.accept_len > 0) this.ack(ctx, c, AckMode.DELAYED);
    } else if (ev.accept_len > 0 || ev.fin) {
      const e = { seq: ev.first_seq, len: ev.accept_len, skb: ev.skb, fin: ev.fin === 1 };
      // A block reports data, not the FIN (as FreeBSD does): a FIN-only segment adds no block.
      if (this.hold(c, ctx, e) && e.len > 0) sackRecord(c.sacks, e.seq, seqAdd(e.seq, e.len));
      if (c.sackOk) sackSync(c, ctx);
      this.ack(ctx, c, AckMode.NOW, dsack); // a duplicate ACK at once (RFC 5681 §4.2)
    }
    // Back to the hardware fast path when nothing is held (refused by the hardware while segments of this
    // connection still wait in our queue; the last of them asks again).
    if (c.state === State.ESTABLISHED && c.ooo.length === 0) tcbWrite(ctx, c, TcbField.RX_MODE, RxMode.FAST);
  }

  /** RFC 9293 §3.10.7.3, SYN-SENT: the hardware did not check this segment (RxMode.RAW). */
  private onSynSentSegment(c: FwConn, ev: EventOf<'SEG'>, ctx: CoreContext): void {
    this.freeSkb(ctx, ev.skb); // data on a SYN-ACK is not kept (the peer resends it)
    let ackAcceptable = false;
    if (ev.flags & Flag.ACK) {
      if (seqLeq(ev.ack, c.iss) || seqGt(ev.ack, c.sndMax)) {
        if (!(ev.flags & Flag.RST)) this.resetSeg(c, ctx, ev.ack);
        return;
      }
      ackAcceptable = true;
    }
    if (ev.flags & Flag.RST) {
      if (ackAcceptable) { this.stats.resetsReceived++; this.teardown(c, ctx, CloseReason.REFUSED, true); }
      return;
    }
    if (!(ev.flags & Flag.SYN)) return;
    c.irs = ev.seq;
    c.rcvNxt = seqAdd(ev.seq, 1);
    negotiate(c, ev, this.cfg);
    c.sndWnd = ev.wnd; // unscaled in a SYN
    c.maxSndWnd = ev.wnd;
    if (ackAcceptable) {
      c.sndUna = ev.ack;
      if (c.rttActive && c.retries === 0) rttSample(c, ctx.now() - c.rttStartUs, this.cfg);
      c.rttActive = false;
      c.retries = 0;
      cancelTimer(ctx, c, TimerId.RTO);
      c.rtoArmed = false;
      c.state = State.ESTABLISHED;
      programTcb(ctx, c, this.cfg, RxMode.FAST, ev.seq, ev.ack);
      this.ack(ctx, c, AckMode.NOW);
      this.startSending(c, ctx);
      this.note(ctx, HostNote.CONNECT_DONE, { req: c.connectReq, conn: c.id, status: HostStatus.OK });
    } else {
      // Simultaneous open: SYN-RECEIVED, answer with SYN-ACK (the RTO keeps running for it).
      c.state = State.SYN_RECEIVED;
      programTcb(ctx, c, this.cfg, RxMode.FIRMWARE, ev.seq, c.iss);
      sendSyn(ctx, c, this.cfg);
    }
  }

  private establish(c: FwConn, ctx: CoreContext): void {
    c.state = State.ESTABLISHED;
    c.sndUna = seqMax(c.sndUna, seqAdd(c.iss, 1)); // the TX core may not have seen the ACK event yet
    this.startSending(c, ctx);
    if (c.passive) {
      c.hostKnows = true;
      this.note(ctx, HostNote.ACCEPTED, { conn: c.id, local_port: c.localPort, remote_port: c.remotePort, remote_ip: c.remoteIp });
    } else {
      this.note(ctx, HostNote.CONNECT_DONE, { req: c.connectReq, conn: c.id, status: HostStatus.OK });
    }
  }

  private startSending(c: FwConn, ctx: CoreContext): void {
    c.cwnd = initialWindow(c.sndMss, this.cfg.initialWindowSegments);
    c.ssthresh = 0x7fffffff;
    ctx.issue(command('MAIL', { conn: c.id, msg: Mail.ESTABLISHED }));
  }

  // ---- receive data: in order now, out of order held ----

  /** Give [seq, seq+len) to the user (the caller checked seq <= RCV.NXT); then the FIN at its end, if any. */
  private deliver(c: FwConn, ctx: CoreContext, skb: number, seq: number, len: number, fin: boolean): void {
    const end = seqAdd(seq, len);
    if (len > 0 || fin || skb !== NO_SKB) ctx.issue(command('DELIVER', { conn: c.id, skb, seq, len, fin: fin ? 1 : 0 }));
    if (seqGt(end, c.rcvNxt)) c.rcvNxt = end;
    if (fin && c.rcvNxt === end) {
      c.rcvNxt = seqAdd(end, 1);
      this.onFin(c, ctx);
    }
  }

  /** Hold an out-of-order segment; false when it was dropped (no room), so it must not be SACKed. */
  private hold(c: FwConn, ctx: CoreContext, e: { seq: number; len: number; skb: number; fin: boolean }): boolean {
    const end = seqAdd(e.seq, e.len);
    const covered = c.ooo.some((h) => seqLeq(h.seq, e.seq) && seqGeq(seqAdd(h.seq, h.len), end) && (h.fin || !e.fin));
    ctx.charge(this.costs.perOooEntry * c.ooo.length);
    if (covered || c.ooo.length >= this.cfg.maxOoo) {
      if (!covered) this.stats.oooDropped++;
      this.freeSkb(ctx, e.skb);
      return covered;
    }
    this.stats.oooHeld++;
    const at = c.ooo.findIndex((h) => seqGt(h.seq, e.seq));
    c.ooo.splice(at < 0 ? c.ooo.length : at, 0, e);
    return true;
  }

  /** RFC 2883: the part of this segment we already had, to report in the ACK it gets (D-SACK enabled). */
  private dsackFor(c: FwConn, ev: EventOf<'SEG'>): SeqBlock | undefined {
    if (!c.sackOk || !this.cfg.dsack || ev.len === 0) return undefined;
    return dsackRange(c.sacks, c.rcvNxt, ev.seq, seqAdd(ev.seq, ev.len));
  }

  /** Deliver held segments that RCV.NXT has reached, in sequence order. */
  private releaseHeld(c: FwConn, ctx: CoreContext): void {
    while (c.ooo.length > 0 && seqLeq(c.ooo[0]!.seq, c.rcvNxt) && this.receivingData(c)) {
      const e = c.ooo.shift()!;
      ctx.charge(this.costs.perOooEntry);
      const end = seqAdd(e.seq, e.len);
      if (seqLt(end, c.rcvNxt) || (end === c.rcvNxt && !e.fin)) this.freeSkb(ctx, e.skb); // nothing new in it
      else this.deliver(c, ctx, e.skb, e.seq, e.len, e.fin);
    }
  }

  private receivingData(c: FwConn): boolean {
    return c.state === State.ESTABLISHED || c.state === State.FIN_WAIT_1 || c.state === State.FIN_WAIT_2;
  }

  private onFin(c: FwConn, ctx: CoreContext): void {
    switch (c.state) {
      case State.ESTABLISHED: c.state = State.CLOSE_WAIT; break;
      case State.FIN_WAIT_1:
        if (c.finAcked) this.enterTimeWait(c, ctx);
        else c.state = State.CLOSING;
        break;
      case State.FIN_WAIT_2: this.enterTimeWait(c, ctx); break;
      default: break;
    }
    for (const e of c.ooo.splice(0)) this.freeSkb(ctx, e.skb); // nothing lies beyond a FIN
    c.sacks = [];
    if (c.sackOk) sackSync(c, ctx);
  }

  private enterTimeWait(c: FwConn, ctx: CoreContext): void {
    c.state = State.TIME_WAIT;
    setTimer(ctx, c, TimerId.TIME_WAIT, this.cfg.timeWaitUs);
  }

  // ---- resets, timers, mail ----

  /** RFC 9293 §3.10.7.4 with RFC 5961 §3.2: the hardware found the RST exactly at RCV.NXT. */
  private onReset(c: FwConn, ctx: CoreContext): void {
    this.stats.resetsReceived++;
    switch (c.state) {
      case State.SYN_RECEIVED:
        return this.teardown(c, ctx, c.passive ? CloseReason.RESET : CloseReason.REFUSED, !c.passive);
      case State.ESTABLISHED: case State.FIN_WAIT_1: case State.FIN_WAIT_2: case State.CLOSE_WAIT:
        return this.teardown(c, ctx, CloseReason.RESET, true);
      default:
        return this.teardown(c, ctx, CloseReason.NORMAL, false);
    }
  }

  private onTimer(ev: EventOf<'TIMER'>, ctx: CoreContext): void {
    const c = this.conns.get(ev.conn);
    if (!c || ev.timer !== TimerId.TIME_WAIT || c.state !== State.TIME_WAIT) return;
    this.stats.timeWaitExpired++;
    this.teardown(c, ctx, CloseReason.NORMAL, false);
  }

  private onMail(ev: EventOf<'MAIL'>, ctx: CoreContext): void {
    const c = this.conns.get(ev.conn);
    if (!c || c.state === State.CLOSED) return;
    if (ev.msg === Mail.TIMED_OUT) {
      if (c.state !== State.SYN_SENT) this.sendRst(c, ctx);
      this.teardown(c, ctx, CloseReason.TIMEOUT, true);
    }
  }

  private onWindowOpen(ev: EventOf<'WND_OPEN'>, ctx: CoreContext): void {
    const c = this.conns.get(ev.conn);
    if (c && c.state !== State.CLOSED && c.state !== State.SYN_SENT) this.ack(ctx, c, AckMode.NOW);
  }

  /**
   * Forget the connection: free what we hold, delete it from the hardware (which frees its queues and timers),
   * tell the host and the TX core (which frees the index once it has failed any pending sends).
   */
  private teardown(c: FwConn, ctx: CoreContext, reason: number, notifyHost: boolean): void {
    for (const e of c.ooo.splice(0)) this.freeSkb(ctx, e.skb);
    // The hardware keeps SACK blocks per connection index: clear them so a reused index starts with none.
    if (c.sackOk) ctx.issue(command('SACK_SET', { conn: c.id, count: 0 }));
    c.sacks = []; c.sacksSent = [];
    ctx.issue(command('CONN_DELETE', { conn: c.id }));
    const wasConnecting = c.state === State.SYN_SENT || (c.state === State.SYN_RECEIVED && !c.passive);
    c.state = State.CLOSED;
    if (notifyHost && wasConnecting) {
      this.note(ctx, HostNote.CONNECT_DONE, { req: c.connectReq, conn: c.id, status: reason });
    } else if (notifyHost && c.hostKnows) {
      this.note(ctx, HostNote.CONN_ERROR, { conn: c.id, status: reason });
    }
    if (c.hostKnows) this.note(ctx, HostNote.CONN_FREED, { conn: c.id, status: reason });
    ctx.issue(command('MAIL', { conn: c.id, msg: Mail.CONN_GONE, arg: reason }));
  }

  private sendRst(c: FwConn, ctx: CoreContext): void {
    this.stats.resetsSent++;
    ctx.issue(command('TX_SEG', { conn: c.id, seq: c.sndMax, len: 0, flags: Flag.RST | Flag.ACK }));
  }

  /** A RST for an unacceptable ACK on a synchronising connection: <SEQ=SEG.ACK><CTL=RST>. */
  private resetSeg(c: FwConn, ctx: CoreContext, segAck: number): void {
    this.stats.resetsSent++;
    ctx.issue(command('TX_RST', { remote_ip: c.remoteIp, remote_port: c.remotePort, local_port: c.localPort, seq: segAck, flags: Flag.RST }));
  }

  private ack(ctx: CoreContext, c: FwConn, mode: number, dsack?: SeqBlock): void {
    ctx.issue(command('TX_ACK', { conn: c.id, mode, dsack_left: dsack?.left ?? 0, dsack_right: dsack?.right ?? 0 }));
  }

  private freeSkb(ctx: CoreContext, skb: number): void {
    if (skb !== NO_SKB) ctx.issue(command('SKB_FREE', { skb }));
  }

  private note(ctx: CoreContext, note: number, f: { req?: number; conn?: number; status?: number; local_port?: number; remote_port?: number; remote_ip?: number; value?: number }): void {
    ctx.issue(command('HOST_NOTE', { note, ...f }));
  }
}
