// Reference model of ToeRx for generated traffic: connections by 4-tuple, the seq_check model's verdict, and the
// fast-path TCB writes (written from the brief and RFC 9293, sharing no code with the RTL).
import { seqAdd } from '../../sim/packet/index.ts';
import { checkSegment, type SegCase, type SegVerdict } from '../../sim/tcp/seq-check-model.ts';
import { SeqVerdict } from '../../blocks/seq_check/interface.ts';
import { Route } from '../../blocks/toe_rx/route.ts';
import { RxMode } from '../../firmware/api.ts';
import { announcedWindow, freshTcb, type TcbFields, type Tuple } from '../../blocks/conn_table/tcb.ts';

export interface SegIn { seq: number; ack: number; len: number; wnd: number; syn: boolean; ack_flag: boolean; fin: boolean; rst: boolean }

export interface Expected {
  hit: boolean;
  index: number;
  case?: SegCase;
  verdict?: SegVerdict;
  updated: boolean;
  route: number;
  rcv_nxt: number;
  snd_una: number;
}

/**
 * The route of a segment of a found connection, as sim/toe_model/toe.ts rxSegment decides it (block size 2048;
 * the hardware keeps one block of payload, so trim_front + accept_len must fit it).
 */
export function routeModel(rxMode: number, s: SegIn, v: SegVerdict, bufReady: boolean, blockBytes = 2048): number {
  if (rxMode >= RxMode.RAW) return Route.RAW_SEG;
  if (v.verdict === SeqVerdict.DROP) return Route.DROP;
  const fast = rxMode === RxMode.FAST, plain = !s.syn && !s.fin && !s.rst;
  const block = (ok: number) => (v.trim_front + v.accept_len > blockBytes ? Route.TOO_LONG : bufReady ? ok : Route.NOMEM);
  if (fast && plain) {
    if (v.verdict === SeqVerdict.IN_ORDER) return v.accept_len > 0 ? block(Route.FAST_DATA) : Route.FAST_NONE;
    if (v.verdict === SeqVerdict.DUPLICATE || v.verdict === SeqVerdict.SEND_ACK) return Route.FAST_ACK;
    if (v.verdict === SeqVerdict.CHALLENGE_ACK) return Route.FAST_CHALLENGE;
    if (v.verdict === SeqVerdict.OUT_OF_ORDER && v.accept_len === 0) return Route.FAST_NONE;
  }
  if (fast && v.verdict === SeqVerdict.CHALLENGE_ACK) return Route.FAST_CHALLENGE;
  const accepted = v.verdict === SeqVerdict.IN_ORDER || v.verdict === SeqVerdict.OUT_OF_ORDER;
  return accepted && v.accept_len > 0 ? block(Route.FW_SEG) : Route.FW_SEG;
}

const key = (t: Tuple) => `${t.local_ip}:${t.local_port}<${t.remote_ip}:${t.remote_port}`;

export class ToeRxModel {
  readonly conns = new Map<string, { index: number; tcb: TcbFields; before?: TcbFields }>();

  /**
   * stale: a deliberately broken model of a pipeline without the hazard guard, where each segment reads its
   * connection's TCB as it was before the previous segment's write (and writes what it computed from that).
   */
  constructor(readonly stale = false, readonly bufReady = true) {}

  add(tuple: Tuple, index: number, tcb: TcbFields): void { this.conns.set(key(tuple), { index, tcb: { ...freshTcb(tuple), ...tcb } }); }
  tcbOf(tuple: Tuple): TcbFields | undefined { return this.conns.get(key(tuple))?.tcb; }

  /** A segment with reason OK arriving for `tuple` (local = its destination). */
  arrive(tuple: Tuple, s: SegIn): Expected {
    const c = this.conns.get(key(tuple));
    if (!c) return { hit: false, index: 0, updated: false, route: Route.NO_CONN, rcv_nxt: 0, snd_una: 0 };
    const t = this.stale && c.before ? { ...c.before } : { ...c.tcb };
    c.before = { ...c.tcb };
    const sc: SegCase = {
      tag: 0, seq: s.seq, ack: s.ack, len: s.len, wnd: s.wnd, ctl_syn: s.syn, ctl_ack: s.ack_flag, ctl_fin: s.fin, ctl_rst: s.rst,
      rcv_nxt: t.rcv_nxt, rcv_wnd: announcedWindow(t), snd_una: t.snd_una, snd_nxt: t.snd_nxt, snd_wnd: t.snd_wnd, snd_wscale: t.snd_wscale,
      snd_wl1: t.snd_wl1, snd_wl2: t.snd_wl2, max_snd_wnd: t.max_snd_wnd,
    };
    const v = checkSegment(sc);
    const route = routeModel(t.rx_mode, s, v, this.bufReady);
    const checked = t.rx_mode !== RxMode.RAW && t.rx_mode !== 3;
    // The masked write: only the fields the verdict and route move, computed from the TCB as read.
    const w: Partial<TcbFields> = {};
    // The edge (rcv_adv) stays: the window shrinks as RCV.NXT moves towards it.
    if (route === Route.FAST_DATA) w.rcv_nxt = seqAdd(t.rcv_nxt, v.accept_len);
    if (checked) {
      if (v.ack_advance) w.snd_una = s.ack;
      if (v.wnd_update) Object.assign(w, { snd_wnd: v.seg_wnd, snd_wl1: s.seq, snd_wl2: s.ack, max_snd_wnd: Math.max(t.max_snd_wnd, v.seg_wnd) });
    }
    if (route === Route.FW_SEG && t.rx_mode === RxMode.FAST) w.rx_mode = RxMode.FIRMWARE;
    Object.assign(c.tcb, w);
    const updated = Object.keys(w).length > 0;
    return { hit: true, index: c.index, case: sc, verdict: v, updated, route, rcv_nxt: w.rcv_nxt ?? t.rcv_nxt, snd_una: w.snd_una ?? t.snd_una };
  }
}
