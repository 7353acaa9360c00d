// Helpers both cores use to program the hardware: TCB writes at the handshake, the SYN (and its retransmission).
import { command, Flag, RxMode, SackMode, TcbField, TimerId, type TcbFieldId } from './api.ts';
import type { CoreContext } from './context.ts';
import type { FwConfig } from './config.ts';
import { State, type FwConn } from './conn.ts';
import { seqAdd } from './seq.ts';

export function tcbWrite(ctx: CoreContext, c: FwConn, field: TcbFieldId, value: number): void {
  ctx.issue(command('TCB_WRITE', { conn: c.id, field, value: value >>> 0 }));
}

export function setTimer(ctx: CoreContext, c: FwConn, timer: number, delayUs: number): void {
  ctx.issue(command('TIMER_SET', { conn: c.id, timer, delay_us: Math.max(1, Math.min(0xffffffff, Math.round(delayUs))) }));
}

export function cancelTimer(ctx: CoreContext, c: FwConn, timer: number): void {
  ctx.issue(command('TIMER_CANCEL', { conn: c.id, timer }));
}

/** Options of the peer's SYN or SYN-ACK, as the RX parser reports them. */
export interface SynOptions {
  opt_mss_ok: number; opt_mss: number; opt_ws_ok: number; opt_ws: number; opt_sack_ok: number;
  opt_ts_ok: number; opt_tsval: number;
}

/** RFC 9293 §3.7.1 MSS, RFC 7323 window scale and timestamps, RFC 2018 SACK-permitted: both sides must offer. */
export function negotiate(c: FwConn, o: SynOptions, cfg: FwConfig): void {
  const peerMss = o.opt_mss_ok ? Math.max(o.opt_mss, 64) : 536; // RFC 9293 §3.7.1 default
  c.tsOk = cfg.timestamps && o.opt_ts_ok === 1;
  if (c.tsOk) c.tsRecent = o.opt_tsval;
  c.wsOk = cfg.wscale >= 0 && o.opt_ws_ok === 1;
  c.sndWscale = c.wsOk ? Math.min(o.opt_ws, 14) : 0; // RFC 7323 §2.3: a shift above 14 is used as 14
  c.rcvWscale = c.wsOk ? cfg.wscale : 0;
  c.sackOk = cfg.sack && o.opt_sack_ok === 1;
  const optBytes = c.tsOk ? 12 : 0;
  c.sndMss = Math.min(peerMss, cfg.mss) - optBytes;
  c.rcvMss = cfg.mss - optBytes;
}

/** The window we can advertise: never more than the scale lets the 16-bit field say. */
export const rcvbufFor = (c: FwConn, cfg: FwConfig): number => Math.min(cfg.rcvbuf, 0xffff * 2 ** c.rcvWscale);

/** Every hardware TCB field, once the peer's ISN and options are known. */
export function programTcb(ctx: CoreContext, c: FwConn, cfg: FwConfig, mode: number, wl1: number, wl2: number): void {
  tcbWrite(ctx, c, TcbField.RCV_NXT, c.rcvNxt);
  tcbWrite(ctx, c, TcbField.SND_UNA, c.sndUna);
  tcbWrite(ctx, c, TcbField.SND_NXT, c.sndMax);
  tcbWrite(ctx, c, TcbField.SND_WND, c.sndWnd);
  tcbWrite(ctx, c, TcbField.SND_WL1, wl1);
  tcbWrite(ctx, c, TcbField.SND_WL2, wl2);
  tcbWrite(ctx, c, TcbField.MAX_SND_WND, c.maxSndWnd);
  tcbWrite(ctx, c, TcbField.SND_WSCALE, c.sndWscale);
  tcbWrite(ctx, c, TcbField.RCV_WSCALE, c.rcvWscale);
  tcbWrite(ctx, c, TcbField.RCV_MSS, c.rcvMss);
  tcbWrite(ctx, c, TcbField.TS_ENABLED, c.tsOk ? 1 : 0);
  tcbWrite(ctx, c, TcbField.TS_RECENT, c.tsRecent);
  tcbWrite(ctx, c, TcbField.RCVBUF, rcvbufFor(c, cfg));
  tcbWrite(ctx, c, TcbField.SND_MSS, c.sndMss + (c.tsOk ? 12 : 0));
  tcbWrite(ctx, c, TcbField.SACK_MODE, !c.sackOk ? SackMode.OFF : cfg.dsack ? SackMode.SACK_DSACK : SackMode.SACK);
  tcbWrite(ctx, c, TcbField.RX_MODE, mode);
}

/** The fields a SYN-SENT connection needs before the peer answers. */
export function programSynSent(ctx: CoreContext, c: FwConn, cfg: FwConfig): void {
  tcbWrite(ctx, c, TcbField.SND_UNA, c.sndUna);
  tcbWrite(ctx, c, TcbField.SND_NXT, c.sndMax);
  tcbWrite(ctx, c, TcbField.SQ_BASE, seqAdd(c.iss, 1));
  tcbWrite(ctx, c, TcbField.RCVBUF, Math.min(cfg.rcvbuf, 0xffff));
  tcbWrite(ctx, c, TcbField.RX_MODE, RxMode.RAW);
}

/**
 * Send (or resend) our SYN (SYN-SENT) or SYN-ACK (SYN-RECEIVED). A SYN offers every option we are configured
 * for; a SYN-ACK answers only what the peer offered (RFC 7323 §1.3, RFC 2018 §2).
 */
export function sendSyn(ctx: CoreContext, c: FwConn, cfg: FwConfig): void {
  const synAck = c.state === State.SYN_RECEIVED;
  const offerWs = synAck ? c.wsOk : cfg.wscale >= 0;
  const offerTs = synAck ? c.tsOk : cfg.timestamps;
  const offerSack = synAck ? c.sackOk : cfg.sack;
  ctx.issue(command('TX_SYN', {
    conn: c.id, seq: c.iss, ack: synAck ? c.rcvNxt : 0, flags: synAck ? Flag.SYN | Flag.ACK : Flag.SYN,
    mss: cfg.mss, ws_ok: offerWs ? 1 : 0, ws: offerWs ? Math.max(cfg.wscale, 0) : 0,
    sack_ok: offerSack ? 1 : 0, ts_ok: offerTs ? 1 : 0, ts_ecr: synAck && c.tsOk ? c.tsRecent : 0,
  }));
  setTimer(ctx, c, TimerId.RTO, c.rto);
  c.rtoArmed = true;
}
