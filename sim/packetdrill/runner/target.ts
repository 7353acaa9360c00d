/**
 * The system under test as the packetdrill runner sees it: one network port (Ethernet frames in
 * and out, stamped with simulated time) and a socket API.
 *
 * The TOE model (or anything else: a mini TCP, a replayer, an RTL simulation) adapts to this
 * interface. Rules the runner relies on:
 *
 *  - Time is simulated, in integer microseconds, starting at 0. Nothing happens between calls to
 *    `runUntil`; `injectFrame` and the socket calls happen at `now()`.
 *  - Every socket call returns at once ("non-blocking at the interface"), whatever the socket's
 *    O_NONBLOCK state: a call that would block returns errno `EAGAIN` (`accept`, `recv`, `send`)
 *    or `EINPROGRESS` / `EALREADY` (`connect`). The runner emulates blocking calls by advancing
 *    time and calling again (a connect is retried until it returns 0 or `EISCONN`, as POSIX allows
 *    for a non-blocking connect). O_NONBLOCK itself (fcntl) is runner state, never sent here.
 *  - Results are a value or an errno name exactly as Linux spells it (`ECONNRESET`, `EPIPE`, ...).
 *  - File descriptors are the target's own numbers; the runner maps the script's numbers to them.
 *  - Addresses: the target owns `network.localIp` / `localMac`; the script's peer is `remoteIp` /
 *    `remoteMac`. The runner answers ARP requests for `remoteIp` itself (they are not script packets).
 */

/** Address plan of one run. Both sides are in 198.18.0.0/15 (RFC 2544 benchmarking range). */
export interface PacketdrillNetwork {
  /** The target (the TOE): packetdrill's "local" side. */
  localIp: string;
  localMac: string;
  /** The script: packetdrill's "remote" side. */
  remoteIp: string;
  remoteMac: string;
}

export const DEFAULT_NETWORK: Readonly<PacketdrillNetwork> = Object.freeze({
  localIp: '198.18.0.1',
  localMac: '02:00:00:00:00:01',
  remoteIp: '198.18.0.2',
  remoteMac: '02:00:00:00:00:02',
});

/** A call's result: a value, or the errno name Linux would give (`EAGAIN`, `ECONNREFUSED`, ...). */
export type SysResult<T = number> = { ok: true; value: T } | { ok: false; errno: string };

export interface SockAddr {
  /** Dotted quad. */
  ip: string;
  port: number;
}

export interface EmittedFrame {
  /** Simulated time (µs) at which the target put the frame on the wire. */
  timeUs: number;
  /** The Ethernet frame, without FCS. */
  frame: Uint8Array;
}

export type ShutdownHow = 'SHUT_RD' | 'SHUT_WR' | 'SHUT_RDWR';
export type GetSockOpt = 'SO_ERROR' | 'TCP_MAXSEG' | 'SO_RCVBUF' | 'SO_SNDBUF';
export type SetSockOpt = 'TCP_MAXSEG' | 'SO_RCVBUF' | 'SO_SNDBUF' | 'TCP_NODELAY';

export interface PacketdrillTarget {
  // --- time and wire -------------------------------------------------------------------------
  /** Current simulated time in µs (0 when the target is created). */
  now(): number;
  /** Run the target until simulated time `timeUs` (>= now()). Frames it emits are queued. */
  runUntil(timeUs: number): void;
  /** Deliver one Ethernet frame (no FCS) to the target's port at now(). */
  injectFrame(frame: Uint8Array): void;
  /** Remove and return every frame emitted so far, oldest first, with its emission time. */
  takeOutbound(): EmittedFrame[];
  /**
   * Optional speed-up: the earliest time > now() at which the target may act on its own (a timer,
   * a frame leaving a pipeline), or null when it is idle until new input or a call. Without it the
   * runner advances time in fixed steps (RunOptions.stepUs).
   */
  nextActivityUs?(): number | null;
  /**
   * Optional: what the target wants said about the run (a refused option and why, a behaviour it
   * emulates). Read once when the run ends; the lines go into RunResult.notes after the runner's own.
   */
  notes?(): readonly string[];

  // --- sockets (all non-blocking; see the header comment) ------------------------------------
  /** A new TCP socket; returns its fd. */
  socket(): SysResult;
  bind(fd: number, addr: SockAddr): SysResult;
  listen(fd: number, backlog: number): SysResult;
  /** A new fd for an established connection, or EAGAIN. */
  accept(fd: number): SysResult;
  /** 0 when connected; EINPROGRESS on the first call, EALREADY while pending, EISCONN after. */
  connect(fd: number, addr: SockAddr): SysResult;
  /** Up to maxBytes of received data; an empty array means end of stream; EAGAIN when none yet. */
  recv(fd: number, maxBytes: number, opts: { peek: boolean }): SysResult<Uint8Array>;
  /** Bytes accepted (may be fewer than data.length), or EAGAIN when the send buffer is full. */
  send(fd: number, data: Uint8Array): SysResult;
  shutdown(fd: number, how: ShutdownHow): SysResult;
  close(fd: number): SysResult;
  /** SO_ERROR: the pending socket error as an errno number (0 = none; see ERRNO_NUMBERS) and
   *  clears it; TCP_MAXSEG: the MSS in use; SO_RCVBUF / SO_SNDBUF: buffer sizes in bytes. */
  getsockopt(fd: number, opt: GetSockOpt): SysResult;
  setsockopt(fd: number, opt: SetSockOpt, value: number): SysResult;
}

/** Creates a fresh target for one script run. */
export type TargetFactory = (network: PacketdrillNetwork) => PacketdrillTarget;

/** Linux errno numbers, for SO_ERROR values written in scripts (`[ECONNREFUSED]` or `[111]`). */
export const ERRNO_NUMBERS: Readonly<Record<string, number>> = Object.freeze({
  EPERM: 1, ENOENT: 2, EINTR: 4, EIO: 5, EBADF: 9, EAGAIN: 11, ENOMEM: 12, EFAULT: 14, EINVAL: 22,
  EPIPE: 32, ENOTSOCK: 88, EDESTADDRREQ: 89, EMSGSIZE: 90, EPROTOTYPE: 91, ENOPROTOOPT: 92,
  EOPNOTSUPP: 95, EADDRINUSE: 98, EADDRNOTAVAIL: 99, ENETUNREACH: 101, ECONNABORTED: 103,
  ECONNRESET: 104, ENOBUFS: 105, EISCONN: 106, ENOTCONN: 107, ETIMEDOUT: 110, ECONNREFUSED: 111,
  EHOSTUNREACH: 113, EALREADY: 114, EINPROGRESS: 115,
});
