// Drives the skb manager cycle by cycle from CycleInputs and checks every output against the model.
import { simulate, type BackendKind, type Sim } from '../../sim/harness.ts';
import type { PortAccess } from '../../sim/backend.ts';
import { SkbManager } from '../../blocks/skb/skb-manager.ts';
import { skbDefaults, type SkbParams } from '../../blocks/skb/params.ts';
import { errorName } from '../../blocks/skb/codes.ts';
import { SkbModel, type CycleInputs, type CycleOutputs } from './model.ts';

/** A small buffer for random tests: 16 KiB in 1 KiB blocks (16 blocks), 4 connections, at most 3 references. */
export const smallConfig: SkbParams = { ...skbDefaults, bufferBytes: 16384, blockBytes: 1024, connections: 4, refBits: 2, idBits: 6, connBits: 3 };
/** The configuration the formal proof covers, simulated with its invariant output checked every cycle. */
export const formalConfig: SkbParams = { width: 8, bufferBytes: 16, blockBytes: 2, connections: 2, refBits: 2, idBits: 4, connBits: 2, formal: true };

type Ports = Record<string, PortAccess>;

export class SkbHarness {
  readonly model: SkbModel;
  private readonly p: Ports = {};
  /** Cycles driven, allocations and frees accepted (for rate measurements). */
  allocs = 0;
  frees = 0;

  constructor(readonly sim: Sim<unknown>, readonly params: SkbParams) {
    this.model = new SkbModel(params);
    for (const port of sim.engine.ports) {
      this.p[port.name] = sim.port(port.name as never);
      // Inputs idle through the reset, so nothing is written while it is held.
      if (port.dir === 'in' && port.name !== 'clk' && port.name !== 'rst') this.p[port.name]!.set(0);
    }
    sim.reset();
  }

  static async create(params: SkbParams, backend: BackendKind): Promise<SkbHarness> {
    const sim = await simulate(SkbManager, params, { backend });
    return new SkbHarness(sim as unknown as Sim<unknown>, params);
  }

  /** Resets the hardware and starts a fresh model. */
  restart(): SkbHarness { return new SkbHarness(this.sim, this.params); }

  private set(name: string, v: number | bigint | boolean) { this.p[name]!.set(typeof v === 'boolean' ? (v ? 1 : 0) : v); }
  private num(name: string): number { return Number(this.p[name]!.get()); }

  /** One cycle: drive the inputs, compare every output with the model, clock. Returns the model's view. */
  cycle(inp: CycleInputs): CycleOutputs {
    const s = this.set.bind(this);
    s('alloc_valid', !!inp.alloc);
    s('free_valid', inp.free !== undefined); s('free_id', inp.free ?? 0);
    s('get_valid', inp.get !== undefined); s('get_id', inp.get ?? 0);
    s('q_valid', inp.q !== undefined);
    if (inp.q) { s('q_op', inp.q.op); s('q_conn', inp.q.conn); s('q_dir', inp.q.dir); s('q_id', inp.q.id); }
    s('meta_wr_valid', inp.metaWr !== undefined);
    if (inp.metaWr) {
      const w = inp.metaWr;
      s('meta_wr_id', w.id); s('meta_wr_fields', w.fields); s('meta_wr_len', w.len); s('meta_wr_seq', w.seq); s('meta_wr_csum', w.csum);
    }
    s('meta_rd_valid', inp.metaRd !== undefined); s('meta_rd_id', inp.metaRd ?? 0);
    s('wr_valid', inp.wr !== undefined);
    if (inp.wr) { s('wr_block', inp.wr.block); s('wr_offset', inp.wr.offset); s('wr_data', inp.wr.data); s('wr_keep', inp.wr.keep); }
    s('rd_valid', inp.rd !== undefined);
    if (inp.rd) { s('rd_block', inp.rd.block); s('rd_offset', inp.rd.offset); }
    this.sim.eval();

    const want = this.model.step(inp);
    this.compare(want, inp);
    if (want.allocReady && inp.alloc) this.allocs++;
    if (want.freeReady && inp.free !== undefined) this.frees++;
    this.sim.step(1);
    return want;
  }

  private compare(w: CycleOutputs, inp: CycleInputs) {
    const bad: string[] = [];
    const eq = (port: string, want: number | boolean | bigint | undefined) => {
      if (want === undefined) return;
      const got = this.p[port]!.get();
      const wv = typeof want === 'boolean' ? (want ? 1n : 0n) : BigInt(want);
      if (BigInt(got) !== wv) bad.push(`${port}: got ${got}, want ${wv}`);
    };
    eq('alloc_ready', w.allocReady);
    if (w.allocReady) eq('alloc_id', w.allocId);
    eq('free_ready', w.freeReady);
    eq('get_ready', true);
    eq('q_ready', true);
    eq('ref_resp_valid', w.refResp !== undefined);
    if (w.refResp) {
      eq('ref_resp_get', w.refResp.get); eq('ref_resp_id', w.refResp.id); eq('ref_resp_count', w.refResp.count);
      eq('ref_resp_released', w.refResp.released); eq('ref_resp_error', w.refResp.error);
    } else eq('ref_resp_error', 0);
    eq('q_resp_valid', w.qResp !== undefined);
    if (w.qResp) {
      const r = w.qResp;
      eq('q_resp_op', r.op); eq('q_resp_conn', r.conn); eq('q_resp_dir', r.dir); eq('q_resp_id', r.id);
      eq('q_resp_empty', r.empty); eq('q_resp_count', r.count); eq('q_resp_error', r.error);
    } else eq('q_resp_error', 0);
    eq('meta_resp_valid', w.metaResp !== undefined);
    if (w.metaResp) {
      const r = w.metaResp;
      eq('meta_resp_id', r.id); eq('meta_resp_error', r.error);
      if (!r.error) {
        eq('meta_resp_len', r.len); eq('meta_resp_seq', r.seq); eq('meta_resp_csum', r.csum);
        eq('meta_resp_refcount', r.refcount); eq('meta_resp_queued', r.queued); eq('meta_resp_next', r.next);
      }
    }
    eq('rd_resp_valid', w.rdResp !== undefined);
    if (w.rdResp) {
      eq('rd_resp_error', w.rdResp.error);
      if (!w.rdResp.error) {
        const got = BigInt(this.p.rd_resp_data!.get()) & w.rdResp.known!;
        if (got !== (w.rdResp.data! & w.rdResp.known!)) bad.push(`rd_resp_data: got 0x${got.toString(16)}, want 0x${(w.rdResp.data! & w.rdResp.known!).toString(16)} (known bytes 0x${w.rdResp.known!.toString(16)})`);
      }
    }
    eq('free_count', w.freeCount); eq('free_low', w.freeLow); eq('nomem', w.nomem); eq('nomem_event', w.nomemEvent);
    eq('alloc_fail_count', w.allocFailCount); eq('err_event', w.errEvent); eq('err_count', w.errCount);
    if (w.errEvent) eq('err_code', w.errCode);
    if (this.params.formal) { eq('inv_free_list_ok', true); eq('inv_queues_ok', true); }
    if (bad.length) {
      const why = [w.qResp && `q ${errorName(w.qResp.error)}`, w.refResp && `ref ${errorName(w.refResp.error)}`].filter(Boolean).join(', ');
      throw new Error(`cycle ${this.model.cycle - 1} (${this.sim.backend}): ${bad.join('; ')}\n  inputs ${JSON.stringify(inp, big)}\n  model ${JSON.stringify(w, big)} ${why}`);
    }
  }

  /** Idle cycles until every operation in flight has committed. */
  drain(): void { for (let i = 0; i < 3; i++) this.cycle({}); }

  /**
   * Empties every queue and drops every reference (queue operations and frees back to back), then checks that
   * the free list holds every block: free_count = blocks, and allocating them all hands out each block once.
   */
  freeEverythingAndCheck(): void {
    const m = this.model;
    this.drain();
    m.queues.forEach((list, qi) => {
      for (let n = list.length; n > 0; n--) this.cycle({ q: { op: 1, conn: qi >> 1, dir: qi & 1, id: 0 } });
    });
    this.drain();
    for (const b of m.allocatedBlocks()) for (let n = m.refs[b]!; n > 0; n--) this.cycle({ free: b });
    this.drain();
    if (m.allocatedBlocks().length) throw new Error(`blocks still allocated: ${m.allocatedBlocks()}`);
    this.cycle({});
    if (this.num('free_count') !== m.blocks) throw new Error(`free_count ${this.num('free_count')} after freeing everything, want ${m.blocks}`);
    const seen = new Set<number>();
    for (let guard = 0; seen.size < m.blocks; guard++) {
      if (guard > 4 * m.blocks) throw new Error(`only ${seen.size} of ${m.blocks} blocks could be allocated again`);
      const before = this.allocs;
      const out = this.cycle({ alloc: true });
      if (this.allocs > before) {
        if (seen.has(out.allocId!)) throw new Error(`block ${out.allocId} handed out twice`);
        seen.add(out.allocId!);
      }
    }
    this.cycle({});
    if (this.num('alloc_ready') !== 0 || this.num('nomem') !== 1) throw new Error('the free list is not empty after allocating every block');
  }
}

const big = (_k: string, v: unknown) => (typeof v === 'bigint' ? `0x${v.toString(16)}` : v);
