/**
 * The socket layer a host driver puts over the TOE's command API (sim/toe_model/host.ts), as the
 * packetdrill target needs it: file descriptors, Linux errno semantics, and reads that leave data in
 * the TOE until the application consumes it (so the advertised window shrinks as a real one would).
 *
 * The TOE itself has no sockets: HOST_LISTEN opens a port, connections arrive as ACCEPTED notes,
 * HOST_CLOSE means "send a FIN after the queued data" (shutdown(SHUT_WR)), HOST_ABORT sends a RST.
 * Everything else here (SHUT_RD, pending SO_ERROR, the send-buffer limit) is driver state.
 */
import { CloseReason } from '../../firmware/api.ts';
import type { HostSocket } from '../toe_model/host.ts';
import type { Toe } from '../toe_model/toe.ts';

export type FdKind = 'new' | 'listener' | 'conn';

export interface ToeFd {
  kind: FdKind;
  /** Local port from bind() (0 = none). */
  port: number;
  /** The TOE connection behind a 'conn' fd (connect() or accept()). */
  sock: HostSocket | null;
  /** shutdown(SHUT_WR) or close() sent the FIN. */
  wrShut: boolean;
  /** shutdown(SHUT_RD): reads return end of stream. */
  rdShut: boolean;
  /** Linux sk_err: set once when the connection fails, cleared when a call reports it. */
  pendingError: string | null;
  /** The failure was already turned into pendingError (it is reported once). */
  failureSeen: boolean;
  /** Bytes handed to the TOE with HOST_SEND. */
  submitted: number;
  /** A connect() after the handshake already returned 0 (later ones get EISCONN, as Linux). */
  connectReported: boolean;
  /** A read returned end of stream (the peer's FIN reached the application). */
  eofRead?: boolean;
}

export function newFd(kind: FdKind, sock: HostSocket | null = null, port = 0): ToeFd {
  return { kind, port, sock, wrShut: false, rdShut: false, pendingError: null, failureSeen: false, submitted: 0, connectReported: false };
}

/**
 * The errno Linux gives a connection that failed for `reason` (RFC 9293 §3.10.7.4 via Linux's
 * tcp_reset(): ECONNREFUSED in SYN-SENT, EPIPE in CLOSE-WAIT, ECONNRESET otherwise).
 */
export function failureErrno(reason: number | undefined, opts: { connecting: boolean; peerFinRead: boolean }): string {
  switch (reason) {
    case CloseReason.REFUSED: return 'ECONNREFUSED';
    case CloseReason.TIMEOUT: return 'ETIMEDOUT';
    case CloseReason.ABORTED: return 'ECONNABORTED';
    case CloseReason.RESET: return opts.connecting ? 'ECONNREFUSED' : opts.peerFinRead ? 'EPIPE' : 'ECONNRESET';
    default: return 'ECONNRESET';
  }
}

/** Move a newly seen connection failure into the fd's pending error (once). */
export function syncError(toe: Toe, f: ToeFd): void {
  const s = f.sock;
  if (!s || f.failureSeen || s.state !== 'failed') return;
  f.failureSeen = true;
  const hw = s.conn >= 0 ? toe.hwConn(s.conn) : undefined;
  f.pendingError = failureErrno(s.error, { connecting: s.conn < 0, peerFinRead: s.eof || (hw?.eof ?? false) });
}

/** Take the pending error (Linux sock_error()). */
export function takeError(f: ToeFd): string | null {
  const e = f.pendingError;
  f.pendingError = null;
  return e;
}

/** The TOE connection's receive queue, if the connection still exists. */
function liveConn(toe: Toe, s: HostSocket) {
  if (s.conn < 0 || s.freed) return undefined;
  return toe.hwConn(s.conn);
}

/** Bytes waiting in the TOE's receive queue for the user. */
export function queuedBytes(toe: Toe, s: HostSocket): number {
  return liveConn(toe, s)?.rqBytes ?? 0;
}

/** The peer's FIN has been consumed by the TOE (end of stream after the queued bytes). */
export function peerFinReceived(toe: Toe, s: HostSocket): boolean {
  return s.eof || (liveConn(toe, s)?.eof ?? false);
}

/** Up to `max` queued bytes without consuming them (MSG_PEEK): read from the skbs in place. */
export function peekReceived(toe: Toe, s: HostSocket, max: number): Uint8Array {
  const c = liveConn(toe, s);
  if (!c) return new Uint8Array(0);
  const out = new Uint8Array(Math.min(max, c.rqBytes));
  let pos = 0;
  for (const r of c.recvQueue) {
    if (pos >= out.length) break;
    const k = Math.min(r.len, out.length - pos);
    out.set(toe.pool.data[r.skb]!.subarray(r.off, r.off + k), pos);
    pos += k;
  }
  return out;
}

/** Bytes the socket's send buffer still holds: queued in the TOE, or handed over and not yet copied. */
export function sendBufferUsed(toe: Toe, f: ToeFd): number {
  const s = f.sock;
  if (!s) return 0;
  const notCopied = f.submitted - s.bytesSent; // conservative: a request counts whole until SEND_DONE
  const c = liveConn(toe, s);
  return Math.max(0, notCopied) + (c?.sqBytes ?? 0);
}
