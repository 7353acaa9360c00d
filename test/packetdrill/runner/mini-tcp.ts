/**
 * A small, honest TCP for testing the packetdrill runner: one IPv4 address, passive and active
 * opens, in-order data (out-of-order segments are dropped and answered with a duplicate ACK),
 * immediate ACKs, FIN/RST handling, MSS/window-scale/SACK-permitted/timestamp options, and the
 * non-blocking socket API of PacketdrillTarget. Writes go out as one segment (like TSO).
 *
 * Knobs let tests make it behave like a given stack (ISN, options, window) or misbehave on
 * purpose (`mutate` rewrites a segment before it leaves, `latencyUs` delays every frame).
 */
import {
  buildArpRequest, buildTcpFrame, ipv4ToString, parseFrame, seqAdd, seqDiff, TcpFlags, toIpv4,
  type TcpFrameSpec, type TcpOption,
} from '../../../sim/packet/index.ts';
import type { EmittedFrame, GetSockOpt, PacketdrillNetwork, PacketdrillTarget, SockAddr, SysResult } from '../../../sim/packetdrill/runner/index.ts';

export interface MiniTcpConfig {
  /** Initial send sequence number. Default 1_000_000. */
  isn?: number;
  /** Advertised window (unscaled value written in the header). Default 65535. */
  window?: number;
  /** Our MSS. Default 1460. */
  mss?: number;
  /** Window scale shift we offer. Default 8. */
  wscale?: number;
  /** Option layout for our SYN / SYN-ACK; `linux` = mss,sackOK,TS,nop,wscale (TS/SACK only if
   *  the peer offered them on a SYN-ACK; wscale null when the peer did not offer it). Default `linux`. */
  synOptions?: (ctx: { mss: number; wscale: number | null; ts: { val: number; ecr: number } | null; sackOk: boolean; syn: boolean }) => TcpOption[];
  /** Delay from cause to emission, µs. Default 0. */
  latencyUs?: number;
  /** Rewrite a segment before it is sent (fault injection). */
  mutate?: (spec: TcpFrameSpec, index: number) => TcpFrameSpec;
  /** Send an ARP request for the peer before the first frame to it. */
  arp?: boolean;
  /** TS val clock: one tick per this many µs. Default 1000. */
  tsTickUs?: number;
  tsOffset?: number;
}

type State = 'SYN_SENT' | 'SYN_RCVD' | 'ESTABLISHED' | 'FIN_WAIT_1' | 'FIN_WAIT_2' | 'CLOSE_WAIT' | 'CLOSING' | 'LAST_ACK' | 'TIME_WAIT' | 'CLOSED';

interface Conn {
  state: State;
  localPort: number;
  remoteIp: number;
  remotePort: number;
  iss: number;
  sndNxt: number;
  sndUna: number;
  rcvNxt: number;
  rx: number[];
  peerMss: number;
  peerWscale: number | null;
  ts: boolean;
  tsRecent: number;
  sackOk: boolean;
  finRcvd: boolean;
  wrClosed: boolean;
  error: string | null;
  listener: Sock | null;
}

interface Sock {
  kind: 'new' | 'listen' | 'conn';
  port: number;
  backlog: Conn[];
  conn: Conn | null;
}

export const linuxSynOptions: NonNullable<MiniTcpConfig['synOptions']> = ({ mss, wscale, ts, sackOk }) => {
  const o: TcpOption[] = [{ type: 'mss', mss }];
  if (sackOk) o.push({ type: 'sack-permitted' });
  if (ts) o.push({ type: 'timestamps', tsval: ts.val, tsecr: ts.ecr });
  else if (sackOk) o.splice(1, 1, { type: 'nop' }, { type: 'nop' }, { type: 'sack-permitted' });
  if (wscale !== null) o.push({ type: 'nop' }, { type: 'wscale', shift: wscale });
  return o;
};

export class MiniTcp implements PacketdrillTarget {
  private t = 0;
  private readonly out: EmittedFrame[] = [];
  private readonly scheduled: EmittedFrame[] = [];
  private readonly socks = new Map<number, Sock>();
  /** Connections whose fd was closed but which still exchange FIN/ACK. */
  private readonly orphans: Conn[] = [];
  private nextFd = 3;
  private nextPort = 50000;
  private sent = 0;
  private arpDone = false;
  private arpWaiting: (() => void)[] = [];
  private readonly cfg: Required<Omit<MiniTcpConfig, 'mutate'>> & Pick<MiniTcpConfig, 'mutate'>;

  constructor(private readonly net: PacketdrillNetwork, cfg: MiniTcpConfig = {}) {
    this.cfg = {
      isn: 1_000_000, window: 65535, mss: 1460, wscale: 8, synOptions: linuxSynOptions, latencyUs: 0,
      arp: false, tsTickUs: 1000, tsOffset: 12345, ...cfg,
    };
  }

  // --- time and wire ---
  now(): number { return this.t; }
  runUntil(timeUs: number): void {
    if (timeUs < this.t) throw new Error(`time goes backwards: ${timeUs} < ${this.t}`);
    this.t = timeUs;
    this.release();
  }
  nextActivityUs(): number | null {
    return this.scheduled.length ? Math.min(...this.scheduled.map((f) => f.timeUs)) : null;
  }
  takeOutbound(): EmittedFrame[] { return this.out.splice(0); }

  injectFrame(bytes: Uint8Array): void {
    const p = parseFrame(bytes);
    if (!p.ok) return;
    const f = p.value;
    if (f.kind === 'arp') {
      if (f.arp.op === 2 && f.arp.senderIp === toIpv4(this.net.remoteIp)) {
        this.arpDone = true;
        for (const w of this.arpWaiting.splice(0)) w();
      }
      return;
    }
    if (f.kind !== 'tcp' || f.ip.dst !== toIpv4(this.net.localIp)) return;
    this.segment(f.ip.src, f.tcp.srcPort, f.tcp.dstPort, f.tcp.seq, f.tcp.ack, f.tcp.flags, f.tcp.window, f.tcp.options, f.payload);
  }

  // --- sockets ---
  socket(): SysResult {
    const fd = this.nextFd++;
    this.socks.set(fd, { kind: 'new', port: 0, backlog: [], conn: null });
    return { ok: true, value: fd };
  }
  bind(fd: number, addr: SockAddr): SysResult {
    const s = this.socks.get(fd);
    if (!s) return err('EBADF');
    if (addr.ip !== this.net.localIp) return err('EADDRNOTAVAIL');
    s.port = addr.port;
    return ok(0);
  }
  listen(fd: number): SysResult {
    const s = this.socks.get(fd);
    if (!s) return err('EBADF');
    if (!s.port) s.port = this.nextPort++;
    s.kind = 'listen';
    return ok(0);
  }
  accept(fd: number): SysResult {
    const s = this.socks.get(fd);
    if (!s) return err('EBADF');
    if (s.kind !== 'listen') return err('EINVAL');
    const i = s.backlog.findIndex((c) => c.state !== 'SYN_RCVD');
    if (i < 0) return err('EAGAIN');
    const c = s.backlog.splice(i, 1)[0]!;
    const nfd = this.nextFd++;
    this.socks.set(nfd, { kind: 'conn', port: c.localPort, backlog: [], conn: c });
    return ok(nfd);
  }
  connect(fd: number, addr: SockAddr): SysResult {
    const s = this.socks.get(fd);
    if (!s) return err('EBADF');
    if (s.conn) {
      const c = s.conn;
      if (c.error) return err(c.error);
      return c.state === 'SYN_SENT' ? err('EALREADY') : err('EISCONN');
    }
    const c = this.newConn(s.port || this.nextPort++, toIpv4(addr.ip), addr.port, null);
    c.state = 'SYN_SENT';
    s.kind = 'conn';
    s.conn = c;
    const send = () => this.xmit(c, TcpFlags.SYN, c.iss, new Uint8Array(0), this.cfg.synOptions({ mss: this.cfg.mss, wscale: this.cfg.wscale, ts: { val: this.tsVal(), ecr: 0 }, sackOk: true, syn: true }));
    if (this.cfg.arp && !this.arpDone) {
      this.emit(buildArpRequest({ srcMac: this.net.localMac, srcIp: this.net.localIp, targetIp: this.net.remoteIp }));
      this.arpWaiting.push(send);
    } else send();
    c.sndNxt = seqAdd(c.iss, 1);
    return err('EINPROGRESS');
  }
  recv(fd: number, maxBytes: number, opts: { peek: boolean }): SysResult<Uint8Array> {
    const c = this.socks.get(fd)?.conn;
    if (!c) return err('ENOTCONN');
    if (c.rx.length > 0) {
      const n = Math.min(maxBytes, c.rx.length);
      const data = Uint8Array.from(opts.peek ? c.rx.slice(0, n) : c.rx.splice(0, n));
      return ok(data);
    }
    if (c.error) return err(c.error);
    if (c.finRcvd) return ok(new Uint8Array(0));
    return err('EAGAIN');
  }
  send(fd: number, data: Uint8Array): SysResult {
    const c = this.socks.get(fd)?.conn;
    if (!c) return err('ENOTCONN');
    if (c.error) return err(c.error);
    if (c.wrClosed) return err('EPIPE');
    if (c.state !== 'ESTABLISHED' && c.state !== 'CLOSE_WAIT') return err('ENOTCONN');
    this.xmit(c, TcpFlags.PSH | TcpFlags.ACK, c.sndNxt, data);
    c.sndNxt = seqAdd(c.sndNxt, data.length);
    return ok(data.length);
  }
  shutdown(fd: number, how: 'SHUT_RD' | 'SHUT_WR' | 'SHUT_RDWR'): SysResult {
    const c = this.socks.get(fd)?.conn;
    if (!c) return err('ENOTCONN');
    if (how !== 'SHUT_RD') this.sendFin(c);
    return ok(0);
  }
  close(fd: number): SysResult {
    const s = this.socks.get(fd);
    if (!s) return err('EBADF');
    this.socks.delete(fd);
    if (s.conn && !s.conn.error) {
      this.sendFin(s.conn);
      this.orphans.push(s.conn);
    }
    return ok(0);
  }
  getsockopt(fd: number, opt: GetSockOpt): SysResult {
    const s = this.socks.get(fd);
    if (!s) return err('EBADF');
    if (opt === 'TCP_MAXSEG') return ok(s.conn ? Math.min(s.conn.peerMss, this.cfg.mss) : this.cfg.mss);
    if (opt === 'SO_RCVBUF' || opt === 'SO_SNDBUF') return ok(this.cfg.window);
    const e = s.conn?.error;
    return ok(e === 'ECONNREFUSED' ? 111 : e === 'ECONNRESET' ? 104 : 0);
  }
  setsockopt(fd: number): SysResult {
    return this.socks.has(fd) ? ok(0) : err('EBADF');
  }

  // --- TCP ---
  private newConn(localPort: number, remoteIp: number, remotePort: number, listener: Sock | null): Conn {
    return {
      state: 'CLOSED', localPort, remoteIp, remotePort, iss: this.cfg.isn >>> 0, sndNxt: this.cfg.isn >>> 0, sndUna: this.cfg.isn >>> 0,
      rcvNxt: 0, rx: [], peerMss: 536, peerWscale: null, ts: false, tsRecent: 0, sackOk: false, finRcvd: false, wrClosed: false,
      error: null, listener,
    };
  }

  private conns(): Conn[] {
    const all: Conn[] = [...this.orphans];
    for (const s of this.socks.values()) {
      if (s.conn) all.push(s.conn);
      all.push(...s.backlog);
    }
    return all;
  }

  private segment(src: number, sport: number, dport: number, seq: number, ack: number, flags: number, _win: number, options: TcpOption[], payload: Uint8Array): void {
    let c = this.conns().find((x) => x.remoteIp === src && x.remotePort === sport && x.localPort === dport && x.state !== 'CLOSED');
    const has = (bit: number) => (flags & bit) !== 0;
    if (!c) {
      const l = [...this.socks.values()].find((s) => s.kind === 'listen' && s.port === dport);
      if (l && has(TcpFlags.SYN) && !has(TcpFlags.ACK) && !has(TcpFlags.RST)) {
        c = this.newConn(dport, src, sport, l);
        c.state = 'SYN_RCVD';
        c.rcvNxt = seqAdd(seq, 1);
        this.peerOptions(c, options);
        l.backlog.push(c);
        this.xmit(c, TcpFlags.SYN | TcpFlags.ACK, c.iss, new Uint8Array(0), this.cfg.synOptions({
          mss: this.cfg.mss, wscale: c.peerWscale === null ? null : this.cfg.wscale, ts: c.ts ? { val: this.tsVal(), ecr: c.tsRecent } : null, sackOk: c.sackOk, syn: false,
        }));
        c.sndNxt = seqAdd(c.iss, 1);
      } else if (!has(TcpFlags.RST)) {
        // No socket: RST (RFC 9293 §3.10.7.1).
        const tmp = this.newConn(dport, src, sport, null);
        if (has(TcpFlags.ACK)) this.xmit(tmp, TcpFlags.RST, ack, new Uint8Array(0), [], 0);
        else this.xmit(tmp, TcpFlags.RST | TcpFlags.ACK, 0, new Uint8Array(0), [], seqAdd(seq, payload.length + (has(TcpFlags.SYN) ? 1 : 0)));
      }
      return;
    }
    if (has(TcpFlags.RST)) {
      c.error = c.state === 'SYN_SENT' ? 'ECONNREFUSED' : 'ECONNRESET';
      c.state = 'CLOSED';
      return;
    }
    const tsOpt = options.find((o) => o.type === 'timestamps');
    if (c.state === 'SYN_SENT') {
      if (has(TcpFlags.SYN) && has(TcpFlags.ACK) && ack === c.sndNxt) {
        c.rcvNxt = seqAdd(seq, 1);
        c.sndUna = ack;
        this.peerOptions(c, options);
        c.state = 'ESTABLISHED';
        this.ack(c);
      }
      return;
    }
    if (has(TcpFlags.ACK)) {
      if (seqDiff(ack, c.sndUna) > 0 && seqDiff(ack, c.sndNxt) <= 0) c.sndUna = ack;
      if (c.state === 'SYN_RCVD' && ack === c.sndNxt) c.state = 'ESTABLISHED';
      const finAcked = c.sndUna === c.sndNxt;
      if (finAcked && c.state === 'FIN_WAIT_1') c.state = 'FIN_WAIT_2';
      if (finAcked && c.state === 'CLOSING') c.state = 'TIME_WAIT';
      if (finAcked && c.state === 'LAST_ACK') c.state = 'CLOSED';
    }
    if (tsOpt && seqDiff(seq, c.rcvNxt) <= 0) c.tsRecent = tsOpt.tsval;
    if (payload.length > 0 || has(TcpFlags.FIN)) {
      if (seq !== c.rcvNxt) {
        this.ack(c); // out of order or duplicate: drop and re-ACK
        return;
      }
      for (const b of payload) c.rx.push(b);
      c.rcvNxt = seqAdd(c.rcvNxt, payload.length);
      if (has(TcpFlags.FIN)) {
        c.rcvNxt = seqAdd(c.rcvNxt, 1);
        c.finRcvd = true;
        if (c.state === 'ESTABLISHED') c.state = 'CLOSE_WAIT';
        else if (c.state === 'FIN_WAIT_1') c.state = 'CLOSING';
        else if (c.state === 'FIN_WAIT_2') c.state = 'TIME_WAIT';
      }
      this.ack(c);
    }
  }

  private peerOptions(c: Conn, options: TcpOption[]): void {
    for (const o of options) {
      if (o.type === 'mss') c.peerMss = o.mss;
      if (o.type === 'wscale') c.peerWscale = o.shift;
      if (o.type === 'sack-permitted') c.sackOk = true;
      if (o.type === 'timestamps') {
        c.ts = true;
        c.tsRecent = o.tsval;
      }
    }
  }

  private sendFin(c: Conn): void {
    if (c.wrClosed) return;
    c.wrClosed = true;
    if (c.state === 'ESTABLISHED') c.state = 'FIN_WAIT_1';
    else if (c.state === 'CLOSE_WAIT') c.state = 'LAST_ACK';
    else return;
    this.xmit(c, TcpFlags.FIN | TcpFlags.ACK, c.sndNxt, new Uint8Array(0));
    c.sndNxt = seqAdd(c.sndNxt, 1);
  }

  private ack(c: Conn): void {
    this.xmit(c, TcpFlags.ACK, c.sndNxt, new Uint8Array(0));
  }

  private tsVal(): number {
    return (Math.floor(this.t / this.cfg.tsTickUs) + this.cfg.tsOffset) >>> 0;
  }

  private xmit(c: Conn, flags: number, seq: number, payload: Uint8Array, synOpts?: TcpOption[], ackOverride?: number): void {
    const options = synOpts ?? (c.ts ? [{ type: 'nop' }, { type: 'nop' }, { type: 'timestamps', tsval: this.tsVal(), tsecr: c.tsRecent }] as TcpOption[] : []);
    let spec: TcpFrameSpec = {
      srcMac: this.net.localMac, dstMac: this.net.remoteMac, srcIp: this.net.localIp, dstIp: ipv4ToString(c.remoteIp),
      srcPort: c.localPort, dstPort: c.remotePort, seq: seq >>> 0,
      ack: ackOverride ?? (flags & TcpFlags.ACK ? c.rcvNxt : 0), flags, window: flags & TcpFlags.RST ? 0 : this.cfg.window, options, payload,
    };
    if (this.cfg.mutate) spec = this.cfg.mutate(spec, this.sent);
    this.sent++;
    this.emit(buildTcpFrame(spec));
  }

  private emit(frame: Uint8Array): void {
    this.scheduled.push({ timeUs: this.t + this.cfg.latencyUs, frame });
    this.release();
  }

  private release(): void {
    for (let i = 0; i < this.scheduled.length;) {
      if (this.scheduled[i]!.timeUs <= this.t) this.out.push(this.scheduled.splice(i, 1)[0]!);
      else i++;
    }
  }
}

function ok<T>(value: T): SysResult<T> {
  return { ok: true, value };
}
function err(errno: string): { ok: false; errno: string } {
  return { ok: false, errno };
}

/** A target that accepts every call and never sends anything (for classification sweeps). */
export class SilentTarget implements PacketdrillTarget {
  private t = 0;
  private fd = 3;
  now(): number { return this.t; }
  runUntil(timeUs: number): void { this.t = timeUs; }
  nextActivityUs(): number | null { return null; }
  injectFrame(): void {}
  takeOutbound(): EmittedFrame[] { return []; }
  socket(): SysResult { return ok(this.fd++); }
  bind(): SysResult { return ok(0); }
  listen(): SysResult { return ok(0); }
  accept(): SysResult { return err('EAGAIN'); }
  connect(): SysResult { return err('EINPROGRESS'); }
  recv(): SysResult<Uint8Array> { return err('EAGAIN'); }
  send(_fd: number, data: Uint8Array): SysResult { return ok(data.length); }
  shutdown(): SysResult { return ok(0); }
  close(): SysResult { return ok(0); }
  getsockopt(): SysResult { return ok(0); }
  setsockopt(): SysResult { return ok(0); }
}
