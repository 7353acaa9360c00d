// A HOST_NOTE (a completion or notification from the firmware) applied to the host's socket bookkeeping. One
// definition for the host over the TOE model (./host.ts) and the host over the RTL's rings (sim/toe_rtl/host.ts).
import { CloseReason, HostNote, HostStatus, type CommandOf } from '../../firmware/api.ts';
import { HostSocket } from './host.ts';

export interface SocketBook {
  /** Open sockets by connection index. */
  readonly byConn: Map<number, HostSocket>;
  /** connect() calls waiting for CONNECT_DONE, by request id. */
  readonly connecting: Map<number, HostSocket>;
  /** Accepted connections not yet taken, by listening port. */
  readonly acceptQueues: Map<number, HostSocket[]>;
  /** A send request finished: its socket (with its pending count already taken down), or undefined if unknown. */
  sendFinished(req: number): HostSocket | undefined;
}

export function applyHostNote(book: SocketBook, n: CommandOf<'HOST_NOTE'>): void {
  switch (n.note) {
    case HostNote.CONNECT_DONE: {
      const s = book.connecting.get(n.req);
      if (!s) return;
      book.connecting.delete(n.req);
      if (n.status === HostStatus.OK) { s.conn = n.conn; s.state = 'open'; book.byConn.set(n.conn, s); }
      else { s.state = 'failed'; s.error = n.status; s.freed = true; }
      return;
    }
    case HostNote.ACCEPTED: {
      const s = new HostSocket();
      s.conn = n.conn; s.state = 'open';
      s.remoteIp = n.remote_ip; s.remotePort = n.remote_port; s.localPort = n.local_port;
      book.byConn.set(n.conn, s);
      book.acceptQueues.get(n.local_port)?.push(s);
      return;
    }
    case HostNote.SEND_DONE: {
      const s = book.sendFinished(n.req);
      if (!s) return;
      if (n.status === HostStatus.OK) s.bytesSent += n.value;
      else s.sendsFailed++;
      return;
    }
    case HostNote.CONN_ERROR: {
      const s = book.byConn.get(n.conn);
      if (s) { s.state = 'failed'; s.error = n.status; }
      return;
    }
    case HostNote.CONN_FREED: {
      const s = book.byConn.get(n.conn);
      if (!s) return;
      if (s.state === 'open') s.state = 'closed';
      if (n.status !== CloseReason.NORMAL && s.error === undefined) s.error = n.status;
      s.freed = true;
      book.byConn.delete(n.conn);
      return;
    }
    default:
      return;
  }
}
