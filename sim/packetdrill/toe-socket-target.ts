/**
 * The socket calls of a packetdrill target over a TOE's host API, once for both TOEs: the TS model
 * (./toe-target.ts, over sim/toe_model/host.ts) and the RTL (./rtl-target.ts, over sim/toe_rtl/host.ts's real
 * rings). The fd table, errno rules (Linux's), listen/accept/connect/send/shutdown/close and the socket options
 * live here; a subclass says how time moves (settle, waits), where received bytes are, and what its host can see.
 * The mapping itself is described in ./toe-target.ts's header.
 */
import type { CommandOf } from '../../firmware/api.ts';
import { HostNote } from '../../firmware/api.ts';
import type { FwConfig } from '../../firmware/config.ts';
import type { ConnTable } from '../../firmware/conn.ts';
import type { Ipv4Input } from '../packet/index.ts';
import type { HostSocket } from '../toe_model/host.ts';
import { ERRNO_NUMBERS, type GetSockOpt, type PacketdrillNetwork, type SetSockOpt, type ShutdownHow, type SockAddr, type SysResult } from './runner/target.ts';
import { newFd, takeError, type ToeFd } from './toe-sockets.ts';

/** The host API both TOEs offer (HostStack, RtlHost). */
export interface SocketHost {
  readonly notes: readonly CommandOf<'HOST_NOTE'>[];
  listen(port: number): void;
  accept(port: number): HostSocket | undefined;
  connect(ip: Ipv4Input, port: number, localPort?: number): HostSocket;
  send(s: HostSocket, data: Uint8Array): void;
  close(s: HostSocket): void;
  abort(s: HostSocket): void;
}

/** What the socket layer reads of a TOE: its host and the firmware's configuration and connections. */
export interface SocketToe { readonly host: SocketHost; readonly fwCfg: FwConfig; readonly fwConns: ConnTable }

/** How long (simulated) a listen() waits for the firmware's LISTEN_DONE. */
const LISTEN_WAIT_NS = 100_000;

export const ok = (value = 0): SysResult => ({ ok: true, value });
export const err = (errno: string): { ok: false; errno: string } => ({ ok: false, errno });
const EMPTY = new Uint8Array(0);

export abstract class ToeSocketTarget {
  protected readonly noteLines: string[] = [];
  protected readonly fds = new Map<number, ToeFd>();
  /** Connections closed while still connecting: aborted once the firmware names them. */
  protected orphans: HostSocket[] = [];

  constructor(readonly net: PacketdrillNetwork, protected readonly toe: SocketToe) {}

  /** The runner copies these into RunResult.notes. */
  notes(): readonly string[] { return this.noteLines; }

  // --- what a target supplies ------------------------------------------------------------------

  /** Let work in flight finish before a call gives the TOE work or looks at it (now() moves on by that much). */
  protected abstract settle(): void;
  /** Before a call that only looks (accept, recv, connect's retries, getsockopt); the RTL keeps a warp going. */
  protected look(): void { this.settle(); }
  /** Just before the TOE gets work inside a call that only looked until then (connect's HOST_CONNECT). */
  protected beforeWork(): void {}
  /** Run until `done()` or `ns` of simulated time have passed. */
  protected abstract waitFor(done: () => boolean, ns: number): void;
  /** Up to `max` received bytes, consumed unless `peek`; null when none are ready. */
  protected abstract takeReceived(f: ToeFd, s: HostSocket, max: number, peek: boolean): Uint8Array | null;
  /** The peer's FIN reached the application's side (reads now return end of stream). */
  protected abstract finReceived(f: ToeFd, s: HostSocket): boolean;
  /** Received bytes the application has not read (close() then aborts, RFC 2525 §2.17). */
  protected abstract hasUnread(s: HostSocket): boolean;
  /** Move a newly seen connection failure into the fd's pending error (once). */
  protected abstract syncError(f: ToeFd): void;
  /** Bytes the socket's send buffer holds: queued in the TOE, or handed over and not yet copied. */
  protected abstract sendBufferUsed(f: ToeFd): number;
  /** Stop listening on `port` (HOST_UNLISTEN). */
  protected abstract unlisten(port: number): void;

  // --- sockets ---------------------------------------------------------------------------------

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
    const { host } = this.toe;
    const before = host.notes.length;
    host.listen(f.port);
    // As a blocking driver call: a SYN injected at the same instant finds the port open.
    const done = () => host.notes.slice(before).some((n) => n.note === HostNote.LISTEN_DONE && n.local_port === f.port);
    this.waitFor(done, LISTEN_WAIT_NS);
    if (!done()) return err('ENOBUFS');
    f.kind = 'listener';
    return ok();
  }

  accept(fd: number): SysResult {
    this.look();
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
    this.look();
    const f = this.fds.get(fd);
    if (!f) return err('EBADF');
    if (f.kind === 'listener') return err('EISCONN');
    if (f.kind === 'new') {
      f.kind = 'conn';
      this.beforeWork();
      f.sock = this.toe.host.connect(addr.ip, addr.port, f.port);
      return err('EINPROGRESS');
    }
    this.syncError(f);
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
    this.look();
    const f = this.fds.get(fd);
    if (!f) return err('EBADF');
    if (f.kind !== 'conn' || !f.sock) return err('ENOTCONN');
    const s = f.sock;
    if (f.rdShut) return { ok: true, value: EMPTY };
    const data = maxBytes > 0 ? this.takeReceived(f, s, maxBytes, opts.peek) : null;
    if (data) return { ok: true, value: data };
    this.syncError(f);
    const e = takeError(f);
    if (e) return err(e);
    if (s.state === 'connecting') return err('EAGAIN');
    if (s.state === 'failed' || s.freed || this.finReceived(f, s)) return { ok: true, value: EMPTY };
    return err('EAGAIN');
  }

  send(fd: number, data: Uint8Array): SysResult {
    this.settle();
    const f = this.fds.get(fd);
    if (!f) return err('EBADF');
    if (f.kind !== 'conn' || !f.sock) return err('ENOTCONN');
    const s = f.sock;
    this.syncError(f);
    const e = takeError(f);
    if (e) return err(e);
    if (f.wrShut || s.state === 'failed' || s.state === 'closed' || s.freed) return err('EPIPE');
    if (s.state === 'connecting') return err('EAGAIN');
    if (data.length === 0) return ok(0);
    const room = this.toe.fwCfg.sndbuf - this.sendBufferUsed(f);
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
    const { host } = this.toe;
    if (f.kind === 'listener') {
      // Connections established and never accepted are reset, as Linux does.
      const waiting: HostSocket[] = [];
      for (let s = host.accept(f.port); s; s = host.accept(f.port)) waiting.push(s);
      this.unlisten(f.port);
      for (const s of waiting) host.abort(s);
      return ok();
    }
    const s = f.sock;
    if (!s || s.freed || s.state === 'failed') return ok();
    // No connection index until the handshake ends: abort it then (Linux would drop it silently in SYN-SENT).
    if (s.state === 'connecting') { this.orphans.push(s); return ok(); }
    if (this.hasUnread(s)) { host.abort(s); return ok(); }
    this.sendFin(f);
    return ok();
  }

  getsockopt(fd: number, opt: GetSockOpt): SysResult {
    this.look();
    const f = this.fds.get(fd);
    if (!f) return err('EBADF');
    switch (opt) {
      case 'SO_ERROR': {
        this.syncError(f);
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
    const { fwCfg } = this.toe;
    if (opt === 'TCP_NODELAY' && (value !== 0) === !fwCfg.nagle) return ok();
    const why = opt === 'TCP_NODELAY'
      ? `Nagle is ${fwCfg.nagle ? 'on' : 'off'} for every connection (firmware config nagle)`
      : `${opt} is fixed for every connection by the firmware configuration (${opt === 'TCP_MAXSEG' ? 'mss' : opt === 'SO_RCVBUF' ? 'rcvbuf' : 'sndbuf'})`;
    this.noteLines.push(`setsockopt(${fd}, ${opt}, ${value}): ENOPROTOOPT: ${why}`);
    return err('ENOPROTOOPT');
  }

  // --- helpers ---------------------------------------------------------------------------------

  /** Connections closed while connecting, now named by the firmware: aborted (call after running). */
  protected reapOrphans(): void {
    if (this.orphans.length === 0) return;
    this.orphans = this.orphans.filter((s) => {
      if (s.state === 'connecting') return true;
      if (s.state === 'open' && !s.freed) { this.beforeWork(); this.toe.host.abort(s); }
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
