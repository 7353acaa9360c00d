// Drives the connection table cycle by cycle: firmware commands, lookups and datapath updates at once, with
// random idle cycles and backpressure, every response and lookup result checked against the model as it leaves.
//
// The model changes when a change takes effect in the RTL: a firmware command at the edge before its response
// appears, a datapath update at the edge where it is accepted. A lookup sees the table as of some moment between
// its acceptance and its result, so its result must match the model at one of the versions in that window
// (only commits that land inside the window make more than one version eligible).
import { simulate, type BackendKind, type Sim } from '../../sim/harness.ts';
import type { PortAccess } from '../../sim/backend.ts';
import { ConnTable } from '../../blocks/conn_table/conn-table.ts';
import { ConnOp, connTableDefaults, statusName, type ConnTableParams } from '../../blocks/conn_table/params.ts';
import { KEY_FIELDS, Tcb, WRITABLE_FIELDS, tupleBits, type TcbFields, type Tuple } from '../../blocks/conn_table/tcb.ts';
import { ConnTableModel, lookupIn, type OpResult, type Snapshot } from './model.ts';

export type FwOp =
  | { op: 'insert'; tuple: Tuple }
  | { op: 'delete'; index: number }
  | { op: 'read'; index: number }
  | { op: 'write'; index: number; mask: number; fields: Partial<TcbFields> };
export interface Upd { index: number; mask: number; fields: Partial<TcbFields> }

export interface Traffic {
  ops?: readonly FwOp[];
  lookups?: readonly Tuple[];
  upds?: readonly Upd[];
  /** Probability that a source idles in a cycle. */
  gap?: number;
  /** Probability that out_ready / resp_ready is low in a cycle. */
  backpressure?: number;
  seed?: number;
}

export interface LookupResult { hit: boolean; index: number; fields: TcbFields }
export interface RunResult {
  results: OpResult[];
  lookups: LookupResult[];
  cycles: number;
  /** Cycle (from the run's start) each lookup was accepted and its result taken. */
  acceptCycle: number[];
  outCycle: number[];
}

/** mulberry32: the same seed gives the same gaps and stalls. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const FIELDS = Tcb.fields.map((f) => f.name);
const opCode = { insert: ConnOp.INSERT, delete: ConnOp.DELETE, read: ConnOp.READ, write: ConnOp.WRITE } as const;
const STATS = ['occupancy', 'stash_used', 'lookups', 'hits', 'misses', 'insert_fails', 'op_errors', 'upd_refused'] as const;
export type Stats = Record<(typeof STATS)[number], number>;

export const sameFields = (a: TcbFields | undefined, b: TcbFields | undefined): boolean =>
  a !== undefined && b !== undefined && FIELDS.every((f) => a[f] === b[f]);

export class ConnTableHarness {
  model: ConnTableModel;
  private readonly p = new Map<string, PortAccess>();
  /** Model versions: history[v] is the table after the v-th change. */
  private history: Snapshot[] = [];

  constructor(readonly sim: Sim<unknown>, readonly params: ConnTableParams) {
    this.model = new ConnTableModel(params);
    for (const port of sim.engine.ports) this.p.set(port.name, sim.port(port.name as never));
    this.restart();
  }

  static async create(params: Partial<ConnTableParams>, backend: BackendKind): Promise<ConnTableHarness> {
    const full = { ...connTableDefaults, ...params };
    const sim = await simulate(ConnTable, full, { backend });
    return new ConnTableHarness(sim as unknown as Sim<unknown>, full);
  }

  /** Resets the hardware and starts a fresh model. */
  restart(): this {
    for (const port of this.sim.engine.ports) if (port.dir === 'in' && port.name !== 'clk' && port.name !== 'rst') this.set(port.name, 0);
    this.sim.reset();
    this.model = new ConnTableModel(this.params);
    this.history = [this.model.snapshot()];
    return this;
  }

  private set(name: string, v: number | boolean) { this.p.get(name)!.set(typeof v === 'boolean' ? (v ? 1 : 0) : v); }
  private get(name: string): number { return Number(this.p.get(name)!.get()); }
  private fieldsOf(prefix: string): TcbFields {
    return Object.fromEntries(FIELDS.map((f) => [f, this.get(`${prefix}_${f}`)])) as TcbFields;
  }

  stats(): Stats {
    this.sim.eval();
    return Object.fromEntries(STATS.map((s) => [s, this.get(`stats_${s}`)])) as Stats;
  }

  /** The model's counters in the same shape. */
  modelStats(): Stats {
    return { ...this.model.counts, occupancy: this.model.occupancy, stash_used: this.model.placement.stashUsed };
  }

  private driveOp(o: FwOp) {
    this.set('cmd_op', opCode[o.op]);
    this.set('cmd_index', 'index' in o ? o.index : 0);
    this.set('cmd_mask', o.op === 'write' ? o.mask : 0);
    for (const f of FIELDS) {
      const v = o.op === 'insert' ? (o.tuple as unknown as Record<string, number>)[f] ?? 0
        : o.op === 'write' ? (o.fields as Record<string, number>)[f] ?? 0 : 0;
      this.set(`cmd_${f}`, v);
    }
  }

  private applyOp(o: FwOp): OpResult {
    switch (o.op) {
      case 'insert': return this.model.insert(o.tuple);
      case 'delete': return this.model.delete(o.index);
      case 'read': return this.model.read(o.index);
      case 'write': return this.model.write(o.index, o.mask, o.fields);
    }
  }

  private commit() { this.history.push(this.model.snapshot()); }

  /** Runs the traffic to completion, checking every output. Throws with the cycle on a mismatch or a hang. */
  run(t: Traffic): RunResult {
    const ops = t.ops ?? [], lookups = t.lookups ?? [], upds = t.upds ?? [];
    const rand = rng(t.seed ?? 1);
    const gap = t.gap ?? 0, bp = t.backpressure ?? 0;
    const res: RunResult = { results: [], lookups: [], cycles: 0, acceptCycle: [], outCycle: [] };
    let opI = 0, lkI = 0, updI = 0;
    let opOn = false, lkOn = false, updOn = false;
    const awaiting: FwOp[] = []; // accepted commands whose response has not appeared
    let respShown: { want: OpResult; got: string } | undefined;
    const inflight: { tuple: Tuple; v: number }[] = [];
    let outShown: string | undefined;
    const limit = 200 + 40 * (ops.length + lookups.length + upds.length);
    const fail = (msg: string): never => { throw new Error(`cycle ${this.sim.cycle} (run cycle ${res.cycles}): ${msg}`); };

    while (res.results.length < ops.length || res.lookups.length < lookups.length || updI < upds.length) {
      if (res.cycles > limit) fail(`no progress: ${res.results.length}/${ops.length} responses, ${res.lookups.length}/${lookups.length} lookups, ${updI}/${upds.length} updates`);
      // ---- drive (a valid payload holds until it is taken)
      if (!opOn && opI < ops.length && rand() >= gap) { opOn = true; this.driveOp(ops[opI]!); }
      this.set('cmd_valid', opOn);
      if (!lkOn && lkI < lookups.length && rand() >= gap) {
        lkOn = true;
        for (const f of KEY_FIELDS) this.set(`lookup_${f}`, lookups[lkI]![f]);
      }
      this.set('lookup_valid', lkOn);
      if (!updOn && updI < upds.length && rand() >= gap) {
        updOn = true;
        const u = upds[updI]!;
        this.set('upd_index', u.index);
        this.set('upd_mask', u.mask);
        for (const f of WRITABLE_FIELDS) this.set(`upd_${f}`, u.fields[f] ?? 0);
      }
      this.set('upd_valid', updOn);
      const outReady = rand() >= bp, respReady = rand() >= bp;
      this.set('out_ready', outReady);
      this.set('resp_ready', respReady);
      this.sim.eval();

      // ---- (1) a response appears: its command took effect at the last edge
      if (this.get('resp_valid')) {
        const got = JSON.stringify([this.get('resp_op'), this.get('resp_status'), this.get('resp_index'), this.fieldsOf('resp')]);
        if (!respShown) {
          const o = awaiting.shift() ?? fail('a response without a command');
          const want = this.applyOp(o);
          if (want.status === 0 && o.op !== 'read') this.commit();
          const hw = { status: this.get('resp_status'), index: this.get('resp_index'), fields: this.fieldsOf('resp') };
          const bad = this.get('resp_op') !== opCode[o.op] || hw.status !== want.status || hw.index !== want.index
            || (want.fields !== undefined && !sameFields(hw.fields, want.fields));
          if (bad) {
            fail(`${JSON.stringify(o)}: response ${statusName(hw.status)} index ${hw.index}${o.op === 'read' ? ` ${JSON.stringify(hw.fields)}` : ''}, `
              + `model ${statusName(want.status)} index ${want.index}${want.fields ? ` ${JSON.stringify(want.fields)}` : ''}`);
          }
          respShown = { want, got };
        } else if (got !== respShown.got) fail(`a stalled response changed: ${respShown.got} -> ${got}`);
        if (respReady) { res.results.push({ ...respShown.want, fields: this.fieldsOf('resp') }); respShown = undefined; }
      } else if (respShown) fail('resp_valid dropped before the response was taken');

      // ---- (2) lookups: results leaving, tuples entering
      if (this.get('out_valid')) {
        const got = { hit: this.get('out_hit') === 1, index: this.get('out_index'), fields: this.fieldsOf('out') };
        const text = JSON.stringify(got);
        if (outShown !== undefined && text !== outShown) fail(`a stalled lookup result changed: ${outShown} -> ${text}`);
        outShown = text;
        if (outReady) {
          const l = inflight.shift() ?? fail('a lookup result nobody asked for');
          this.checkLookup(l.tuple, l.v, got, fail);
          if (got.hit) this.model.counts.hits++; else this.model.counts.misses++;
          res.lookups.push(got);
          res.outCycle.push(res.cycles);
          outShown = undefined;
        }
      } else if (outShown !== undefined) fail('out_valid dropped before the result was taken');
      if (lkOn && this.get('lookup_ready')) {
        inflight.push({ tuple: lookups[lkI]!, v: this.history.length - 1 });
        this.model.counts.lookups++;
        res.acceptCycle.push(res.cycles);
        lkOn = false; lkI++;
      }
      if (opOn && this.get('cmd_ready')) { awaiting.push(ops[opI]!); opOn = false; opI++; }

      // ---- (3) a datapath update taken this cycle takes effect at this edge
      if (updOn && this.get('upd_ready')) {
        const u = upds[updI]!;
        if (this.model.update(u.index, u.mask, u.fields)) this.commit();
        updOn = false; updI++;
      }
      this.sim.step(1);
      res.cycles++;
    }
    for (const n of ['cmd_valid', 'lookup_valid', 'upd_valid']) this.set(n, 0);
    this.history = [this.history[this.history.length - 1]!];
    return res;
  }

  private checkLookup(t: Tuple, from: number, got: LookupResult, fail: (m: string) => never) {
    const versions = this.history.slice(from);
    for (const f of KEY_FIELDS) if (got.fields[f] !== t[f]) fail(`lookup ${JSON.stringify(t)}: out_${f} is ${got.fields[f]}`);
    const wants = versions.map((s) => lookupIn(s, t));
    const idOk = wants.some((w) => w.hit === got.hit && (!w.hit || w.index === got.index));
    const fieldsOk = !got.hit || versions.some((s) => sameFields(s.tcbs.get(got.index), got.fields));
    if (!idOk || !fieldsOk) {
      fail(`lookup ${tupleBits(t).toString(16)}: got ${JSON.stringify(got)}, model (${versions.length} eligible versions) ${JSON.stringify(wants)}`);
    }
  }

  // ---- Conveniences for directed tests

  op(o: FwOp): OpResult { return this.run({ ops: [o] }).results[0]!; }
  lookup(t: Tuple): LookupResult { return this.run({ lookups: [t] }).lookups[0]!; }
}
