// The reference model of host_glue, written from the TS model's behaviour (sim/toe_model/toe.ts: hostSendBuffer,
// copyIn, HOST_NOTE; host.ts) and host_glue's documented refusals. It says, for each input in order, which event,
// appended bytes or completion must come out. tx_engine's nomem is a byte budget both sides share.
import { event, HostNote, type CommandOf, type EventOf, type FwCommand, type FwEvent } from '../../firmware/api.ts';
import type { SparseMemory } from '../../sim/host/sparse-memory.ts';

export interface PendingSend { conn: number; addr: number; len: number; offset: number }
export interface NoteCplValues { kind: number; note: number; status: number; req: number; conn: number; localPort: number; arg: number; remotePort: number }
export interface Expected { events: FwEvent[]; appends: { conn: number; bytes: Uint8Array }[]; notes: NoteCplValues[]; badHreq: number; badCopy: number }

/** A deliberate bug for the can-it-fail check. */
export type ModelBug = 'none' | 'offset-not-advanced' | 'note-arg-always-value';

export class GlueModel {
  readonly sends = new Map<number, PendingSend>();
  readonly out: Expected = { events: [], appends: [], notes: [], badHreq: 0, badCopy: 0 };
  /** Bytes tx_engine's stand-in will still take (nomem beyond). */
  budget = Infinity;

  constructor(private readonly host: SparseMemory, private readonly tableSize: number, private readonly bug: ModelBug = 'none') {}

  /** A TX descriptor at ring index `req`. */
  txDesc(req: number, d: { conn: number; addr: number; len: number }): void {
    this.sends.set(req, { ...d, offset: 0 });
    this.out.events.push(event('HOST_SEND', { req, conn: d.conn, len: d.len }));
  }

  hreq(cmd: FwCommand): void {
    if (cmd.kind === 'COPY_IN') return this.copyIn(cmd);
    if (cmd.kind === 'HOST_NOTE') return this.note(cmd);
    this.out.badHreq++;
  }

  private copyIn(cmd: CommandOf<'COPY_IN'>): void {
    const r = this.sends.get(cmd.req);
    if (!r || r.conn !== cmd.conn) {
      this.out.badCopy++;
      this.out.events.push(event('COPY_DONE', { conn: cmd.conn, req: cmd.req, copied: 0, nomem: 0 }));
      return;
    }
    const want = Math.min(cmd.len, r.len - r.offset);
    const copied = Math.min(want, this.budget);
    const nomem = want > this.budget ? 1 : 0;
    this.budget -= copied;
    if (want > 0) this.out.appends.push({ conn: r.conn, bytes: this.host.read(r.addr + r.offset, copied) });
    if (this.bug !== 'offset-not-advanced') r.offset += copied;
    this.out.events.push(event('COPY_DONE', { conn: cmd.conn, req: cmd.req, copied, nomem }));
  }

  private note(n: CommandOf<'HOST_NOTE'>): void {
    if (n.note === HostNote.SEND_DONE) this.sends.delete(n.req);
    const arg = n.note === HostNote.SEND_DONE || this.bug === 'note-arg-always-value' ? n.value : n.remote_ip;
    this.out.notes.push({ kind: 5, note: n.note, status: n.status, req: n.req, conn: n.conn, localPort: n.local_port, arg, remotePort: n.remote_port });
  }
}

export type { EventOf };
