/**
 * The TOE model (sim/toe_model: hardware model + the two firmware cores) as a packetdrill target.
 *
 *   import { createToeTarget } from './sim/packetdrill/toe-target.ts';
 *   runScriptText(text, 'x.pkt', createToeTarget({ fw: { timeWaitUs: 1_000_000 } }));
 *   npx tsx sim/packetdrill/runner/run-dir.ts DIR --target sim/packetdrill/toe-target.ts
 *
 * Wiring: one Toe on its own Scheduler (ns). The MAC's transmit side is captured with the time each
 * frame leaves (after the model's TX latency); injected frames enter the MAC receive side at now()
 * (no wire in between). The script's peer is a static neighbour, so the TOE never needs ARP for it.
 * `nextActivityUs()` is the scheduler's next event, so idle time (timers of seconds) costs nothing.
 *
 * Sockets map onto the host API (sim/toe_model/host.ts) as a driver would (./toe-sockets.ts):
 *  - listen(): HOST_LISTEN, and the call returns when the firmware confirms it (LISTEN_DONE, well
 *    under 1 µs of simulated time), as a blocking driver call would; a SYN injected at the same
 *    instant therefore finds the port open. close() of a listener: HOST_UNLISTEN, and connections
 *    established but never accepted are aborted (RST), as Linux does.
 *  - accept(): the next ACCEPTED connection on the port. connect(): HOST_CONNECT (EINPROGRESS,
 *    EALREADY while the handshake runs, then the failure's errno, or 0 once and EISCONN after, as Linux).
 *  - send(): HOST_SEND of at most the free send buffer (SO_SNDBUF = the firmware's sndbuf less the
 *    bytes queued or not yet copied); recv(): reads the TOE's receive queue (MSG_PEEK reads the skbs
 *    in place). Received data stays in the TOE until read, so its window closes as a real one would.
 *  - shutdown(SHUT_WR) and close(): HOST_CLOSE (FIN after the queued data). close() with unread data:
 *    HOST_ABORT (RST; RFC 2525 §2.17, Linux). SHUT_RD is driver state (reads return end of stream).
 *  - getsockopt SO_ERROR (pending error, cleared), TCP_MAXSEG (the MSS the TX core segments to;
 *    536 before a connection exists, as Linux), SO_RCVBUF / SO_SNDBUF (firmware config).
 *  - setsockopt: TCP_NODELAY matching the firmware's Nagle setting is accepted; everything else the
 *    TOE fixes at boot for all connections (TCP_MAXSEG, buffer sizes, Nagle) fails with ENOPROTOOPT,
 *    and `notes` says why.
 */
import { event, HostNote } from '../../firmware/api.ts';
import type { FwConfig } from '../../firmware/config.ts';
import { Scheduler } from '../toe_model/scheduler.ts';
import { Toe, type ToeConfig } from '../toe_model/toe.ts';
import type { HostSocket } from '../toe_model/host.ts';
import type {
  EmittedFrame, GetSockOpt, PacketdrillNetwork, PacketdrillTarget, SetSockOpt, ShutdownHow, SockAddr, SysResult, TargetFactory,
} from './runner/target.ts';
import { ERRNO_NUMBERS } from './runner/target.ts';
import {
  newFd, peekReceived, peerFinReceived, queuedBytes, sendBufferUsed, syncError, takeError, type ToeFd,
} from './toe-sockets.ts';

export interface ToeTargetOptions {
  /** Hardware model parameters (latencies, delayed-ACK time, skb pool, ...). */
  toe?: Partial<Omit<ToeConfig, 'name' | 'mac' | 'ip' | 'fw'>>;
  /** Firmware parameters (MSS, window scale, buffers, timers, ...). */
  fw?: Partial<FwConfig>;
}

/** Req ids for host commands this driver issues itself (the HostStack's own ids stay below 0xfffe). */
const DRIVER_REQ = 0xffff;
/** How long (simulated) a listen() waits for the firmware's LISTEN_DONE. */
const LISTEN_WAIT_NS = 100_000;
/** settle(): the pipeline is quiet when nothing is due within this gap; never run longer than the limit. */
const SETTLE_GAP_NS = 2_000;
const SETTLE_LIMIT_NS = 50_000;
/** Events one runUntil() may execute (a 256 KiB transfer takes a few thousand). */
const MAX_EVENTS_PER_RUN = 2_000_000;

const ok = (value = 0): SysResult => ({ ok: true, value });
const err = (errno: string): { ok: false; errno: string } => ({ ok: false, errno });

export class ToeTarget implements PacketdrillTarget {
  readonly sched = new Scheduler();
  readonly toe: Toe;
  /** Why a call was refused where the reason is not obvious from the errno (unsupported options). */
  private readonly noteLines: string[] = [];
  private readonly out: EmittedFrame[] = [];

  /** The runner copies these into RunResult.notes. */
  notes(): readonly string[] { return this.noteLines; }
  private readonly fds = new Map<number, ToeFd>();
  private t = 0;
  /** Connections closed while still connecting: aborted once the firmware names them. */
  private orphans: HostSocket[] = [];

  constructor(readonly net: PacketdrillNetwork, opts: ToeTargetOptions = {}) {
    this.toe = new Toe(this.sched, {
      ...opts.toe, name: 'toe', mac: net.localMac, ip: net.localIp, fw: { ...opts.fw },
      neighbours: [[net.remoteIp, net.remoteMac], ...(opts.toe?.neighbours ?? [])],
    });
    this.toe.host.autoRead = false; // data stays in the TOE until the script reads it
    this.toe.attach((frame) => this.out.push({ timeUs: Math.floor(this.sched.now / 1000), frame }));
  }

  // --- time and wire -------------------------------------------------------------------------

  now(): number { return this.t; }

  /**
   * Let work already in flight finish before a socket call looks at the TOE: packetdrill's reference
   * stacks process an injected packet before the script's next event, while the TOE needs a few
   * µs of pipeline and firmware time (a RST injected at 0.1 s and `+0 getsockopt(SO_ERROR)` must
   * see the reset). Runs events until both cores are idle with nothing due within SETTLE_GAP_NS, at
   * most SETTLE_LIMIT_NS; now() moves on by that much (far inside any script tolerance).
   */
  private settle(): void {
    const limit = this.sched.now + SETTLE_LIMIT_NS;
    const quiet = () => this.toe.rxCore.idle && this.toe.txCore.idle && this.sched.nextAt > this.sched.now + SETTLE_GAP_NS;
    this.sched.runUntil(quiet, limit);
    this.t = Math.max(this.t, Math.floor(this.sched.now / 1000));
  }

  runUntil(timeUs: number): void {
    if (timeUs < this.t) throw new Error(`toe target: runUntil(${timeUs}) is before now (${this.t})`);
    // A livelock (events re-scheduling themselves at one instant) would hang the run: stop it loudly.
    const cap = this.sched.executed + MAX_EVENTS_PER_RUN;
    this.sched.runUntil(() => this.sched.executed > cap, timeUs * 1000);
    if (this.sched.executed > cap) throw new Error(`toe target: more than ${MAX_EVENTS_PER_RUN} events before ${timeUs} us (now ${this.sched.now} ns): livelock in the TOE model`);
    this.sched.runTo(timeUs * 1000);
    this.t = timeUs;
    if (this.orphans.length > 0) this.reapOrphans();
  }

  injectFrame(frame: Uint8Array): void { this.toe.receiveFrame(frame); }

  takeOutbound(): EmittedFrame[] { return this.out.splice(0); }

  nextActivityUs(): number | null {
    const at = this.sched.nextAt;
    return Number.isFinite(at) ? Math.max(this.t + 1, Math.ceil(at / 1000)) : null;
  }

  // --- sockets -------------------------------------------------------------------------------

  socket(): SysResult {
    let fd = 3;
    while (this.fds.has(fd)) fd++;
    this.fds.set(fd, newFd('new'));
    return ok(fd);
  }

  bind(fd: number, addr: SockAddr): SysResult {
    const f = this.fds.get(fd);
    if (!f) return err('EBADF');
    if (f.kind !== 'new' || f.port !== 0) return err('EINVAL');
    if (addr.ip !== this.net.localIp && addr.ip !== '0.0.0.0') return err('EADDRNOTAVAIL');
    for (const g of this.fds.values()) if (g !== f && g.port === addr.port && g.kind === 'listener') return err('EADDRINUSE');
    f.port = addr.port;
    return ok();
  }

  listen(fd: number, _backlog: number): SysResult {
    this.settle();
    const f = this.fds.get(fd);
    if (!f) return err('EBADF');
    if (f.kind === 'listener') return ok();
    if (f.kind !== 'new' || f.port === 0) return err(f.kind === 'new' ? 'EDESTADDRREQ' : 'EINVAL');
    const before = this.toe.host.notes.length;
    this.toe.host.listen(f.port);
    const done = () => this.toe.host.notes.slice(before).some((n) => n.note === HostNote.LISTEN_DONE && n.local_port === f.port);
    this.sched.runUntil(done, this.sched.now + LISTEN_WAIT_NS);
    if (!done()) return err('ENOBUFS');
    f.kind = 'listener';
    return ok();
  }

  accept(fd: number): SysResult {
    this.settle();
    const f = this.fds.get(fd);
    if (!f) return err('EBADF');
    if (f.kind !== 'listener') return err('EINVAL');
    const s = this.toe.host.accept(f.port);
    if (!s) return err('EAGAIN');
    const r = this.socket();
    if (r.ok) this.fds.set(r.value, { ...newFd('conn', s, f.port), connectReported: true });
    return r;
  }

  connect(fd: number, addr: SockAddr): SysResult {
    this.settle();
    const f = this.fds.get(fd);
    if (!f) return err('EBADF');
    if (f.kind === 'listener') return err('EISCONN');
    if (f.kind === 'new') {
      f.kind = 'conn';
      f.sock = this.toe.host.connect(addr.ip, addr.port, f.port);
      return err('EINPROGRESS');
    }
    syncError(this.toe, f);
    const e = takeError(f);
    if (e) return err(e);
    const s = f.sock!;
    if (s.state === 'connecting') return err('EALREADY');
    // Linux: the first connect() after a non-blocking one completed returns 0, later ones EISCONN.
    if (f.connectReported || s.state !== 'open') return err('EISCONN');
    f.connectReported = true;
    return ok();
  }

  recv(fd: number, maxBytes: number, opts: { peek: boolean }): SysResult<Uint8Array> {
    this.settle();
    const f = this.fds.get(fd);
    if (!f) return err('EBADF');
    if (f.kind !== 'conn' || !f.sock) return err('ENOTCONN');
    const s = f.sock;
    if (f.rdShut) return { ok: true, value: new Uint8Array(0) };
    const queued = queuedBytes(this.toe, s);
    if (queued > 0 && maxBytes > 0) {
      if (opts.peek) return { ok: true, value: peekReceived(this.toe, s, maxBytes) };
      return { ok: true, value: this.toe.readReceived(s.conn, maxBytes).data };
    }
    syncError(this.toe, f);
    const e = takeError(f);
    if (e) return err(e);
    if (s.state === 'connecting') return err('EAGAIN');
    if (s.state === 'failed' || s.freed || peerFinReceived(this.toe, s)) return { ok: true, value: new Uint8Array(0) };
    return err('EAGAIN');
  }

  send(fd: number, data: Uint8Array): SysResult {
    this.settle();
    const f = this.fds.get(fd);
    if (!f) return err('EBADF');
    if (f.kind !== 'conn' || !f.sock) return err('ENOTCONN');
    const s = f.sock;
    syncError(this.toe, f);
    const e = takeError(f);
    if (e) return err(e);
    if (f.wrShut || s.state === 'failed' || s.state === 'closed' || s.freed) return err('EPIPE');
    if (s.state === 'connecting') return err('EAGAIN');
    if (data.length === 0) return ok(0);
    const room = this.toe.fwCfg.sndbuf - sendBufferUsed(this.toe, f);
    if (room <= 0) return err('EAGAIN');
    const n = Math.min(room, data.length);
    this.toe.host.send(s, data.slice(0, n));
    f.submitted += n;
    return ok(n);
  }

  shutdown(fd: number, how: ShutdownHow): SysResult {
    this.settle();
    const f = this.fds.get(fd);
    if (!f) return err('EBADF');
    if (f.kind !== 'conn' || !f.sock || f.sock.state === 'connecting') return err('ENOTCONN');
    if (how !== 'SHUT_WR') f.rdShut = true;
    if (how !== 'SHUT_RD') this.sendFin(f);
    return ok();
  }

  close(fd: number): SysResult {
    this.settle();
    const f = this.fds.get(fd);
    if (!f) return err('EBADF');
    this.fds.delete(fd);
    if (f.kind === 'listener') {
      this.toe.hostCommand(event('HOST_UNLISTEN', { req: DRIVER_REQ, local_port: f.port }));
      for (let s = this.toe.host.accept(f.port); s; s = this.toe.host.accept(f.port)) this.toe.host.abort(s);
      return ok();
    }
    const s = f.sock;
    if (!s || s.freed || s.state === 'failed') return ok();
    // No connection index until the handshake ends: abort it then (Linux would drop it silently in SYN-SENT).
    if (s.state === 'connecting') { this.orphans.push(s); return ok(); }
    if (queuedBytes(this.toe, s) > 0) { this.toe.host.abort(s); return ok(); }
    this.sendFin(f);
    return ok();
  }

  getsockopt(fd: number, opt: GetSockOpt): SysResult {
    this.settle();
    const f = this.fds.get(fd);
    if (!f) return err('EBADF');
    switch (opt) {
      case 'SO_ERROR': {
        syncError(this.toe, f);
        const e = takeError(f);
        return ok(e ? (ERRNO_NUMBERS[e] ?? 0) : 0);
      }
      case 'TCP_MAXSEG': {
        const c = f.sock && f.sock.conn >= 0 ? this.toe.fwConns.get(f.sock.conn) : undefined;
        return ok(c && c.state !== 0 ? c.sndMss : 536); // RFC 9293 §3.7.1 default before negotiation, as Linux
      }
      case 'SO_RCVBUF': return ok(this.toe.fwCfg.rcvbuf);
      case 'SO_SNDBUF': return ok(this.toe.fwCfg.sndbuf);
    }
  }

  setsockopt(fd: number, opt: SetSockOpt, value: number): SysResult {
    const f = this.fds.get(fd);
    if (!f) return err('EBADF');
    if (opt === 'TCP_NODELAY' && (value !== 0) === !this.toe.fwCfg.nagle) return ok();
    const why = opt === 'TCP_NODELAY'
      ? `Nagle is ${this.toe.fwCfg.nagle ? 'on' : 'off'} for every connection (firmware config nagle)`
      : `${opt} is fixed for every connection by the firmware configuration (${opt === 'TCP_MAXSEG' ? 'mss' : opt === 'SO_RCVBUF' ? 'rcvbuf' : 'sndbuf'})`;
    this.noteLines.push(`setsockopt(${fd}, ${opt}, ${value}): ENOPROTOOPT: ${why}`);
    return err('ENOPROTOOPT');
  }

  // --- helpers -------------------------------------------------------------------------------

  private reapOrphans(): void {
    this.orphans = this.orphans.filter((s) => {
      if (s.state === 'connecting') return true;
      if (s.state === 'open' && !s.freed) this.toe.host.abort(s);
      return false;
    });
  }

  /** HOST_CLOSE once: the FIN follows the queued data. */
  private sendFin(f: ToeFd): void {
    const s = f.sock;
    if (f.wrShut || !s || s.freed || s.state !== 'open') return;
    f.wrShut = true;
    this.toe.host.close(s);
  }
}

/** A TargetFactory for the TOE with the given configuration (defaults: the model's and firmware's). */
export function createToeTarget(opts: ToeTargetOptions = {}): TargetFactory {
  return (net) => new ToeTarget(net, opts);
}

/** The default TOE, for `run-dir.ts --target sim/packetdrill/toe-target.ts`. */
export const createTarget: TargetFactory = createToeTarget();
export default createTarget;
