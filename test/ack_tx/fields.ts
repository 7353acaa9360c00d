// TS values of the ack_tx interfaces (mirroring blocks/ack_tx/types.ts) and a valid/ready driver agent.
import type { Sim } from '../../sim/harness.ts';
import { Xorshift } from '../../sim/stream-models.ts';

export interface SackBlockValue { left: number; right: number }

export interface AddressValues {
  dst_mac: number; src_mac: number; src_ip: number; dst_ip: number; src_port: number; dst_port: number;
}

export interface SegmentDesc extends AddressValues {
  seq: number; ack: number; flags: number; window: number;
  ts_enabled: boolean; ts_ecr: number; sack_count: number; sack: SackBlockValue[];
  payload_len: number; payload_sum: number;
}

export interface ConnValues extends AddressValues {
  snd_nxt: number; rcv_nxt: number; rcv_wnd: number; rcv_wscale: number; ts_enabled: boolean; ts_recent: number;
}

export interface OffendingValues { seg_seq: number; seg_ack: number; seg_len: number; seg_flags: number }

export interface AckRequest extends ConnValues, OffendingValues {
  kind: number; sack_count: number; sack: SackBlockValue[];
}

export interface AckEvent extends ConnValues, OffendingValues {
  conn: number; event: number; mss: number; sack_count: number; sack: SackBlockValue[];
}

export const NO_SACK: SackBlockValue[] = [0, 1, 2, 3].map(() => ({ left: 0, right: 0 }));

type Value = number | bigint | boolean | Value[] | { [k: string]: Value };

/** Port name -> value for a struct value under `prefix` (fields joined with '_', vector elements by index). */
export function flatten(prefix: string, v: Value, out: [string, number | bigint | boolean][] = []): [string, number | bigint | boolean][] {
  if (typeof v === 'number' || typeof v === 'bigint' || typeof v === 'boolean') out.push([prefix, v]);
  else if (Array.isArray(v)) v.forEach((x, i) => flatten(`${prefix}_${i}`, x, out));
  else for (const [k, x] of Object.entries(v)) flatten(`${prefix}_${k}`, x, out);
  return out;
}

/** Sets every field port of a struct value. */
export function pokeStruct(sim: Sim<unknown>, prefix: string, v: object): void {
  for (const [name, x] of flatten(prefix, v as Value)) sim.poke(name as never, x);
}

/**
 * Drives a valid/ready port `prefix` from a queue of struct values, with random idle cycles (`gap`);
 * records the cycle each item was taken.
 */
export class HandshakeSource<T extends object> {
  private readonly queue: { item: T; at: number }[] = [];
  private readonly rng: Xorshift;
  private valid = false;
  private shown: T | undefined;
  readonly taken: { item: T; cycle: number }[] = [];

  constructor(private readonly sim: Sim<unknown>, private readonly prefix: string, private readonly opts: { gap?: number; seed?: number } = {}) {
    this.rng = new Xorshift(opts.seed ?? 3);
    sim.poke(`${prefix}_valid` as never, 0);
    sim.addAgent(this);
  }

  push(...items: T[]): this { for (const item of items) this.queue.push({ item, at: 0 }); return this; }
  /** Offers `item` from cycle `at` on (after the items queued before it). */
  pushAt(at: number, item: T): this { this.queue.push({ item, at }); return this; }
  get idle(): boolean { return this.queue.length === 0; }

  drive(): void {
    const head = this.queue[0];
    const item = head && this.sim.cycle >= head.at ? head.item : undefined;
    this.valid = !!item && !(this.opts.gap && this.rng.next() < this.opts.gap);
    this.sim.port(`${this.prefix}_valid` as never).set(this.valid ? 1 : 0);
    if (this.valid && this.shown !== item) { pokeStruct(this.sim, this.prefix, item!); this.shown = item; }
  }

  sample(): void {
    if (this.valid && this.sim.port(`${this.prefix}_ready` as never).get()) {
      this.taken.push({ item: this.queue.shift()!.item, cycle: this.sim.cycle });
    }
  }

  detach(): void { this.sim.removeAgent(this); this.sim.poke(`${this.prefix}_valid` as never, 0); }
}

/** An event carrying a request's fields (conn and mss given). */
export function eventOf(r: AckRequest, conn: number, event: number, mss = 1460): AckEvent {
  const { kind: _kind, ...fields } = r;
  return { conn, event, mss, ...fields };
}
