// Host memory as an AXI4 slave, for the DMA masters of blocks/host: a harness agent that answers AR/R and
// AW/W/B from a SparseMemory with a configurable latency (cycles from the AR handshake to the first R beat,
// from the last W beat to B), random ready/valid gaps, out-of-order completion across IDs (each ID in order,
// beats of different IDs interleaved, as AXI4 allows) and injected SLVERR/DECERR by address range.
//
// It also checks the master: bursts are INCR, full-width, beat-aligned, within 4 KiB, WLAST where AWLEN says,
// and throws naming the cycle when not. Error beats return garbage data so a master that keeps it is caught.
import type { Agent, Sim } from '../harness.ts';
import type { PortAccess } from '../backend.ts';
import { Xorshift } from '../stream-models.ts';
import { SparseMemory } from './sparse-memory.ts';

export interface ErrorRegion { start: number; end: number; resp: 2 | 3; on: 'read' | 'write' | 'both' }

export interface AxiMemoryOptions {
  /** Port prefix of the master (default 'm_axi'). */
  prefix?: string;
  /** Cycles from an AR handshake to its first R beat (default 78: 500 ns at 156.25 MHz). */
  readLatency?: number;
  /** Cycles from a burst's last W beat to its B response (default: readLatency). */
  writeLatency?: number;
  /** Probability that arready / awready / wready is low in a cycle. */
  arStall?: number;
  awStall?: number;
  wStall?: number;
  /** Probability of an idle R (or B) cycle when a beat could be offered. */
  rGap?: number;
  /** Serve different IDs out of order, interleaving their beats. */
  reorder?: boolean;
  /** Read bursts accepted but not finished, at most (arready drops at the limit). Default 256. */
  maxReads?: number;
  errors?: ErrorRegion[];
  seed?: number;
}

interface ReadBurst { id: number; addr: number; beats: number; next: number; readyAt: number; seq: number }
interface WriteBurst { id: number; addr: number; beats: number; got: number; resp: number }
interface Bresp { id: number; resp: number; readyAt: number }

export class AxiMemory implements Agent {
  readonly beatBytes: number;
  cycle = 0;
  /** Counters, for benchmarks and tests. */
  readonly stats = { arBursts: 0, rBeats: 0, awBursts: 0, wBeats: 0, bResps: 0, errorBeats: 0 };
  /** Called at each AR / AW handshake with the cycle (this agent's count) and the burst. */
  onAr?: (cycle: number, addr: number, beats: number, id: number) => void;
  onAw?: (cycle: number, addr: number, beats: number) => void;
  errors: ErrorRegion[];

  private readonly p: Record<string, PortAccess>;
  private readonly rng: Xorshift;
  private readonly reads: ReadBurst[] = [];
  private readonly writes: WriteBurst[] = [];
  private readonly bq: Bresp[] = [];
  private readonly wBuf: { data: bigint; strb: bigint; last: boolean }[] = [];
  private rCur: ReadBurst | undefined;
  private bCur: Bresp | undefined;
  private seq = 0;
  private arReady = false; private awReady = false; private wReady = false;
  private readonly o: Required<Omit<AxiMemoryOptions, 'errors' | 'prefix'>>;

  constructor(readonly sim: Sim<unknown>, readonly mem: SparseMemory, opts: AxiMemoryOptions = {}) {
    const prefix = opts.prefix ?? 'm_axi';
    const names = ['arid', 'araddr', 'arlen', 'arsize', 'arburst', 'arvalid', 'arready', 'rid', 'rdata', 'rresp', 'rlast', 'rvalid', 'rready',
      'awid', 'awaddr', 'awlen', 'awsize', 'awburst', 'awvalid', 'awready', 'wdata', 'wstrb', 'wlast', 'wvalid', 'wready', 'bid', 'bresp', 'bvalid', 'bready'];
    this.p = Object.fromEntries(names.map((n) => [n, sim.port(`${prefix}_${n}` as never)]));
    const data = sim.engine.ports.find((x) => x.name === `${prefix}_rdata`)!;
    this.beatBytes = data.width / 8;
    const lat = opts.readLatency ?? 78;
    this.o = {
      readLatency: lat, writeLatency: opts.writeLatency ?? lat, arStall: opts.arStall ?? 0, awStall: opts.awStall ?? 0,
      wStall: opts.wStall ?? 0, rGap: opts.rGap ?? 0, reorder: opts.reorder ?? false, maxReads: opts.maxReads ?? 256, seed: opts.seed ?? 7,
    };
    this.errors = opts.errors ?? [];
    this.rng = new Xorshift(this.o.seed);
    for (const n of ['arready', 'rvalid', 'awready', 'wready', 'bvalid']) this.p[n]!.set(0);
    sim.addAgent(this);
  }

  /** Changes latency / stall settings between phases of a test. */
  configure(opts: Partial<Omit<AxiMemoryOptions, 'prefix' | 'errors'>>): void { Object.assign(this.o, opts); }

  get idle(): boolean { return this.reads.length === 0 && this.writes.length === 0 && this.wBuf.length === 0 && this.bq.length === 0 && !this.rCur && !this.bCur; }

  private errorFor(addr: number, len: number, dir: 'read' | 'write'): number {
    for (const e of this.errors) if ((e.on === dir || e.on === 'both') && addr < e.end && addr + len > e.start) return e.resp;
    return 0;
  }

  private fail(msg: string): never { throw new Error(`AXI master violation at cycle ${this.cycle}: ${msg}`); }

  private checkBurst(kind: string, addr: number, len: number, size: number, burst: number) {
    const B = this.beatBytes;
    if ((1 << size) !== B) this.fail(`${kind}SIZE ${size} is not the full width (${B} bytes)`);
    if (burst !== 1) this.fail(`${kind}BURST ${burst} is not INCR`);
    if (addr % B) this.fail(`${kind}ADDR 0x${addr.toString(16)} is not beat-aligned`);
    if (Math.floor(addr / 4096) !== Math.floor((addr + (len + 1) * B - 1) / 4096)) this.fail(`${kind} burst at 0x${addr.toString(16)} of ${len + 1} beats crosses 4 KiB`);
  }

  /** True with probability `prob` (the generator is not drawn from when prob is 0, so seeds replay). */
  private chance(prob: number): boolean { return prob > 0 && this.rng.next() < prob; }

  // drive() and sample() run every cycle of every simulation with host memory: no closures in them.
  drive(): void {
    const p = this.p;
    this.arReady = this.reads.length < this.o.maxReads && !this.chance(this.o.arStall);
    this.awReady = !this.chance(this.o.awStall);
    this.wReady = !this.chance(this.o.wStall);
    p.arready!.set(this.arReady ? 1 : 0);
    p.awready!.set(this.awReady ? 1 : 0);
    p.wready!.set(this.wReady ? 1 : 0);

    if (!this.rCur && !this.chance(this.o.rGap)) this.rCur = this.pickRead();
    if (this.rCur) {
      const b = this.rCur, addr = b.addr + b.next * this.beatBytes;
      const resp = this.errorFor(addr, this.beatBytes, 'read');
      p.rvalid!.set(1);
      p.rid!.set(b.id);
      p.rresp!.set(resp);
      p.rlast!.set(b.next === b.beats - 1 ? 1 : 0);
      p.rdata!.set(resp ? BigInt.asUintN(this.beatBytes * 8, 0xdeadbeefcafef00dn * BigInt(addr + 1)) : this.mem.readBeat(addr, this.beatBytes));
    } else p.rvalid!.set(0);

    if (!this.bCur && !this.chance(this.o.rGap)) this.bCur = this.pickB();
    if (this.bCur) { p.bvalid!.set(1); p.bid!.set(this.bCur.id); p.bresp!.set(this.bCur.resp); } else p.bvalid!.set(0);
  }

  private pickRead(): ReadBurst | undefined {
    if (!this.reads.length) return undefined;
    if (!this.o.reorder) return this.reads[0]!.readyAt <= this.cycle ? this.reads[0] : undefined;
    const seen = new Set<number>(), ok: ReadBurst[] = [];
    for (const b of this.reads) {
      if (seen.has(b.id)) continue;
      seen.add(b.id);
      if (b.readyAt <= this.cycle) ok.push(b);
    }
    return ok.length ? ok[Math.floor(this.rng.next() * ok.length)] : undefined;
  }

  private pickB(): Bresp | undefined {
    if (!this.bq.length) return undefined;
    if (!this.o.reorder) return this.bq[0]!.readyAt <= this.cycle ? this.bq[0] : undefined;
    const seen = new Set<number>(), ok: Bresp[] = [];
    for (const b of this.bq) {
      if (seen.has(b.id)) continue;
      seen.add(b.id);
      if (b.readyAt <= this.cycle) ok.push(b);
    }
    return ok.length ? ok[Math.floor(this.rng.next() * ok.length)] : undefined;
  }

  private num(port: string): number { return Number(this.p[port]!.get()); }

  sample(): void {
    const p = this.p;
    if (this.arReady && this.num('arvalid')) {
      const addr = this.num('araddr'), len = this.num('arlen');
      this.checkBurst('AR', addr, len, this.num('arsize'), this.num('arburst'));
      const b: ReadBurst = { id: this.num('arid'), addr, beats: len + 1, next: 0, readyAt: this.cycle + this.o.readLatency, seq: this.seq++ };
      this.reads.push(b);
      this.stats.arBursts++;
      this.onAr?.(this.cycle, addr, len + 1, b.id);
    }
    if (this.rCur && this.num('rready')) {
      const b = this.rCur;
      if (this.errorFor(b.addr + b.next * this.beatBytes, this.beatBytes, 'read')) this.stats.errorBeats++;
      this.stats.rBeats++;
      if (++b.next === b.beats) this.reads.splice(this.reads.indexOf(b), 1);
      // With reordering, the next beat may come from another burst (interleaving); in order, stay on this one.
      this.rCur = undefined;
    }
    if (this.awReady && this.num('awvalid')) {
      const addr = this.num('awaddr'), len = this.num('awlen');
      this.checkBurst('AW', addr, len, this.num('awsize'), this.num('awburst'));
      this.writes.push({ id: this.num('awid'), addr, beats: len + 1, got: 0, resp: 0 });
      this.stats.awBursts++;
      this.onAw?.(this.cycle, addr, len + 1);
    }
    // W beats may come before their AW (AXI4 allows it): they wait here until it arrives.
    if (this.wReady && this.num('wvalid')) {
      this.wBuf.push({ data: BigInt(p.wdata!.get()), strb: BigInt(p.wstrb!.get()), last: this.num('wlast') === 1 });
      this.stats.wBeats++;
    }
    for (let w = this.writes[0]; w && this.wBuf.length; w = this.writes[0]) {
      const beat = this.wBuf.shift()!;
      const addr = w.addr + w.got * this.beatBytes;
      if (beat.last !== (w.got === w.beats - 1)) this.fail(`WLAST ${beat.last ? 'high' : 'low'} on beat ${w.got} of a ${w.beats}-beat burst`);
      const resp = this.errorFor(addr, this.beatBytes, 'write');
      if (resp) { w.resp = Math.max(w.resp, resp); this.stats.errorBeats++; }
      else this.mem.writeBeat(addr, this.beatBytes, beat.data, beat.strb);
      if (++w.got === w.beats) {
        this.writes.shift();
        this.bq.push({ id: w.id, resp: w.resp, readyAt: this.cycle + this.o.writeLatency });
      }
    }
    if (this.wBuf.length > 4096) this.fail('more than 4096 W beats without an AW');
    if (this.bCur && this.num('bready')) {
      this.bq.splice(this.bq.indexOf(this.bCur), 1);
      this.bCur = undefined;
      this.stats.bResps++;
    }
    this.cycle++;
  }
}
