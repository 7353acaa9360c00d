// The host's view of the TOE: a socket-like API over the command ring, send buffers and completions.
// Calls return at once; results arrive as the simulation runs (check socket fields, or use the run helpers).
import { event, type CommandOf } from '../../firmware/api.ts';
import { toIpv4, type Ipv4Input } from '../packet/index.ts';
import type { Toe } from './toe.ts';
import { applyHostNote, type SocketBook } from './host-notes.ts';

export type SocketState = 'connecting' | 'open' | 'failed' | 'closed';

export class HostSocket {
  conn = -1;
  state: SocketState = 'connecting';
  /** CloseReason of a failure (refused, reset, timeout). */
  error: number | undefined;
  /** The peer's FIN was read: no more data. */
  eof = false;
  /** The TOE released the connection (after TIME-WAIT, LAST-ACK, reset or abort). */
  freed = false;
  readonly chunks: Uint8Array[] = [];
  received = 0;
  sendsPending = 0;
  sendsFailed = 0;
  bytesSent = 0;
  remoteIp = 0; remotePort = 0; localPort = 0;

  /** Everything received so far, in one buffer. */
  data(): Uint8Array {
    const out = new Uint8Array(this.received);
    let o = 0;
    for (const c of this.chunks) { out.set(c, o); o += c.length; }
    return out;
  }
}

export class HostStack {
  /** Read received data as soon as it arrives (an application that always has a buffer posted). */
  autoRead = true;
  private readonly byConn = new Map<number, HostSocket>();
  private readonly connecting = new Map<number, HostSocket>();
  private readonly acceptQueues = new Map<number, HostSocket[]>();
  private readonly sendReqs = new Map<number, HostSocket>();
  private nextReq = 1;
  readonly notes: CommandOf<'HOST_NOTE'>[] = [];

  constructor(private readonly toe: Toe) {}

  private req(): number {
    for (let i = 0; i < 0xffff; i++) {
      const r = this.nextReq;
      this.nextReq = (this.nextReq % 0xfffe) + 1;
      if (!this.sendReqs.has(r) && !this.connecting.has(r)) return r;
    }
    throw new Error('host: no free request id');
  }

  listen(port: number): void {
    if (!this.acceptQueues.has(port)) this.acceptQueues.set(port, []);
    this.toe.hostCommand(event('HOST_LISTEN', { req: this.req(), local_port: port }));
  }

  /** The next connection accepted on `port`, if one is waiting. */
  accept(port: number): HostSocket | undefined { return this.acceptQueues.get(port)?.shift(); }

  connect(ip: Ipv4Input, port: number, localPort = 0): HostSocket {
    const s = new HostSocket();
    s.remoteIp = toIpv4(ip); s.remotePort = port; s.localPort = localPort;
    const req = this.req();
    this.connecting.set(req, s);
    this.toe.hostCommand(event('HOST_CONNECT', { req, remote_ip: s.remoteIp, remote_port: port, local_port: localPort }));
    return s;
  }

  send(s: HostSocket, data: Uint8Array): void {
    if (s.conn < 0) throw new Error('host: send on a socket that is not connected');
    const req = this.req();
    this.sendReqs.set(req, s);
    s.sendsPending++;
    this.toe.hostSendBuffer(req, s.conn, data);
    this.toe.hostCommand(event('HOST_SEND', { req, conn: s.conn, len: data.length }));
  }

  close(s: HostSocket): void { this.toe.hostCommand(event('HOST_CLOSE', { req: this.req(), conn: s.conn })); }

  abort(s: HostSocket): void { this.toe.hostCommand(event('HOST_ABORT', { req: this.req(), conn: s.conn })); }

  /** Read up to `max` received bytes into the socket (DMA into a user buffer). */
  read(s: HostSocket, max = Infinity): number {
    if (s.conn < 0 || s.freed) return 0;
    const { data, eof } = this.toe.readReceived(s.conn, Math.min(max, 1 << 30));
    if (data.length > 0) { s.chunks.push(data); s.received += data.length; }
    if (eof) s.eof = true;
    return data.length;
  }

  /** The hardware put data (or the FIN) in a receive queue. */
  readable(conn: number): void {
    if (!this.autoRead) return;
    const s = this.byConn.get(conn);
    if (s) this.read(s);
  }

  /** A HOST_NOTE command from the firmware (a completion or notification). */
  note(n: CommandOf<'HOST_NOTE'>): void {
    this.notes.push(n);
    applyHostNote(this.book, n);
  }

  /** The socket bookkeeping ./host-notes.ts updates. */
  private readonly book: SocketBook = {
    byConn: this.byConn, connecting: this.connecting, acceptQueues: this.acceptQueues,
    sendFinished: (req) => {
      const s = this.sendReqs.get(req);
      this.sendReqs.delete(req);
      if (s) s.sendsPending--;
      return s;
    },
  };
}
