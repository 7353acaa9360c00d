// Drives ToeRx: frames into rx (random gaps), payload / slow path / segment records out (random backpressure),
// and the firmware port (one command at a time, while no frame is in flight).
import { simulate, type BackendKind, type Sim } from '../../sim/harness.ts';
import type { PortAccess } from '../../sim/backend.ts';
import { AxisSink, AxisSource, Xorshift } from '../../sim/stream-models.ts';
import { ToeRx, toeRxDefaults, type ToeRxParams } from '../../blocks/toe_rx/toe-rx.ts';
import { recordFields } from '../../blocks/toe_rx/record.ts';
import { ConnOp, ConnStatus, statusName } from '../../blocks/conn_table/params.ts';
import { fieldMask, Tcb, TcbState, WRITABLE_FIELDS, type TcbFields, type Tuple, type WritableField } from '../../blocks/conn_table/tcb.ts';

export type SegRecord = Record<string, number | bigint>;

/** Collects segment records with random backpressure on seg_ready. */
class RecordSink {
  readonly records: SegRecord[] = [];
  private ready = false;
  private readonly rng: Xorshift;
  private readonly fields: [string, PortAccess][];
  constructor(private readonly sim: Sim<unknown>, private readonly backpressure: number, seed: number, sackBlocks: number) {
    this.rng = new Xorshift(seed);
    this.fields = recordFields(sackBlocks).map(([n]) => [n, sim.port(`seg_${n}` as never)]);
    sim.addAgent(this);
  }
  drive(): void {
    this.ready = !(this.backpressure > 0 && this.rng.next() < this.backpressure);
    this.sim.port('seg_ready' as never).set(this.ready ? 1 : 0);
  }
  sample(): void {
    if (!this.ready || !this.sim.port('seg_valid' as never).get()) return;
    const r: SegRecord = {};
    for (const [n, p] of this.fields) { const v = p.get(); r[n] = typeof v === 'bigint' && v < 2n ** 53n ? Number(v) : v; }
    this.records.push(r);
  }
}

export interface Flow { gap: number; backpressure: number }

export class ToeRxHarness {
  rx!: AxisSource;
  payload!: AxisSink;
  slow!: AxisSink;
  seg!: RecordSink;
  private seed: number;

  private constructor(readonly sim: Sim<unknown>, readonly params: ToeRxParams, seed: number) {
    this.seed = seed;
    this.attach({ gap: 0, backpressure: 0 });
  }

  static async create(backend: BackendKind, params: Partial<ToeRxParams> = {}, seed = 1): Promise<ToeRxHarness> {
    const full = { ...toeRxDefaults, ...params };
    const sim = await simulate(ToeRx, full, { backend });
    return new ToeRxHarness(sim as unknown as Sim<unknown>, full, seed);
  }

  /** New stream agents with these idle / backpressure probabilities (and a fresh seed). */
  private attach(flow: Flow): void {
    for (const a of [this.rx, this.payload, this.slow, this.seg]) if (a) this.sim.removeAgent(a);
    const seed = this.seed++ * 8;
    this.rx = new AxisSource(this.sim, 'rx', { gap: flow.gap, seed });
    this.payload = new AxisSink(this.sim, 'payload', { backpressure: flow.backpressure, seed: seed + 1 });
    this.slow = new AxisSink(this.sim, 'slow', { backpressure: flow.backpressure, seed: seed + 2 });
    this.seg = new RecordSink(this.sim, flow.backpressure, seed + 3, this.params.sackBlocks);
  }

  /** Reset with new stream agents, then wait for conn_table's bank clear. */
  restart(flow: Flow = { gap: 0, backpressure: 0 }): void {
    this.attach(flow);
    this.sim.poke('cmd_valid' as never, 0);
    this.sim.poke('resp_ready' as never, 1);
    this.sim.poke('buf_ready' as never, 1);
    this.sim.reset();
    this.sim.step(this.params.conns);
  }

  /** Sends frames and runs until `records` more segment records have come out; returns the cycles taken. */
  run(frames: readonly Uint8Array[], records = frames.length, timeout = 200_000): number {
    const want = this.seg.records.length + records;
    for (const f of frames) this.rx.send(f);
    return this.sim.until(() => this.seg.records.length >= want && this.rx.idle, { timeout, what: 'segment records' });
  }

  /** One firmware command; returns the response (status, index, TCB fields for READ). */
  command(op: number, index: number, mask = 0, fields: Partial<TcbFields> = {}): { status: number; index: number; tcb: TcbFields } {
    const s = this.sim;
    s.poke('cmd_op' as never, op);
    s.poke('cmd_index' as never, index);
    s.poke('cmd_mask' as never, mask);
    for (const f of Tcb.fields) s.poke(`cmd_${f.name}` as never, fields[f.name as keyof TcbFields] ?? 0);
    s.poke('cmd_valid' as never, 1);
    s.until(() => !!s.peek('cmd_ready' as never), { timeout: 100, what: 'cmd_ready' });
    s.step();
    s.poke('cmd_valid' as never, 0);
    s.until(() => !!s.peek('resp_valid' as never), { timeout: 100, what: 'resp_valid' });
    const tcb = Object.fromEntries(Tcb.fields.map((f) => [f.name, Number(s.peek(`resp_${f.name}` as never))])) as TcbFields;
    const out = { status: Number(s.peek('resp_status' as never)), index: Number(s.peek('resp_index' as never)), tcb };
    s.step();
    return out;
  }

  /** INSERT the tuple, then WRITE the given fields (state ESTABLISHED unless given); returns the index. */
  insert(tuple: Tuple, fields: Partial<TcbFields>): number {
    const r = this.command(ConnOp.INSERT, 0, 0, tuple);
    if (r.status !== ConnStatus.OK) throw new Error(`INSERT refused: ${statusName(r.status)}`);
    this.write(r.index, { state: TcbState.ESTABLISHED, ...fields });
    return r.index;
  }

  write(index: number, fields: Partial<TcbFields>): void {
    const names = Object.keys(fields).filter((k): k is WritableField => (WRITABLE_FIELDS as readonly string[]).includes(k));
    const r = this.command(ConnOp.WRITE, index, fieldMask(names), fields);
    if (r.status !== ConnStatus.OK) throw new Error(`WRITE refused: ${statusName(r.status)}`);
  }

  read(index: number): TcbFields {
    const r = this.command(ConnOp.READ, index);
    if (r.status !== ConnStatus.OK) throw new Error(`READ refused: ${statusName(r.status)}`);
    return r.tcb;
  }

  close(): void { this.sim.close(); }
}
