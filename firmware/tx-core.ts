// The TX core: the send process. Copies user data into the send queue as skb memory and the send buffer allow
// (waiting for memory when they do not: the paper's wait_for_tcp_memory), segments it to the MSS within
// min(cwnd, peer window), retransmits (RFC 6298 RTO with Karn's rule and backoff, RFC 5681/6582 NewReno fast
// retransmit and recovery), probes zero windows (persist timer), optional Nagle, and sends the FIN.
import { command, sackBlocksOf, Flag, HostNote, HostStatus, Mail, TimerId, type EventOf, type FwEvent } from './api.ts';
import type { CoreContext, FirmwareCore } from './context.ts';
import type { FwConfig } from './config.ts';
import type { CostTable } from './costs.ts';
import { ConnTable, State, type FwConn } from './conn.ts';
import { onDupAck, onNewAck, onTimeout } from './newreno.ts';
import { persistInterval, rtoBackoff, rttSample } from './rtt.ts';
import { nextHole, sackedAt, scoreboardAdd, scoreboardTrim } from './sack-tx.ts';
import { seqAdd, seqDiff, seqGeq, seqGt, seqLt, seqMax } from './seq.ts';
import { cancelTimer, sendSyn, setTimer } from './tcb.ts';

export interface TxCoreStats {
  segments: number; bytes: number; retransmits: number; fastRetransmits: number; timeouts: number;
  probes: number; copyNomem: number; rttSamples: number;
  /** Holes retransmitted from the SACK scoreboard. */
  sackRetransmits: number;
}

export class TxCore implements FirmwareCore {
  readonly name = 'tx';
  private readonly waitingMem = new Set<number>();
  readonly stats: TxCoreStats = { segments: 0, bytes: 0, retransmits: 0, fastRetransmits: 0, timeouts: 0, probes: 0, copyNomem: 0, rttSamples: 0, sackRetransmits: 0 };

  constructor(private readonly conns: ConnTable, private readonly cfg: FwConfig, private readonly costs: CostTable) {}

  handle(ev: FwEvent, ctx: CoreContext): void {
    switch (ev.kind) {
      case 'ACK': return this.onAck(ev, ctx);
      case 'SACK_RCVD': return this.onSackBlocks(ev, ctx);
      case 'COPY_DONE': return this.onCopyDone(ev, ctx);
      case 'MEM_AVAILABLE': return this.onMemAvailable(ctx);
      case 'TIMER': return this.onTimer(ev, ctx);
      case 'MAIL': return this.onMail(ev, ctx);
      case 'HOST_SEND': return this.onHostSend(ev, ctx);
      default: throw new Error(`tx core: event ${ev.kind} belongs to the RX core`);
    }
  }

  /** A connection this core may act on (the RX core marks a dead one CLOSED before Mail.CONN_GONE arrives). */
  private live(id: number): FwConn | undefined {
    const c = this.conns.get(id);
    return c && c.state !== State.CLOSED ? c : undefined;
  }

  // ---- user data into the send queue ----

  private onHostSend(ev: EventOf<'HOST_SEND'>, ctx: CoreContext): void {
    const c = this.live(ev.conn);
    if (!c || c.finRequested) {
      return ctx.issue(command('HOST_NOTE', { note: HostNote.SEND_DONE, req: ev.req, conn: ev.conn, status: HostStatus.ERROR }));
    }
    c.sendReqs.push({ req: ev.req, remaining: ev.len, total: ev.len });
    this.pumpCopy(c, ctx);
  }

  /** Copy the head request's next piece, as far as the send buffer allows (one COPY_IN in flight). */
  private pumpCopy(c: FwConn, ctx: CoreContext): void {
    if (c.copyInFlight || c.waitingMem) return;
    const head = c.sendReqs[0];
    if (!head) return;
    const dataUna = seqMax(c.sndUna, seqAdd(c.iss, 1));
    const room = this.cfg.sndbuf - seqDiff(c.queuedEnd, dataUna);
    if (room <= 0) return; // wait for ACKs to free the send buffer
    c.copyInFlight = true;
    ctx.issue(command('COPY_IN', { conn: c.id, req: head.req, len: Math.min(head.remaining, room) }));
  }

  private onCopyDone(ev: EventOf<'COPY_DONE'>, ctx: CoreContext): void {
    const c = this.live(ev.conn);
    if (!c) return;
    c.copyInFlight = false;
    const head = c.sendReqs[0];
    if (head && head.req === ev.req) {
      head.remaining -= ev.copied;
      c.queuedEnd = seqAdd(c.queuedEnd, ev.copied);
      if (head.remaining === 0) {
        c.sendReqs.shift();
        ctx.issue(command('HOST_NOTE', { note: HostNote.SEND_DONE, req: head.req, conn: c.id, status: HostStatus.OK, value: head.total }));
      }
    }
    if (ev.nomem) { this.stats.copyNomem++; c.waitingMem = true; this.waitingMem.add(c.id); }
    this.trySend(c, ctx);
    this.pumpCopy(c, ctx);
  }

  private onMemAvailable(ctx: CoreContext): void {
    const ids = [...this.waitingMem];
    this.waitingMem.clear();
    for (const id of ids) {
      const c = this.live(id);
      if (!c) continue;
      c.waitingMem = false;
      this.pumpCopy(c, ctx);
    }
  }

  // ---- acknowledgments ----

  /** The peer's SACK blocks (the ACK event of the same segment follows): into the scoreboard. */
  private onSackBlocks(ev: EventOf<'SACK_RCVD'>, ctx: CoreContext): void {
    const c = this.live(ev.conn);
    if (!c || !c.sackOk) return;
    ctx.charge(this.costs.perOooEntry * (ev.count + c.sacked.length));
    scoreboardTrim(c.sacked, ev.snd_una);
    scoreboardAdd(c.sacked, sackBlocksOf(ev), seqMax(ev.snd_una, c.sndUna), c.sndMax);
  }

  private onAck(ev: EventOf<'ACK'>, ctx: CoreContext): void {
    const c = this.live(ev.conn);
    if (!c) return;
    scoreboardTrim(c.sacked, ev.snd_una);
    // Reneging: the cumulative ACK stops at the start of data the receiver SACKed (a receiver that keeps what it
    // SACKs never does that). Forget the scoreboard and resend from SND.UNA.
    if (c.sacked.length > 0 && c.sacked[0]!.left === ev.snd_una) { c.sacked = []; c.sndNxt = ev.snd_una; }
    if (ev.advanced && seqGt(ev.snd_una, c.sndUna)) {
      const acked = seqDiff(ev.snd_una, c.sndUna);
      c.sndUna = ev.snd_una;
      if (seqLt(c.sndNxt, c.sndUna)) c.sndNxt = c.sndUna;
      c.retries = 0;
      c.persistBackoff = 0;
      if (c.rttActive && seqGeq(c.sndUna, c.rttSeq)) {
        rttSample(c, ctx.now() - c.rttStartUs, this.cfg);
        this.stats.rttSamples++;
        c.rttActive = false;
      }
      const releasable = seqLt(c.sndUna, c.queuedEnd) ? c.sndUna : c.queuedEnd;
      if (seqGt(releasable, seqAdd(c.iss, 1))) ctx.issue(command('SQ_RELEASE', { conn: c.id, upto: releasable }));
      if (c.txOpen && onNewAck(c, acked) === 'retransmit') this.retransmitLost(c, ctx);
      // RFC 6298 §5.2/5.3: stop the timer when everything is acknowledged, else restart it.
      if (c.sndUna === c.sndMax) { if (c.rtoArmed) { cancelTimer(ctx, c, TimerId.RTO); c.rtoArmed = false; } }
      else this.armRto(c, ctx);
      this.pumpCopy(c, ctx);
    } else if (ev.dup && c.txOpen && ev.snd_wnd > 0) {
      const r = onDupAck(c);
      if (r === 'fast-retransmit') {
        this.stats.fastRetransmits++;
        c.rttActive = false;
        c.highRxt = c.sndUna;
        this.retransmitLost(c, ctx);
        this.armRto(c, ctx);
      } else if (r === 'inflate' && this.retransmitHole(c, ctx)) {
        c.cwnd -= c.sndMss; // the segment that left the network is replaced by a hole, not by new data
      }
    } else if (c.sndUna === c.sndMax && c.rtoArmed) {
      cancelTimer(ctx, c, TimerId.RTO); // the RX core moved SND.UNA at establishment
      c.rtoArmed = false;
    }
    c.sndWnd = ev.snd_wnd;
    if (ev.snd_wnd > c.maxSndWnd) c.maxSndWnd = ev.snd_wnd;
    if (c.persistArmed && c.sndWnd > 0) {
      cancelTimer(ctx, c, TimerId.PERSIST);
      c.persistArmed = false;
      c.sndNxt = c.sndUna; // resend the probe byte, if the receiver dropped it, with what follows
    }
    this.trySend(c, ctx);
  }

  // ---- sending ----

  /** Send what the windows allow: full segments, a short one when Nagle and receiver SWS rules permit, the FIN. */
  private trySend(c: FwConn, ctx: CoreContext): void {
    if (!c.txOpen) return;
    for (;;) {
      const unsent = seqDiff(c.queuedEnd, c.sndNxt);
      const wnd = Math.min(c.cwnd, c.sndWnd);
      const room = wnd - seqDiff(c.sndNxt, c.sndUna);
      if (unsent > 0) {
        // Going back after a timeout: SACKed data is not sent again.
        const skip = seqLt(c.sndNxt, c.sndMax) ? sackedAt(c, c.sndNxt) : undefined;
        if (skip) { c.sndNxt = skip.right; continue; }
        const len = Math.min(c.sndMss, unsent, room, this.untilSacked(c));
        if (len <= 0) break;
        if (len < c.sndMss && len < unsent && len < (c.maxSndWnd >>> 1)) break; // sender SWS avoidance (RFC 9293 §3.8.6.2.1)
        const outstanding = c.sndUna !== c.sndMax;
        if (this.cfg.nagle && len < c.sndMss && outstanding && c.sndNxt === c.sndMax) break; // Nagle: one small segment in flight
        this.segment(c, ctx, c.sndNxt, len, this.finWith(c, len));
        continue;
      }
      if (unsent === 0 && this.finReady(c) && (!c.finSent || seqLt(c.sndNxt, seqAdd(c.finSeq, 1)))) {
        this.segment(c, ctx, c.sndNxt, 0, true);
      }
      break;
    }
    // Data waiting, nothing outstanding, and a window that is zero or too small to use (sender SWS avoidance):
    // the persist timer probes a zero window (RFC 9293 §3.8.6.1) and overrides SWS avoidance (§3.8.6.2.1).
    if (seqLt(c.sndNxt, c.queuedEnd) && c.sndUna === c.sndMax && !c.persistArmed && !c.rtoArmed) this.armPersist(c, ctx);
  }

  /** Bytes from SND.NXT to the next SACKed block (a resent segment stops there). */
  private untilSacked(c: FwConn): number {
    if (!seqLt(c.sndNxt, c.sndMax)) return Infinity;
    const b = c.sacked.find((x) => seqGt(x.left, c.sndNxt));
    return b ? seqDiff(b.left, c.sndNxt) : Infinity;
  }

  private finReady(c: FwConn): boolean {
    return c.finRequested && c.sendReqs.length === 0 && !c.copyInFlight;
  }

  private finWith(c: FwConn, len: number): boolean {
    return this.finReady(c) && seqAdd(c.sndNxt, len) === c.queuedEnd;
  }

  /** One TX_SEG; keeps SND.NXT / SND.MAX, times it if it is new data (Karn), arms the RTO. */
  private segment(c: FwConn, ctx: CoreContext, seq: number, len: number, fin: boolean): void {
    ctx.charge(this.costs.perSegment);
    const end = seqAdd(seq, len + (fin ? 1 : 0));
    const retransmission = seqLt(seq, c.sndMax);
    let flags = Flag.ACK;
    if (len > 0 && seqAdd(seq, len) === c.queuedEnd) flags |= Flag.PSH;
    if (fin) { flags |= Flag.FIN; c.finSent = true; c.finSeq = seqAdd(seq, len); }
    ctx.issue(command('TX_SEG', { conn: c.id, seq, len, flags }));
    this.stats.segments++;
    this.stats.bytes += len;
    if (retransmission) { this.stats.retransmits++; if (c.rttActive && seqGt(c.rttSeq, seq)) c.rttActive = false; }
    else if (!c.rttActive) { c.rttActive = true; c.rttSeq = end; c.rttStartUs = ctx.now(); }
    if (seqGt(end, c.sndNxt)) c.sndNxt = end;
    if (seqGt(end, c.sndMax)) c.sndMax = end;
    if (!c.rtoArmed) this.armRto(c, ctx);
  }

  /**
   * Fast retransmit or a partial ACK: with a SACK scoreboard, the next hole not yet retransmitted in this
   * recovery (RFC 6675 §4: never SACKed data); without one, the first unacknowledged segment (NewReno).
   */
  private retransmitLost(c: FwConn, ctx: CoreContext): void {
    if (!this.retransmitHole(c, ctx)) this.retransmitHead(c, ctx);
  }

  /** One segment from the next hole at or after HighRxt; false when the scoreboard shows none. */
  private retransmitHole(c: FwConn, ctx: CoreContext): boolean {
    if (!c.sackOk || c.sacked.length === 0) return false;
    const hole = nextHole(c.sacked, seqMax(c.highRxt, c.sndUna));
    if (!hole) return false;
    const len = Math.min(c.sndMss, seqDiff(hole.right, hole.left));
    this.stats.sackRetransmits++;
    this.segment(c, ctx, hole.left, len, false);
    c.highRxt = seqAdd(hole.left, len);
    return true;
  }

  /** Resend the first unacknowledged segment (fast retransmit, NewReno partial ACK, RTO). */
  private retransmitHead(c: FwConn, ctx: CoreContext): void {
    const unacked = seqDiff(c.queuedEnd, c.sndUna);
    if (unacked > 0) {
      const len = Math.min(c.sndMss, unacked);
      const fin = c.finSent && seqAdd(c.sndUna, len) === c.finSeq;
      this.segment(c, ctx, c.sndUna, len, fin);
    } else if (c.finSent && c.sndUna === c.finSeq) {
      this.segment(c, ctx, c.sndUna, 0, true);
    }
  }

  private armRto(c: FwConn, ctx: CoreContext): void {
    setTimer(ctx, c, TimerId.RTO, c.rto);
    c.rtoArmed = true;
  }

  private armPersist(c: FwConn, ctx: CoreContext): void {
    setTimer(ctx, c, TimerId.PERSIST, persistInterval(c, this.cfg));
    c.persistArmed = true;
  }

  // ---- timers ----

  private onTimer(ev: EventOf<'TIMER'>, ctx: CoreContext): void {
    const c = this.live(ev.conn);
    if (!c) return;
    if (ev.timer === TimerId.RTO) return this.onRto(c, ctx);
    if (ev.timer === TimerId.PERSIST) return this.onPersist(c, ctx);
  }

  private onRto(c: FwConn, ctx: CoreContext): void {
    if (!c.rtoArmed) return; // cancelled after it fired
    c.rtoArmed = false;
    c.rttActive = false; // Karn
    if (c.state === State.SYN_SENT || c.state === State.SYN_RECEIVED) {
      if (++c.retries > this.cfg.maxSynRetries) return this.timedOut(c, ctx);
      rtoBackoff(c, this.cfg);
      this.stats.retransmits++;
      return sendSyn(ctx, c, this.cfg);
    }
    if (c.sndUna === c.sndMax) return;
    if (c.sndWnd === 0 && !c.finSent) {
      // The peer's window closed under data in flight: that is not loss. Probe instead of backing off to death.
      c.sndNxt = c.sndUna;
      return this.armPersist(c, ctx);
    }
    if (++c.retries > this.cfg.maxRetries) return this.timedOut(c, ctx);
    this.stats.timeouts++;
    onTimeout(c, c.retries === 1);
    // The scoreboard is kept (RFC 2018 Errata 1610, as Linux): the go-back-N below skips SACKed data; if the
    // receiver turns out to have reneged (onAck), it is dropped and everything is resent.
    rtoBackoff(c, this.cfg);
    c.sndNxt = c.sndUna; // go back: resend from the first unacknowledged byte as the window allows
    this.retransmitHead(c, ctx);
    this.trySend(c, ctx);
  }

  private onPersist(c: FwConn, ctx: CoreContext): void {
    if (!c.persistArmed) return;
    c.persistArmed = false;
    if (!seqLt(c.sndNxt, c.queuedEnd) && !seqLt(c.sndUna, c.sndNxt)) return;
    if (c.sndWnd > 0) {
      // SWS override: send what the small window takes.
      const len = Math.min(c.sndMss, seqDiff(c.queuedEnd, c.sndNxt), c.sndWnd - seqDiff(c.sndNxt, c.sndUna));
      if (len > 0) this.segment(c, ctx, c.sndNxt, len, this.finWith(c, len));
      return this.trySend(c, ctx);
    }
    if (!seqLt(c.sndUna, c.queuedEnd)) return;
    // One byte of new data beyond the closed window: acknowledged once the window opens (RFC 9293 §3.8.6.1).
    this.stats.probes++;
    ctx.charge(this.costs.perSegment);
    ctx.issue(command('TX_SEG', { conn: c.id, seq: c.sndUna, len: 1, flags: Flag.ACK }));
    const end = seqAdd(c.sndUna, 1);
    if (seqGt(end, c.sndNxt)) c.sndNxt = end;
    if (seqGt(end, c.sndMax)) c.sndMax = end;
    c.persistBackoff++;
    this.armPersist(c, ctx);
  }

  private timedOut(c: FwConn, ctx: CoreContext): void {
    ctx.issue(command('MAIL', { conn: c.id, msg: Mail.TIMED_OUT }));
  }

  // ---- mail from the RX core ----

  private onMail(ev: EventOf<'MAIL'>, ctx: CoreContext): void {
    const c = this.conns.get(ev.conn);
    if (!c) return;
    switch (ev.msg) {
      case Mail.ESTABLISHED:
        if (c.state === State.CLOSED) return;
        c.txOpen = true;
        this.trySend(c, ctx);
        return this.pumpCopy(c, ctx);
      case Mail.FIN_REQUESTED:
        if (c.state === State.CLOSED) return;
        c.finRequested = true;
        return this.trySend(c, ctx);
      case Mail.CONN_GONE: {
        for (const r of c.sendReqs.splice(0)) {
          ctx.issue(command('HOST_NOTE', { note: HostNote.SEND_DONE, req: r.req, conn: c.id, status: HostStatus.ERROR, value: r.total - r.remaining }));
        }
        this.waitingMem.delete(c.id);
        this.conns.free(c.id);
        return;
      }
      default:
        return;
    }
  }
}

