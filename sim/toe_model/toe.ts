// A time-stepped model of the TOE hardware behind firmware/api.ts: MAC in and out (Ethernet frames as bytes),
// the RX path (parse, checksum verify, connection lookup, seq_check, ACK-field update, fast-path delivery and
// delayed ACK), the TX path (segments from the send queue, pure ACKs, SYNs, RSTs, all built with correct
// checksums), the skb pool, timers, the host's command/completion path, and the two firmware cores driven
// through their event and command FIFOs. Verdicts come from sim/tcp/seq-check-model.ts: the same reference model
// the seq_check RTL is proven against.
import {
  AckMode, event, Flag, HostNote, MAX_SACK_BLOCKS, sackBlocksOf, NO_SKB, RxMode, SackMode, TcbField, TimerId, Verdict,
  type CommandOf, type FwCommand, type FwEvent,
} from '../../firmware/api.ts';
import { DEFAULT_FW_CONFIG, type FwConfig } from '../../firmware/config.ts';
import { ConnTable } from '../../firmware/conn.ts';
import { DEFAULT_CORE_HZ, DEFAULT_COSTS, type CostTable } from '../../firmware/costs.ts';
import { RxCore } from '../../firmware/rx-core.ts';
import { TxCore } from '../../firmware/tx-core.ts';
import {
  ARP_REQUEST, buildArpReply, buildTcpFrame, frameChecksums, parseFrame, seqAdd, seqDiff, seqGt, seqLeq, seqLt, toIpv4, toMac,
  type ArpFrame, type Ipv4Input, type MacInput, type TcpFrame, type TcpOption,
} from '../packet/index.ts';
import { checkSegment } from '../tcp/seq-check-model.ts';
import { CoreRunner, type CoreDriver, type CoreRunnerFactory, type CoreRunnerSpec } from './core-runner.ts';
import { HostStack } from './host.ts';
import { HwConn, tupleKey } from './hw-conn.ts';
import type { Scheduler } from './scheduler.ts';
import { SkbOwner, SkbPool } from './skb-pool.ts';

export interface ToeConfig {
  name: string;
  mac: MacInput;
  ip: Ipv4Input;
  /** Static neighbour table; peers' MACs are also learned from their frames and ARP. ARP requests for `ip` are answered. */
  neighbours: [Ipv4Input, MacInput][];
  skbBlocks: number;
  skbBytes: number;
  /**
   * Blocks send queues may never take, so received segments (which carry the ACKs that free send memory) always
   * find a buffer. Without it two busy peers can fill their pools with unacknowledged data and deadlock.
   * -1: a quarter of the pool.
   */
  rxReserveBlocks: number;
  coreHz: number;
  costs: CostTable;
  fw: Partial<FwConfig>;
  /** Delayed-ACK timeout of the hardware ACK policy. */
  delackUs: number;
  /** At most one challenge ACK per connection per this interval (RFC 5961 §7). */
  challengeIntervalUs: number;
  /** Frame in to event out, command to frame out, host doorbell to event. */
  rxLatencyNs: number;
  txLatencyNs: number;
  hostLatencyNs: number;
  /** Deliberate hardware bugs, for tests that must be able to fail. */
  faults: { oooAsInOrder?: boolean };
  /**
   * Hook: builds each core's runner (its event/command path). Unset: CoreRunner's in-memory FIFOs. Set by
   * sim/toe_model/fw-bus-cosim.ts to route a core's events and commands through an RTL firmware bus.
   */
  coreRunner?: CoreRunnerFactory;
}

export const DEFAULT_TOE_CONFIG: Omit<ToeConfig, 'name' | 'mac' | 'ip'> = {
  neighbours: [],
  skbBlocks: 2048,
  skbBytes: 2048,
  rxReserveBlocks: -1,
  coreHz: DEFAULT_CORE_HZ,
  costs: DEFAULT_COSTS,
  fw: {},
  delackUs: 200,
  challengeIntervalUs: 10_000,
  rxLatencyNs: 300,
  txLatencyNs: 300,
  hostLatencyNs: 500,
  faults: {},
};

export interface ToeStats {
  rxFrames: number; rxBadFrames: number; rxBadChecksum: number; rxNotForUs: number; rxNomem: number; rxFastSegments: number;
  rxToFirmware: number; rxDropped: number; rxTooLong: number; arpReplies: number;
  txFrames: number; txBytes: number; txPureAcks: number; challengeAcks: number; challengeLimited: number;
  cmdRefused: number; fastRefused: number; deliverRefused: number; unknownNeighbour: number;
}

/** What the firmware did wrong, by command (the hardware refuses and counts it, never corrupts). */
export interface Refusal { cmd: string; reason: string }

export class Toe {
  readonly cfg: ToeConfig;
  readonly fwCfg: FwConfig;
  readonly mac: Uint8Array;
  readonly ip: number;
  readonly pool: SkbPool;
  readonly fwConns: ConnTable;
  readonly rxFirmware: RxCore;
  readonly txFirmware: TxCore;
  readonly rxCore: CoreDriver;
  readonly txCore: CoreDriver;
  readonly host: HostStack;
  readonly stats: ToeStats = {
    rxFrames: 0, rxBadFrames: 0, rxBadChecksum: 0, rxNotForUs: 0, rxNomem: 0, rxFastSegments: 0, rxToFirmware: 0, rxDropped: 0,
    rxTooLong: 0, arpReplies: 0, txFrames: 0, txBytes: 0, txPureAcks: 0, challengeAcks: 0, challengeLimited: 0, cmdRefused: 0, fastRefused: 0,
    deliverRefused: 0, unknownNeighbour: 0,
  };
  readonly refusals: Refusal[] = [];
  private readonly conns: (HwConn | undefined)[];
  private readonly lookup = new Map<string, number>();
  private readonly neighbours = new Map<number, Uint8Array>();
  private readonly hostSends = new Map<number, { conn: number; data: Uint8Array; offset: number }>();
  private memWaiter = false;
  private macOut: ((frame: Uint8Array) => void) | undefined;
  readonly startNs: number;

  constructor(readonly sched: Scheduler, cfg: Partial<ToeConfig> & Pick<ToeConfig, 'name' | 'mac' | 'ip'>) {
    this.cfg = { ...DEFAULT_TOE_CONFIG, ...cfg };
    if (this.cfg.rxReserveBlocks < 0) this.cfg.rxReserveBlocks = Math.floor(this.cfg.skbBlocks / 4);
    this.fwCfg = { ...DEFAULT_FW_CONFIG, ...this.cfg.fw };
    if (this.fwCfg.mss > this.cfg.skbBytes) throw new Error(`toe ${this.cfg.name}: MSS ${this.fwCfg.mss} does not fit a ${this.cfg.skbBytes}-byte skb`);
    this.mac = toMac(this.cfg.mac);
    this.ip = toIpv4(this.cfg.ip);
    for (const [ip, mac] of this.cfg.neighbours) this.neighbours.set(toIpv4(ip), toMac(mac));
    this.pool = new SkbPool(this.cfg.skbBlocks, this.cfg.skbBytes);
    if (this.cfg.rxReserveBlocks >= this.cfg.skbBlocks) throw new Error(`toe ${this.cfg.name}: rxReserveBlocks must be below skbBlocks`);
    this.conns = new Array(this.fwCfg.maxConns).fill(undefined);
    this.fwConns = new ConnTable(this.fwCfg.maxConns);
    this.rxFirmware = new RxCore(this.fwConns, this.fwCfg, this.cfg.costs);
    this.txFirmware = new TxCore(this.fwConns, this.fwCfg, this.cfg.costs);
    const makeCore = this.cfg.coreRunner
      ?? ((s: CoreRunnerSpec) => new CoreRunner(s.sched, s.firmware, s.hz, s.costs, s.exec, s.onDequeue));
    const spec = { toe: this.cfg.name, sched, hz: this.cfg.coreHz, costs: this.cfg.costs };
    this.rxCore = makeCore({ ...spec, role: 'rx', firmware: this.rxFirmware, exec: (c) => this.exec(c, 'rx'), onDequeue: (ev) => this.dequeued(ev) });
    this.txCore = makeCore({ ...spec, role: 'tx', firmware: this.txFirmware, exec: (c) => this.exec(c, 'tx'), onDequeue: () => {} });
    this.host = new HostStack(this);
    this.startNs = sched.now;
  }

  get name(): string { return this.cfg.name; }

  /** Connect the MAC's transmit side (the link calls receiveFrame for the other direction). */
  attach(out: (frame: Uint8Array) => void): void { this.macOut = out; }

  /** Hardware connections in the table (the firmware's own count is fwConns.inUse). */
  get connsInUse(): number { return this.conns.filter((c) => c !== undefined).length; }

  hwConn(id: number): HwConn | undefined { return this.conns[id]; }

  /** Both cores idle with empty FIFOs. */
  get quiet(): boolean { return this.rxCore.idle && this.txCore.idle; }

  // ===========================================================================================================
  // RX path

  receiveFrame(bytes: Uint8Array): void {
    this.stats.rxFrames++;
    const p = parseFrame(bytes);
    if (p.ok && p.value.kind === 'arp') return this.arp(p.value);
    if (!p.ok || p.value.kind !== 'tcp') { this.stats.rxBadFrames++; return; }
    const f = p.value;
    const sums = frameChecksums(f);
    if (!sums.ipv4 || !sums.tcp) { this.stats.rxBadChecksum++; return; }
    if (f.ip.dst !== this.ip) { this.stats.rxNotForUs++; return; }
    this.neighbours.set(f.ip.src, f.eth.src);
    this.sched.after(this.cfg.rxLatencyNs, () => this.rxSegment(f));
  }

  /**
   * The slow path's ARP responder (the RX parser hands ARP to the firmware in hardware; modelled here): answer a
   * request for our address, and learn the sender's MAC from any ARP frame aimed at us.
   */
  private arp(f: ArpFrame): void {
    const a = f.arp;
    if (a.targetIp !== this.ip) { this.stats.rxNotForUs++; return; }
    this.neighbours.set(a.senderIp, a.senderMac);
    if (a.op !== ARP_REQUEST) return;
    this.stats.arpReplies++;
    const reply = buildArpReply({ srcMac: this.mac, srcIp: this.ip, dstMac: a.senderMac, dstIp: a.senderIp });
    this.sched.after(this.cfg.txLatencyNs, () => this.macOut?.(reply));
  }

  private rxSegment(f: TcpFrame): void {
    const h = f.tcp;
    const opts = rxOptions(h.options);
    const id = this.lookup.get(tupleKey(f.ip.src, h.srcPort, h.dstPort));
    const c = id === undefined ? undefined : this.conns[id];
    if (!c) {
      this.postRx(event('SEG_NOCONN', {
        remote_ip: f.ip.src, remote_port: h.srcPort, local_port: h.dstPort, seq: h.seq, ack: h.ack, flags: h.flags & 0x1ff,
        wnd: h.window, len: f.payload.length, ...opts,
      }));
      return;
    }
    const base = { conn: c.id, flags: h.flags & 0x1ff, seq: h.seq, ack: h.ack, wnd: h.window, len: Math.min(f.payload.length, 0xffff), ...opts };
    if (c.rxMode === RxMode.RAW) {
      c.fwSegsQueued++;
      this.stats.rxToFirmware++;
      this.postRx(event('SEG', { ...base, verdict: Verdict.UNCHECKED, skb: NO_SKB, rcv_nxt: c.rcvNxt }));
      return;
    }
    const has = (bit: number) => (h.flags & bit) !== 0;
    const v = checkSegment({
      tag: 0, seq: h.seq, ack: h.ack, len: f.payload.length, wnd: h.window,
      ctl_syn: has(Flag.SYN), ctl_ack: has(Flag.ACK), ctl_fin: has(Flag.FIN), ctl_rst: has(Flag.RST),
      rcv_nxt: c.rcvNxt, rcv_wnd: Math.max(0, seqDiff(c.rcvEdge, c.rcvNxt)),
      snd_una: c.sndUna, snd_nxt: c.sndNxt, snd_wnd: c.sndWnd, snd_wscale: c.sndWscale,
      snd_wl1: c.sndWl1, snd_wl2: c.sndWl2, max_snd_wnd: c.maxSndWnd,
    });

    // The ACK field (RFC 9293 "fifth"): SND.UNA and the send window, reported to the TX core.
    let wndChanged = false;
    if (v.ack_ok) {
      if (v.ack_advance) c.sndUna = h.ack;
      if (v.wnd_update) {
        wndChanged = c.sndWnd !== v.seg_wnd;
        c.sndWnd = v.seg_wnd; c.sndWl1 = h.seq; c.sndWl2 = h.ack;
        if (v.seg_wnd > c.maxSndWnd) c.maxSndWnd = v.seg_wnd;
      }
      const sack = c.sackMode !== SackMode.OFF ? rxSackFields(h.options) : undefined;
      if (sack) this.txCore.post(event('SACK_RCVD', { conn: c.id, snd_una: c.sndUna, ...sack }));
      if (v.ack_advance || v.dup_ack || wndChanged) {
        this.txCore.post(event('ACK', {
          conn: c.id, snd_una: c.sndUna, snd_wnd: Math.min(c.sndWnd, 0xffffffff), advanced: v.ack_advance ? 1 : 0,
          dup: v.dup_ack ? 1 : 0, wnd_changed: wndChanged ? 1 : 0,
        }));
      }
    }
    const accepted = v.verdict === Verdict.IN_ORDER || v.verdict === Verdict.OUT_OF_ORDER;
    if (c.tsEnabled && opts.opt_ts_ok && accepted && seqLeq(h.seq, c.rcvNxt)) c.tsRecent = opts.opt_tsval; // RFC 7323 §4.3
    if (v.verdict === Verdict.DROP) { this.stats.rxDropped++; return; }

    const plain = !has(Flag.SYN) && !has(Flag.FIN) && !has(Flag.RST);
    if (c.rxMode === RxMode.FAST && plain) {
      if (v.verdict === Verdict.IN_ORDER) {
        // Partly a duplicate (it starts below RCV.NXT): ACK at once, reporting the old part (RFC 2883).
        const dsack = v.trim_front > 0 ? this.dsackOf(c, h.seq, v.trim_front) : undefined;
        this.fastDeliver(c, f.payload.subarray(v.trim_front, v.trim_front + v.accept_len));
        if (dsack) this.sendAck(c, dsack);
        return;
      }
      if (v.verdict === Verdict.DUPLICATE || v.verdict === Verdict.SEND_ACK) return this.sendAck(c, this.dsackOf(c, h.seq, f.payload.length));
      if (v.verdict === Verdict.CHALLENGE_ACK) return this.challengeAck(c);
      if (v.verdict === Verdict.OUT_OF_ORDER && v.accept_len === 0) return; // a pure ACK beyond a gap: its ACK field was all it had
      if (v.verdict === Verdict.OUT_OF_ORDER && this.cfg.faults.oooAsInOrder) return this.fastDeliver(c, f.payload.subarray(v.trim_front, v.trim_front + v.accept_len));
    }
    if (c.rxMode === RxMode.FAST && v.verdict === Verdict.CHALLENGE_ACK) return this.challengeAck(c);

    // To the RX core, with the accepted payload in an skb. The connection leaves the fast path until the
    // firmware puts it back.
    let skb = NO_SKB;
    if (accepted && v.accept_len > 0) {
      if (v.accept_len > this.pool.blockBytes) { this.stats.rxTooLong++; return; }
      const id = this.allocSkb(SkbOwner.FIRMWARE);
      if (id < 0) { this.stats.rxNomem++; return; } // dropped: the peer retransmits
      this.pool.data[id]!.set(f.payload.subarray(v.trim_front, v.trim_front + v.accept_len));
      skb = id;
    }
    c.rxMode = RxMode.FIRMWARE;
    c.fwSegsQueued++;
    this.stats.rxToFirmware++;
    this.postRx(event('SEG', {
      ...base, verdict: v.verdict, skb, first_seq: v.first_seq, accept_len: v.accept_len, fin: v.fin ? 1 : 0,
      ack_ok: v.ack_ok ? 1 : 0, ack_advance: v.ack_advance ? 1 : 0, ack_unsent: v.ack_unsent ? 1 : 0, rcv_nxt: c.rcvNxt,
    }));
  }

  /** The hot path: in-order data straight into the receive queue, acknowledged by the delayed-ACK policy. */
  private fastDeliver(c: HwConn, data: Uint8Array): void {
    if (data.length === 0) return;
    if (data.length > this.pool.blockBytes) { this.stats.rxTooLong++; return; }
    const skb = this.allocSkb(SkbOwner.RECV_QUEUE);
    if (skb < 0) { this.stats.rxNomem++; return; }
    this.pool.data[skb]!.set(data);
    c.recvQueue.push({ skb, off: 0, len: data.length });
    c.rqBytes += data.length;
    c.rcvNxt = seqAdd(c.rcvNxt, data.length);
    this.stats.rxFastSegments++;
    this.delayedAck(c, data.length);
    this.host.readable(c.id);
  }

  private dequeued(ev: FwEvent): void {
    if (ev.kind === 'SEG') {
      const c = this.conns[ev.conn];
      if (c && c.fwSegsQueued > 0) c.fwSegsQueued--;
    }
  }

  // ===========================================================================================================
  // TX path

  private emit(dstMac: Uint8Array, dstIp: number, srcPort: number, dstPort: number, seq: number, ack: number, flags: number,
    window: number, options: TcpOption[], payload?: Uint8Array): void {
    const frame = buildTcpFrame({
      srcMac: this.mac, dstMac, srcIp: this.ip, dstIp, srcPort, dstPort, seq, ack, flags, window, options, payload,
    });
    this.stats.txFrames++;
    this.stats.txBytes += frame.length;
    this.sched.after(this.cfg.txLatencyNs, () => this.macOut?.(frame));
  }

  private tsOption(c: HwConn): TcpOption[] {
    return c.tsEnabled ? [{ type: 'nop' }, { type: 'nop' }, { type: 'timestamps', tsval: this.tsClock(), tsecr: c.tsRecent }] : [];
  }

  private tsClock(): number { return Math.floor(this.sched.now / 1000) >>> 0; }

  /**
   * The window field for an outgoing segment. The right edge never moves left, and (receiver SWS avoidance,
   * RFC 9293 §3.8.6.2.2) moves right only by at least min(RCVBUF / 2, MSS), so a nearly full buffer shows a
   * zero window rather than a silly one.
   */
  private advertise(c: HwConn): number {
    const unit = 2 ** c.rcvWscale;
    const cur = Math.max(0, seqDiff(c.rcvEdge, c.rcvNxt));
    const avail = Math.floor(this.windowAvailable(c) / unit) * unit;
    if (avail - cur >= Math.min(c.rcvbuf >>> 1, c.rcvMss)) c.rcvEdge = seqAdd(c.rcvNxt, Math.min(avail, 0xffff * unit));
    c.wndOpenPosted = false;
    return Math.min(0xffff, Math.ceil(Math.max(0, seqDiff(c.rcvEdge, c.rcvNxt)) / unit));
  }

  /** Receive buffer space, and no more than there are free blocks to hold it. */
  private windowAvailable(c: HwConn): number {
    return Math.max(0, Math.min(c.rcvbuf - c.rqBytes, this.pool.free * c.rcvMss));
  }

  /** A segment carrying ACK left: nothing is owed any more. */
  private acked(c: HwConn): void {
    c.ackPendingBytes = 0;
    if (c.delackTimer) { c.delackTimer.cancelled = true; c.delackTimer = undefined; }
  }

  private sendAck(c: HwConn, dsack?: { left: number; right: number }): void {
    this.acked(c);
    this.stats.txPureAcks++;
    const window = this.advertise(c);
    this.emit(c.remoteMac, c.remoteIp, c.localPort, c.remotePort, c.sndNxt, c.rcvNxt, Flag.ACK, window, [...this.tsOption(c), ...this.sackOption(c, 0, dsack)]);
  }

  /**
   * NOP NOP SACK after the timestamps (Linux's layout, as blocks/ack_tx builds it): a one-shot D-SACK block first,
   * then the TCB's blocks that lie above RCV.NXT; at most 4, or 3 beside timestamps (40 option bytes), and on a
   * data segment only as many as fit in SND_MSS with the payload.
   */
  private sackOption(c: HwConn, payloadLen: number, dsack?: { left: number; right: number }): TcpOption[] {
    if (c.sackMode === SackMode.OFF) return [];
    const blocks = dsack ? [dsack] : [];
    for (const b of c.sack) if (seqGt(b.right, c.rcvNxt)) blocks.push({ left: seqGt(b.left, c.rcvNxt) ? b.left : c.rcvNxt, right: b.right });
    const tsBytes = c.tsEnabled ? 12 : 0;
    let max = c.tsEnabled ? MAX_SACK_BLOCKS - 1 : MAX_SACK_BLOCKS;
    if (payloadLen > 0) max = Math.min(max, Math.floor((c.sndMss - payloadLen - tsBytes - 4) / 8));
    const n = Math.min(blocks.length, Math.max(0, max));
    return n > 0 ? [{ type: 'nop' }, { type: 'nop' }, { type: 'sack', blocks: blocks.slice(0, n) }] : [];
  }

  /** The hardware's own D-SACK (RFC 2883) for a duplicate segment it answers on the fast path. */
  private dsackOf(c: HwConn, seq: number, len: number): { left: number; right: number } | undefined {
    if (c.sackMode !== SackMode.SACK_DSACK || len === 0 || !seqLt(seq, c.rcvNxt)) return undefined;
    const end = seqAdd(seq, len);
    return { left: seq, right: seqLt(end, c.rcvNxt) ? end : c.rcvNxt };
  }

  private challengeAck(c: HwConn): void {
    const now = this.sched.now;
    if (now - c.lastChallengeNs < this.cfg.challengeIntervalUs * 1000) { this.stats.challengeLimited++; return; }
    c.lastChallengeNs = now;
    this.stats.challengeAcks++;
    this.sendAck(c);
  }

  /** RFC 5681 §4.2 / RFC 1122: ACK at least every second full-sized segment, else within delackUs. */
  private delayedAck(c: HwConn, bytes: number): void {
    c.ackPendingBytes += bytes;
    if (c.ackPendingBytes >= 2 * c.rcvMss) return this.sendAck(c);
    if (!c.delackTimer) {
      c.delackTimer = this.sched.after(this.cfg.delackUs * 1000, () => {
        c.delackTimer = undefined;
        if (c.ackPendingBytes > 0 && this.conns[c.id] === c) this.sendAck(c);
      });
    }
  }

  // ===========================================================================================================
  // Commands from the cores

  private refuse(cmd: FwCommand, reason: string): void {
    this.stats.cmdRefused++;
    this.refusals.push({ cmd: cmd.kind, reason });
  }

  private exec(cmd: FwCommand, from: 'rx' | 'tx'): void {
    switch (cmd.kind) {
      case 'CONN_INSERT': return this.connInsert(cmd);
      case 'CONN_DELETE': return this.connDelete(cmd.conn);
      case 'TCB_WRITE': return this.tcbWrite(cmd);
      case 'TX_SEG': return this.txSeg(cmd);
      case 'TX_SYN': return this.txSyn(cmd);
      case 'TX_ACK': {
        const c = this.conns[cmd.conn];
        if (!c) return this.refuse(cmd, 'no connection');
        if (cmd.mode === AckMode.NOW) return this.sendAck(c, cmd.dsack_left !== cmd.dsack_right ? { left: cmd.dsack_left, right: cmd.dsack_right } : undefined);
        if (cmd.mode === AckMode.DELAYED) return this.delayedAck(c, c.rcvMss);
        return this.challengeAck(c);
      }
      case 'TX_RST': {
        const mac = this.neighbours.get(cmd.remote_ip);
        if (!mac) { this.stats.unknownNeighbour++; return; }
        return this.emit(mac, cmd.remote_ip, cmd.local_port, cmd.remote_port, cmd.seq, cmd.ack, cmd.flags, 0, []);
      }
      case 'TIMER_SET': return this.timerSet(cmd);
      case 'TIMER_CANCEL': {
        const c = this.conns[cmd.conn];
        const t = c?.timers[cmd.timer];
        if (t) { t.cancelled = true; c!.timers[cmd.timer] = undefined; }
        return;
      }
      case 'SKB_FREE':
        if (cmd.skb >= this.pool.blocks || this.pool.owner[cmd.skb] !== SkbOwner.FIRMWARE) return this.refuse(cmd, `skb ${cmd.skb} not held by firmware`);
        return this.freeSkb(cmd.skb, SkbOwner.FIRMWARE);
      case 'SQ_RELEASE': return this.sqRelease(cmd);
      case 'DELIVER': return this.deliver(cmd);
      case 'COPY_IN': return this.copyIn(cmd);
      case 'HOST_NOTE':
        if (cmd.note === HostNote.SEND_DONE) this.hostSends.delete(cmd.req);
        return this.host.note(cmd);
      case 'MAIL': {
        const ev = event('MAIL', { conn: cmd.conn, msg: cmd.msg, arg: cmd.arg });
        return from === 'rx' ? this.txCore.post(ev) : this.rxCore.post(ev);
      }
      case 'SACK_SET': {
        const c = this.conns[cmd.conn];
        if (!c) return this.refuse(cmd, 'no connection');
        if (cmd.count > MAX_SACK_BLOCKS) return this.refuse(cmd, `${cmd.count} SACK blocks`);
        c.sack = sackBlocksOf(cmd);
        return;
      }
    }
  }

  private connInsert(cmd: CommandOf<'CONN_INSERT'>): void {
    if (cmd.conn >= this.conns.length || this.conns[cmd.conn]) return this.refuse(cmd, `slot ${cmd.conn} busy or out of range`);
    const key = tupleKey(cmd.remote_ip, cmd.remote_port, cmd.local_port);
    if (this.lookup.has(key)) return this.refuse(cmd, `4-tuple ${key} already in the table`);
    let mac = this.neighbours.get(cmd.remote_ip);
    if (!mac) { this.stats.unknownNeighbour++; mac = new Uint8Array([0xff, 0xff, 0xff, 0xff, 0xff, 0xff]); }
    this.conns[cmd.conn] = new HwConn(cmd.conn, cmd.remote_ip, cmd.remote_port, cmd.local_port, mac);
    this.lookup.set(key, cmd.conn);
  }

  private connDelete(id: number): void {
    const c = this.conns[id];
    if (!c) return;
    for (const b of c.sendQueue) this.freeSkb(b.skb, SkbOwner.SEND_QUEUE);
    for (const r of c.recvQueue) this.freeSkb(r.skb, SkbOwner.RECV_QUEUE);
    for (const t of c.timers) if (t) t.cancelled = true;
    if (c.delackTimer) c.delackTimer.cancelled = true;
    this.conns[id] = undefined;
    this.lookup.delete(tupleKey(c.remoteIp, c.remotePort, c.localPort));
  }

  private tcbWrite(cmd: CommandOf<'TCB_WRITE'>): void {
    const c = this.conns[cmd.conn];
    if (!c) return this.refuse(cmd, 'no connection');
    const v = cmd.value;
    switch (cmd.field) {
      case TcbField.RCV_NXT:
        // The edge never moves left, but in SYN-SENT (RAW) none has been advertised in the peer's sequence space:
        // the edge's reset value can be ahead of the peer's ISN by anything up to 2^31, an enormous bogus window.
        c.rcvNxt = v;
        if (c.rxMode === RxMode.RAW || seqLt(c.rcvEdge, v)) c.rcvEdge = v;
        break;
      case TcbField.SND_UNA: c.sndUna = v; break;
      case TcbField.SND_NXT: c.sndNxt = v; break;
      case TcbField.SND_WND: c.sndWnd = v; break;
      case TcbField.SND_WL1: c.sndWl1 = v; break;
      case TcbField.SND_WL2: c.sndWl2 = v; break;
      case TcbField.MAX_SND_WND: c.maxSndWnd = v; break;
      case TcbField.SND_WSCALE: c.sndWscale = v; break;
      case TcbField.RCV_WSCALE: c.rcvWscale = Math.min(v, 14); break;
      case TcbField.RCV_MSS: c.rcvMss = v; break;
      case TcbField.TS_ENABLED: c.tsEnabled = v !== 0; break;
      case TcbField.TS_RECENT: c.tsRecent = v; break;
      case TcbField.SQ_BASE:
        if (c.sqBytes !== 0) return this.refuse(cmd, 'SQ_BASE with data queued');
        c.sqBase = v;
        break;
      case TcbField.RX_MODE:
        if (v === RxMode.FAST && c.fwSegsQueued > 0) { this.stats.fastRefused++; return; }
        c.rxMode = v;
        break;
      case TcbField.RCVBUF: c.rcvbuf = v; break;
      case TcbField.SND_MSS: c.sndMss = v; break;
      case TcbField.SACK_MODE: c.sackMode = v; break;
      default: return this.refuse(cmd, `unknown TCB field ${cmd.field}`);
    }
  }

  private txSeg(cmd: CommandOf<'TX_SEG'>): void {
    const c = this.conns[cmd.conn];
    if (!c) return this.refuse(cmd, 'no connection');
    const off = seqDiff(cmd.seq, c.sqBase);
    if (cmd.len > 0 && (off < 0 || off + cmd.len > c.sqBytes)) {
      return this.refuse(cmd, `bytes ${off}..${off + cmd.len} of a ${c.sqBytes}-byte send queue`);
    }
    const payload = cmd.len > 0 ? this.readSendQueue(c, off, cmd.len) : undefined;
    const ackBit = (cmd.flags & Flag.ACK) !== 0;
    const end = seqAdd(cmd.seq, cmd.len + (cmd.flags & Flag.FIN ? 1 : 0));
    if (seqGt(end, c.sndNxt)) c.sndNxt = end;
    const window = ackBit ? this.advertise(c) : 0;
    if (ackBit) this.acked(c);
    const opts = cmd.flags & Flag.RST ? [] : [...this.tsOption(c), ...(ackBit ? this.sackOption(c, cmd.len) : [])];
    this.emit(c.remoteMac, c.remoteIp, c.localPort, c.remotePort, cmd.seq, ackBit ? c.rcvNxt : 0, cmd.flags, window, opts, payload);
  }

  private readSendQueue(c: HwConn, off: number, len: number): Uint8Array {
    const out = new Uint8Array(len);
    let pos = 0, skip = off;
    for (const b of c.sendQueue) {
      if (pos >= len) break;
      if (skip >= b.len) { skip -= b.len; continue; }
      const n = Math.min(b.len - skip, len - pos);
      out.set(this.pool.data[b.skb]!.subarray(skip, skip + n), pos);
      pos += n;
      skip = 0;
    }
    return out;
  }

  private txSyn(cmd: CommandOf<'TX_SYN'>): void {
    const c = this.conns[cmd.conn];
    if (!c) return this.refuse(cmd, 'no connection');
    // The hardware's layout (blocks/ack_tx/tcp-options.ts, Linux's): MSS; SACKOK TS | NOP NOP TS | NOP NOP SACKOK;
    // NOP WS — every option on its natural alignment and no EOL padding.
    const options: TcpOption[] = [{ type: 'mss', mss: cmd.mss }];
    const nop: TcpOption = { type: 'nop' };
    if (cmd.ts_ok) {
      options.push(...(cmd.sack_ok ? [{ type: 'sack-permitted' } as const] : [nop, nop]));
      options.push({ type: 'timestamps', tsval: this.tsClock(), tsecr: cmd.ts_ecr });
    } else if (cmd.sack_ok) options.push(nop, nop, { type: 'sack-permitted' });
    if (cmd.ws_ok) options.push(nop, { type: 'wscale', shift: cmd.ws });
    const window = Math.min(c.rcvbuf, 0xffff); // never scaled in a SYN
    const end = seqAdd(cmd.seq, 1);
    if (seqGt(end, c.sndNxt)) c.sndNxt = end;
    if (cmd.flags & Flag.ACK) { c.rcvEdge = seqAdd(cmd.ack, window); this.acked(c); }
    this.emit(c.remoteMac, c.remoteIp, c.localPort, c.remotePort, cmd.seq, cmd.ack, cmd.flags, window, options);
  }

  private timerSet(cmd: CommandOf<'TIMER_SET'>): void {
    const c = this.conns[cmd.conn];
    if (!c) return this.refuse(cmd, 'no connection');
    const old = c.timers[cmd.timer];
    if (old) old.cancelled = true;
    const timer = cmd.timer;
    c.timers[timer] = this.sched.after(cmd.delay_us * 1000, () => {
      c.timers[timer] = undefined;
      const ev = event('TIMER', { conn: c.id, timer });
      if (timer === TimerId.TIME_WAIT) this.rxCore.post(ev);
      else this.txCore.post(ev);
    });
  }

  private sqRelease(cmd: CommandOf<'SQ_RELEASE'>): void {
    const c = this.conns[cmd.conn];
    if (!c) return;
    while (c.sendQueue.length > 0) {
      const b = c.sendQueue[0]!;
      if (!seqLeq(seqAdd(c.sqBase, b.len), cmd.upto)) break;
      c.sendQueue.shift();
      c.sqBase = seqAdd(c.sqBase, b.len);
      c.sqBytes -= b.len;
      this.freeSkb(b.skb, SkbOwner.SEND_QUEUE);
    }
  }

  /** Guarded delivery (see api.ts DELIVER): only bytes at RCV.NXT and beyond reach the user. */
  private deliver(cmd: CommandOf<'DELIVER'>): void {
    const c = this.conns[cmd.conn];
    const hasSkb = cmd.skb !== NO_SKB;
    if (hasSkb && (cmd.skb >= this.pool.blocks || this.pool.owner[cmd.skb] !== SkbOwner.FIRMWARE)) {
      return this.refuse(cmd, `skb ${cmd.skb} not held by firmware`);
    }
    if (!c) { if (hasSkb) this.freeSkb(cmd.skb, SkbOwner.FIRMWARE); return this.refuse(cmd, 'no connection'); }
    const end = seqAdd(cmd.seq, cmd.len);
    if (seqGt(cmd.seq, c.rcvNxt)) {
      this.stats.deliverRefused++;
      if (hasSkb) this.freeSkb(cmd.skb, SkbOwner.FIRMWARE);
      return this.refuse(cmd, `seq ${cmd.seq} beyond RCV.NXT ${c.rcvNxt}`);
    }
    if (hasSkb) {
      if (seqGt(end, c.rcvNxt)) {
        const off = seqDiff(c.rcvNxt, cmd.seq);
        this.pool.transfer(cmd.skb, SkbOwner.FIRMWARE, SkbOwner.RECV_QUEUE);
        c.recvQueue.push({ skb: cmd.skb, off, len: cmd.len - off });
        c.rqBytes += cmd.len - off;
        c.rcvNxt = end;
      } else {
        this.freeSkb(cmd.skb, SkbOwner.FIRMWARE);
      }
    }
    if (cmd.fin && c.rcvNxt === end && !c.eof) { c.rcvNxt = seqAdd(end, 1); c.eof = true; }
    this.host.readable(c.id);
  }

  private copyIn(cmd: CommandOf<'COPY_IN'>): void {
    const c = this.conns[cmd.conn];
    const r = this.hostSends.get(cmd.req);
    // The waiter is armed as COPY_DONE enters the TX core's FIFO, so MEM_AVAILABLE can never overtake it (a lost
    // wake-up); if blocks came back in the meantime the wake-up follows at once.
    const done = (copied: number, nomem: boolean) => this.sched.after(this.cfg.hostLatencyNs, () => {
      this.txCore.post(event('COPY_DONE', { conn: cmd.conn, req: cmd.req, copied, nomem: nomem ? 1 : 0 }));
      if (!nomem) return;
      if (this.sendBlockAvailable()) this.txCore.post(event('MEM_AVAILABLE', { free_blocks: Math.min(this.pool.free, 0xffff) }));
      else this.memWaiter = true;
    });
    if (!c || !r || r.conn !== cmd.conn) { this.refuse(cmd, 'no such connection or request'); return void done(0, false); }
    const want = Math.min(cmd.len, r.data.length - r.offset);
    let copied = 0, nomem = false;
    while (copied < want) {
      let last = c.sendQueue[c.sendQueue.length - 1];
      if (!last || last.len === this.pool.blockBytes) {
        const skb = this.allocSkb(SkbOwner.SEND_QUEUE);
        if (skb < 0) { nomem = true; break; }
        last = { skb, len: 0 };
        c.sendQueue.push(last);
      }
      const n = Math.min(this.pool.blockBytes - last.len, want - copied);
      this.pool.data[last.skb]!.set(r.data.subarray(r.offset + copied, r.offset + copied + n), last.len);
      last.len += n;
      copied += n;
    }
    r.offset += copied;
    c.sqBytes += copied;
    done(copied, nomem);
  }

  // ===========================================================================================================
  // skbs

  private allocSkb(owner: (typeof SkbOwner)[keyof typeof SkbOwner]): number {
    if (owner === SkbOwner.SEND_QUEUE && !this.sendBlockAvailable()) { this.pool.nomem++; return -1; }
    return this.pool.alloc(owner);
  }

  private sendBlockAvailable(): boolean {
    return this.pool.free > 0 && this.pool.held[SkbOwner.SEND_QUEUE]! < this.pool.blocks - this.cfg.rxReserveBlocks;
  }

  private freeSkb(id: number, owner: (typeof SkbOwner)[keyof typeof SkbOwner]): void {
    this.pool.release(id, owner);
    if (this.memWaiter && this.sendBlockAvailable()) {
      this.memWaiter = false;
      this.txCore.post(event('MEM_AVAILABLE', { free_blocks: Math.min(this.pool.free, 0xffff) }));
    }
  }

  // ===========================================================================================================
  // Host side (used by HostStack)

  /** A host command through the command ring: reaches the core after the host latency. */
  hostCommand(ev: FwEvent): void {
    this.sched.after(this.cfg.hostLatencyNs, () => (ev.kind === 'HOST_SEND' ? this.txCore.post(ev) : this.rxCore.post(ev)));
  }

  /** Register a host send buffer (the TX descriptor): COPY_IN reads it. */
  hostSendBuffer(req: number, conn: number, data: Uint8Array): void {
    this.hostSends.set(req, { conn, data, offset: 0 });
  }

  /** DMA up to `max` bytes of received data into a user buffer; frees the skbs; may open the window. */
  readReceived(conn: number, max: number): { data: Uint8Array; eof: boolean } {
    const c = this.conns[conn];
    if (!c) return { data: new Uint8Array(0), eof: false };
    const n = Math.min(max, c.rqBytes);
    const out = new Uint8Array(n);
    let pos = 0;
    while (pos < n) {
      const r = c.recvQueue[0]!;
      const k = Math.min(r.len, n - pos);
      out.set(this.pool.data[r.skb]!.subarray(r.off, r.off + k), pos);
      pos += k;
      r.off += k;
      r.len -= k;
      if (r.len === 0) { c.recvQueue.shift(); this.freeSkb(r.skb, SkbOwner.RECV_QUEUE); }
    }
    c.rqBytes -= n;
    if (n > 0) this.maybeWindowOpen(c);
    return { data: out, eof: c.eof && c.rqBytes === 0 };
  }

  /** RFC 1122 §4.2.3.3 receiver SWS avoidance: tell the RX core once the window can grow by enough. */
  private maybeWindowOpen(c: HwConn): void {
    if (c.wndOpenPosted || c.rxMode === RxMode.RAW) return;
    const now = Math.max(0, seqDiff(c.rcvEdge, c.rcvNxt));
    const could = this.windowAvailable(c);
    if (could - now >= Math.min(c.rcvbuf >>> 1, c.rcvMss) && could >= 2 * now) {
      c.wndOpenPosted = true;
      this.rxCore.post(event('WND_OPEN', { conn: c.id, rcv_wnd: could }));
    }
  }

  private postRx(ev: FwEvent): void { this.rxCore.post(ev); }

  // ===========================================================================================================
  // Reports

  utilisation(): { rx: number; tx: number } {
    const elapsed = this.sched.now - this.startNs;
    return { rx: this.rxCore.utilisation(elapsed), tx: this.txCore.utilisation(elapsed) };
  }

  /** Blocks not free, by holder; connections still in either table. */
  leaks(): { skbsInUse: number; hwConns: number; fwConns: number } {
    return { skbsInUse: this.pool.used, hwConns: this.connsInUse, fwConns: this.fwConns.inUse };
  }
}

/** The RX parser's option fields of an event. */
function rxOptions(options: TcpOption[]) {
  const o = { opt_mss_ok: 0, opt_mss: 0, opt_ws_ok: 0, opt_ws: 0, opt_sack_ok: 0, opt_ts_ok: 0, opt_tsval: 0, opt_tsecr: 0 };
  for (const opt of options) {
    if (opt.type === 'mss') { o.opt_mss_ok = 1; o.opt_mss = opt.mss; }
    else if (opt.type === 'wscale') { o.opt_ws_ok = 1; o.opt_ws = opt.shift; }
    else if (opt.type === 'sack-permitted') o.opt_sack_ok = 1;
    else if (opt.type === 'timestamps') { o.opt_ts_ok = 1; o.opt_tsval = opt.tsval; o.opt_tsecr = opt.tsecr; }
  }
  return o;
}


/** The RX parser's SACK_RCVD fields: the first four blocks of a SACK option, or undefined without one. */
function rxSackFields(options: TcpOption[]): ({ count: number } & Record<string, number>) | undefined {
  const opt = options.find((o) => o.type === 'sack');
  if (!opt || opt.type !== 'sack' || opt.blocks.length === 0) return undefined;
  const blocks = opt.blocks.slice(0, MAX_SACK_BLOCKS);
  const f: { count: number } & Record<string, number> = { count: blocks.length };
  blocks.forEach((b, i) => { f[`left${i}`] = b.left >>> 0; f[`right${i}`] = b.right >>> 0; });
  return f;
}
