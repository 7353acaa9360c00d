// The NIC's buffer memory as seen by the DMA engine, for simulation: a word-wide write port
// {prefix_wr_addr, _data, _strb, _valid, _ready} and a read port {_rd_addr, _rd_valid, _rd_ready} whose data
// returns in order `readLatency` cycles after each request on {_rdata_data, _rdata_valid}. Addresses are in
// words. Random write/read-request backpressure exercises the engine's stalls.
import type { Agent, Sim } from '../harness.ts';
import type { PortAccess } from '../backend.ts';
import { Xorshift } from '../stream-models.ts';
import { SparseMemory } from './sparse-memory.ts';

export interface NicMemoryOptions {
  /** Port prefix (default 'nic': nic_wr_*, nic_rd_*, nic_rdata_*). */
  prefix?: string;
  /** Cycles from a read request's handshake to its data (>= 1; default 2, a registered BRAM). */
  readLatency?: number;
  /** Probability that wr_ready / rd_ready is low in a cycle. */
  wrStall?: number;
  rdStall?: number;
  seed?: number;
}

export class NicMemory implements Agent {
  readonly beatBytes: number;
  readonly stats = { writes: 0, reads: 0 };
  private readonly wr: Record<string, PortAccess> | undefined;
  private readonly rd: Record<string, PortAccess> | undefined;
  private readonly rng: Xorshift;
  private wrReady = false; private rdReady = false;
  private readonly pending: { at: number; data: bigint }[] = [];
  private cycle = 0;
  private readonly o: Required<Omit<NicMemoryOptions, 'prefix'>>;

  constructor(sim: Sim<unknown>, readonly mem: SparseMemory, opts: NicMemoryOptions = {}) {
    const prefix = opts.prefix ?? 'nic';
    const has = (n: string) => sim.engine.ports.some((x) => x.name === `${prefix}_${n}`);
    const get = (names: string[]) => Object.fromEntries(names.map((n) => [n.replace(/^(wr|rd|rdata)_/, ''), sim.port(`${prefix}_${n}` as never)]));
    if (has('wr_valid')) this.wr = get(['wr_addr', 'wr_data', 'wr_strb', 'wr_valid', 'wr_ready']);
    if (has('rd_valid')) this.rd = { ...get(['rd_addr', 'rd_valid', 'rd_ready']), rdata: sim.port(`${prefix}_rdata_data` as never), rvalid: sim.port(`${prefix}_rdata_valid` as never) };
    const data = sim.engine.ports.find((x) => x.name === `${prefix}_wr_data` || x.name === `${prefix}_rdata_data`)!;
    this.beatBytes = data.width / 8;
    this.o = { readLatency: opts.readLatency ?? 2, wrStall: opts.wrStall ?? 0, rdStall: opts.rdStall ?? 0, seed: opts.seed ?? 11 };
    if (this.o.readLatency < 1) throw new Error('NicMemory: readLatency must be >= 1');
    this.rng = new Xorshift(this.o.seed);
    sim.addAgent(this);
  }

  configure(opts: Partial<Omit<NicMemoryOptions, 'prefix'>>): void { Object.assign(this.o, opts); }

  drive(): void {
    if (this.wr) {
      this.wrReady = !(this.o.wrStall && this.rng.next() < this.o.wrStall);
      this.wr.ready!.set(this.wrReady ? 1 : 0);
    }
    if (this.rd) {
      this.rdReady = !(this.o.rdStall && this.rng.next() < this.o.rdStall);
      this.rd.ready!.set(this.rdReady ? 1 : 0);
      const head = this.pending[0];
      if (head && head.at <= this.cycle) {
        this.rd.rvalid!.set(1);
        this.rd.rdata!.set(head.data);
        this.pending.shift();
      } else this.rd.rvalid!.set(0);
    }
  }

  sample(): void {
    const B = this.beatBytes;
    if (this.wr && this.wrReady && Number(this.wr.valid!.get())) {
      this.mem.writeBeat(Number(this.wr.addr!.get()) * B, B, BigInt(this.wr.data!.get()), BigInt(this.wr.strb!.get()));
      this.stats.writes++;
    }
    if (this.rd && this.rdReady && Number(this.rd.valid!.get())) {
      this.pending.push({ at: this.cycle + this.o.readLatency, data: this.mem.readBeat(Number(this.rd.addr!.get()) * B, B) });
      this.stats.reads++;
    }
    this.cycle++;
  }
}
