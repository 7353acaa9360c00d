// A stand-in for the skb manager's ports host_glue's receive side uses (skb_q / skb_meta_rd / skb_rd / skb_free
// and their responses, at skb-manager.ts's latencies: queue t+2, meta and data t+1), with random `ready` lows as
// toe_top's arbitration would cause. It holds blocks (bytes + meta len/off) on per-connection receive queues.
import type { Agent, Sim } from '../../sim/harness.ts';
import type { PortAccess } from '../../sim/backend.ts';
import { Xorshift } from '../../sim/stream-models.ts';

export const BLOCK_BYTES = 2048;

interface Due { at: number; set: Record<string, number | bigint> }

export class SkbStandIn implements Agent {
  readonly blocks = new Map<number, { bytes: Uint8Array; len: number; off: number }>();
  readonly queues = new Map<number, number[]>();
  readonly freed: number[] = [];
  readonly faults: string[] = [];
  private readonly p = new Map<string, PortAccess>();
  private readonly rng: Xorshift;
  private now = 0;
  private due: Due[] = [];
  private ready: Record<string, boolean> = {};

  constructor(private readonly sim: Sim<unknown>, seed: number, private readonly stall = 0.3) {
    this.rng = new Xorshift(seed);
    sim.addAgent(this);
  }

  private port(n: string): PortAccess {
    let a = this.p.get(n);
    if (!a) { a = this.sim.port(n as never); this.p.set(n, a); }
    return a;
  }
  private get(n: string): number { return Number(this.port(n).get()); }

  /** Puts a block on `conn`'s receive queue: `bytes` at offset `off` of the block. */
  enqueue(conn: number, id: number, off: number, bytes: Uint8Array): void {
    const b = new Uint8Array(BLOCK_BYTES);
    for (let i = 0; i < BLOCK_BYTES; i++) b[i] = (id * 7 + i * 13) & 255; // junk around the payload
    b.set(bytes, off);
    this.blocks.set(id, { bytes: b, len: bytes.length, off });
    if (!this.queues.has(conn)) this.queues.set(conn, []);
    this.queues.get(conn)!.push(id);
  }

  drive(): void {
    const resp = { skb_q_resp_valid: 0, skb_meta_resp_valid: 0, skb_rd_resp_valid: 0 } as Record<string, number | bigint>;
    for (const d of this.due.filter((x) => x.at === this.now)) Object.assign(resp, d.set);
    this.due = this.due.filter((x) => x.at > this.now);
    for (const [k, v] of Object.entries(resp)) this.port(k).set(v);
    for (const r of ['skb_q', 'skb_meta_rd', 'skb_rd', 'skb_free']) {
      this.ready[r] = this.rng.next() >= this.stall;
      this.port(`${r}_ready`).set(this.ready[r] ? 1 : 0);
    }
  }

  sample(): void {
    const fire = (r: string) => this.ready[r] && this.get(`${r}_valid`) === 1;
    if (fire('skb_q')) {
      const conn = this.get('skb_q_conn'), op = this.get('skb_q_op'), dir = this.get('skb_q_dir');
      if (op !== 1 || dir !== 1) this.faults.push(`unexpected queue op ${op} dir ${dir}`);
      const q = this.queues.get(conn) ?? [];
      const id = q.shift();
      this.due.push({ at: this.now + 2, set: { skb_q_resp_valid: 1, skb_q_resp_op: 1, skb_q_resp_conn: conn, skb_q_resp_dir: 1, skb_q_resp_id: id ?? 0, skb_q_resp_empty: id === undefined ? 1 : 0, skb_q_resp_count: q.length, skb_q_resp_error: 0 } });
    }
    if (fire('skb_meta_rd')) {
      const id = this.get('skb_meta_rd_id');
      const b = this.blocks.get(id);
      if (!b) this.faults.push(`meta read of unknown block ${id}`);
      this.due.push({ at: this.now + 1, set: { skb_meta_resp_valid: 1, skb_meta_resp_id: id, skb_meta_resp_len: b?.len ?? 0, skb_meta_resp_csum: b?.off ?? 0, skb_meta_resp_refcount: 1 } });
    }
    if (fire('skb_rd')) {
      const id = this.get('skb_rd_block'), off = this.get('skb_rd_offset');
      const b = this.blocks.get(id);
      if (!b) this.faults.push(`data read of unknown block ${id}`);
      let v = 0n;
      for (let i = 7; i >= 0; i--) v = (v << 8n) | BigInt(b?.bytes[off * 8 + i] ?? 0);
      this.due.push({ at: this.now + 1, set: { skb_rd_resp_valid: 1, skb_rd_resp_data: v, skb_rd_resp_error: b ? 0 : 1 } });
    }
    if (fire('skb_free')) {
      const id = this.get('skb_free_id');
      if (!this.blocks.has(id) || this.freed.includes(id)) this.faults.push(`bad free of block ${id}`);
      this.freed.push(id);
    }
    this.now++;
  }
}
