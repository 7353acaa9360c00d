// Harness agents for valid/ready ports whose payload is a set of named fields (prefix_field, prefix_valid,
// prefix_ready): a source that offers queued records (optionally with random idle cycles) and a sink that
// collects them (optionally with random backpressure). Field values are bigints.
import type { Agent, Sim } from '../harness.ts';
import type { PortAccess } from '../backend.ts';
import { Xorshift } from '../stream-models.ts';

export type Rec = Record<string, bigint>;

function fieldPorts(sim: Sim<unknown>, prefix: string): { fields: Record<string, PortAccess>; valid: PortAccess; ready: PortAccess } {
  const names = sim.engine.ports.map((p) => p.name);
  if (!names.includes(`${prefix}_valid`) || !names.includes(`${prefix}_ready`)) {
    throw new Error(`${sim.design.top.name} has no valid/ready port '${prefix}'`);
  }
  const fields: Record<string, PortAccess> = {};
  for (const n of names) {
    if (!n.startsWith(`${prefix}_`)) continue;
    const f = n.slice(prefix.length + 1);
    if (f === 'valid' || f === 'ready' || f.includes('_')) continue;
    fields[f] = sim.port(n as never);
  }
  return { fields, valid: sim.port(`${prefix}_valid` as never), ready: sim.port(`${prefix}_ready` as never) };
}

export class HsSource implements Agent {
  private readonly p: ReturnType<typeof fieldPorts>;
  private readonly queue: Rec[] = [];
  private readonly rng: Xorshift;
  private offering = false;
  sent = 0;
  /** Called with the record and the cycle when it is accepted. */
  onAccept?: (r: Rec) => void;

  constructor(sim: Sim<unknown>, readonly prefix: string, private opts: { gap?: number; seed?: number } = {}) {
    this.p = fieldPorts(sim, prefix);
    this.rng = new Xorshift(opts.seed ?? 3);
    this.p.valid.set(0);
    sim.addAgent(this);
  }

  send(r: Partial<Rec> | Record<string, number | bigint>): void {
    for (const k of Object.keys(r)) if (!(k in this.p.fields)) throw new Error(`${this.prefix} has no field '${k}'`);
    this.queue.push(Object.fromEntries(Object.entries(r).map(([k, v]) => [k, BigInt(v as bigint)])) as Rec);
  }
  get idle(): boolean { return this.queue.length === 0; }
  get pending(): number { return this.queue.length; }
  setGap(gap: number): void { this.opts = { ...this.opts, gap }; }

  drive(): void {
    const r = this.queue[0];
    // Once offered, a record stays offered until taken (no retraction).
    if (!this.offering) this.offering = !!r && !(this.opts.gap && this.rng.next() < this.opts.gap);
    this.p.valid.set(this.offering ? 1 : 0);
    if (this.offering) for (const [k, a] of Object.entries(this.p.fields)) a.set(r![k] ?? 0n);
  }

  sample(): void {
    if (!this.offering || !Number(this.p.ready.get())) return;
    const r = this.queue.shift()!;
    this.offering = false;
    this.sent++;
    this.onAccept?.(r);
  }
}

export class HsSink implements Agent {
  private readonly p: ReturnType<typeof fieldPorts>;
  private readonly rng: Xorshift;
  private ready = false;
  readonly got: Rec[] = [];
  onRecord?: (r: Rec) => void;

  constructor(sim: Sim<unknown>, readonly prefix: string, private opts: { backpressure?: number; seed?: number } = {}) {
    this.p = fieldPorts(sim, prefix);
    this.rng = new Xorshift(opts.seed ?? 4);
    sim.addAgent(this);
  }

  setBackpressure(backpressure: number): void { this.opts = { ...this.opts, backpressure }; }

  drive(): void {
    this.ready = !(this.opts.backpressure && this.rng.next() < this.opts.backpressure);
    this.p.ready.set(this.ready ? 1 : 0);
  }

  sample(): void {
    if (!this.ready || !Number(this.p.valid.get())) return;
    const r: Rec = {};
    for (const [k, a] of Object.entries(this.p.fields)) r[k] = BigInt(a.get());
    this.got.push(r);
    this.onRecord?.(r);
  }

  take(): Rec[] { return this.got.splice(0); }
}
