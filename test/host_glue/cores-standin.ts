// A scripted stand-in for the TOE's side of host_glue, for RtlHost's tests: it pops the RX/TX core events, issues
// HOST_NOTE and COPY_IN command entries on hreq (api.ts records packed as the firmware bus carries them), takes
// the append stream as tx_engine would, serves receive queues (SkbStandIn) and pulses rq_notify / eof_notify.
import type { Agent, Sim } from '../../sim/harness.ts';
import type { PortAccess } from '../../sim/backend.ts';
import { HsSink, HsSource, type Rec } from '../../sim/host/handshake-agents.ts';
import { entryOfCommand, eventOfEntry } from '../../sim/toe_rtl/records.ts';
import { command, HostNote, HostStatus, type CommandOf, type EventOf, type FwEvent } from '../../firmware/api.ts';
import { SkbStandIn } from './skb-standin.ts';

type NoteArgs = Partial<Omit<CommandOf<'HOST_NOTE'>, 'kind'>> & { note: number };

/** Pulses a no-ready {valid, conn} input once per queued conn, with a gap cycle between pulses. */
class PulseSource implements Agent {
  private readonly valid: PortAccess; private readonly conn: PortAccess;
  private readonly queue: number[] = [];
  private on = false;
  constructor(sim: Sim<unknown>, prefix: string) {
    this.valid = sim.port(`${prefix}_valid` as never); this.conn = sim.port(`${prefix}_conn` as never);
    this.valid.set(0);
    sim.addAgent(this);
  }
  send(conn: number): void { this.queue.push(conn); }
  drive(): void {
    this.on = !this.on && this.queue.length > 0;
    this.valid.set(this.on ? 1 : 0);
    if (this.on) this.conn.set(this.queue.shift()!);
  }
}

export class CoresStandIn {
  readonly rxEvents: FwEvent[] = [];
  readonly txEvents: FwEvent[] = [];
  /** Bytes appended to each connection's send queue (all taken: no budget). */
  readonly appended = new Map<number, number[]>();
  readonly faults: string[] = [];
  readonly skb: SkbStandIn;
  readonly eof: PulseSource;
  readonly rqNotify: HsSource;
  /** COPY_IN piece size: a send is copied in pieces of at most this many bytes. */
  piece = 1500;
  private readonly hreq: HsSource;
  private readonly sqDone: HsSource;
  private cur: number[] = [];
  private sends: EventOf<'HOST_SEND'>[] = [];
  private copy: { ev: EventOf<'HOST_SEND'>; done: number; waiting: boolean } | undefined;
  private seenTx = 0;

  constructor(readonly sim: Sim<unknown>, seed: number) {
    const rx = new HsSink(sim, 'rx_event', { seed: seed + 1, backpressure: 0.2 });
    const tx = new HsSink(sim, 'tx_event', { seed: seed + 2, backpressure: 0.2 });
    rx.onRecord = (r) => this.rxEvents.push(eventOfEntry(r.data!));
    tx.onRecord = (r) => this.txEvents.push(eventOfEntry(r.data!));
    this.hreq = new HsSource(sim, 'hreq', { seed: seed + 3, gap: 0.2 });
    const sq = new HsSink(sim, 'sq_app', { seed: seed + 4, backpressure: 0.2 });
    sq.onRecord = (r) => this.beat(r);
    this.sqDone = new HsSource(sim, 'sq_app_done', { seed: seed + 5 });
    this.skb = new SkbStandIn(sim, seed + 6);
    this.rqNotify = new HsSource(sim, 'rq_notify', { seed: seed + 7 });
    this.eof = new PulseSource(sim, 'eof_notify');
    sim.poke('mem_ok' as never, 0);
    sim.poke('skb_free_count' as never, 0);
  }

  note(n: NoteArgs): void {
    this.hreq.send({ data: entryOfCommand(command('HOST_NOTE', { status: HostStatus.OK, req: 0, conn: 0, local_port: 0, remote_port: 0, remote_ip: 0, value: 0, ...n })) });
  }

  /** Puts `bytes` on `conn`'s receive queue as blocks of at most `block` bytes, and says so on rq_notify. */
  deliver(conn: number, firstId: number, bytes: Uint8Array, block = 2048): number {
    let id = firstId;
    for (let o = 0; o < bytes.length; o += block) this.skb.enqueue(conn, id++, 0, bytes.subarray(o, o + block));
    this.rqNotify.send({ conn });
    return id;
  }

  /** The events of one kind so far. */
  rx<K extends FwEvent['kind']>(kind: K): EventOf<K>[] { return this.rxEvents.filter((e) => e.kind === kind) as EventOf<K>[]; }
  tx<K extends FwEvent['kind']>(kind: K): EventOf<K>[] { return this.txEvents.filter((e) => e.kind === kind) as EventOf<K>[]; }

  /**
   * The TX core's part, called between steps: each HOST_SEND is copied in pieces (COPY_IN, wait for COPY_DONE)
   * and then completed with SEND_DONE {value: bytes copied}.
   */
  serveSends(): void {
    for (; this.seenTx < this.txEvents.length; this.seenTx++) {
      const e = this.txEvents[this.seenTx]!;
      if (e.kind === 'HOST_SEND') this.sends.push(e);
      else if (e.kind === 'COPY_DONE' && this.copy?.waiting) {
        if (e.req !== this.copy.ev.req || e.conn !== this.copy.ev.conn) this.faults.push(`COPY_DONE for req ${e.req}, expected ${this.copy.ev.req}`);
        this.copy.done += e.copied;
        this.copy.waiting = false;
        if (e.copied === 0) this.faults.push(`COPY_DONE copied 0 for req ${e.req}`);
      }
    }
    if (this.copy && !this.copy.waiting && this.copy.done >= this.copy.ev.len) {
      this.note({ note: HostNote.SEND_DONE, req: this.copy.ev.req, conn: this.copy.ev.conn, value: this.copy.done });
      this.copy = undefined;
    }
    if (!this.copy && this.sends.length) this.copy = { ev: this.sends.shift()!, done: 0, waiting: false };
    if (this.copy && !this.copy.waiting) {
      const len = Math.min(this.piece, this.copy.ev.len - this.copy.done);
      this.hreq.send({ data: entryOfCommand(command('COPY_IN', { conn: this.copy.ev.conn, req: this.copy.ev.req, len })) });
      this.copy.waiting = true;
    }
  }

  private beat(r: Rec): void {
    const keep = Number(r.keep);
    for (let i = 0; i < 8; i++) if ((keep >> i) & 1) this.cur.push(Number((r.data >> BigInt(8 * i)) & 0xffn));
    if (!Number(r.last)) return;
    const conn = Number(r.conn);
    this.appended.set(conn, [...(this.appended.get(conn) ?? []), ...this.cur]);
    this.sqDone.send({ copied: this.cur.length, nomem: 0 });
    this.cur = [];
  }
}
