// A model of what hangs on the firmware bus's window port (win_req_* / win_resp_*): a word memory standing in
// for the TCB table and CSRs, with per-request behaviour chosen by a callback: answer after some cycles,
// answer err, take the request and never answer, answer so late the bus has given up, or never take it.
import type { Agent, Sim } from '../harness.ts';
import type { PortAccess } from '../backend.ts';

export interface WindowRequestRec { addr: number; write: boolean; wdata: number; wstrb: number; tag: number; cycle: number }

/** What the slave does with one request. */
export type WindowBehaviour =
  /** Take the request after `acceptDelay` cycles, answer `latency` cycles after taking it (0: the same cycle). */
  | { kind: 'answer'; acceptDelay: number; latency: number; err?: boolean }
  /** Never take the request (the bus withdraws it at its timeout). */
  | { kind: 'ignore' }
  /** Take it and never answer. */
  | { kind: 'drop'; acceptDelay: number };

export class WindowSlave implements Agent {
  readonly mem = new Map<number, number>();
  /** Every request taken, in order. */
  readonly taken: WindowRequestRec[] = [];
  /** Responses sent: the tag and whether the bus's request with that tag was still outstanding is for the test to judge. */
  readonly answered: { tag: number; rdata: number; err: boolean; cycle: number }[] = [];
  private readonly p: Record<string, PortAccess>;
  private pending: { due: number; tag: number; rdata: number; err: boolean }[] = [];
  private current: { behaviour: WindowBehaviour; waited: number } | undefined;
  private acceptNow = false;
  private sending: { tag: number; rdata: number; err: boolean } | undefined;

  /** `choose` picks each new request's behaviour (default: answer in 1 cycle). */
  constructor(readonly sim: Sim<unknown>, public choose: (req: Omit<WindowRequestRec, 'cycle'>) => WindowBehaviour = () => ({ kind: 'answer', acceptDelay: 0, latency: 1 })) {
    const names = ['req_valid', 'req_ready', 'req_addr', 'req_write', 'req_wdata', 'req_wstrb', 'req_tag', 'resp_valid', 'resp_rdata', 'resp_err', 'resp_tag'];
    this.p = Object.fromEntries(names.map((n) => [n, sim.port(`win_${n}` as never)]));
    this.p.req_ready!.set(0);
    this.p.resp_valid!.set(0);
    sim.addAgent(this);
  }

  read(addr: number): number { return this.mem.get(addr) ?? 0; }

  private request(): Omit<WindowRequestRec, 'cycle'> {
    const g = (n: string) => Number(this.p[n]!.get());
    return { addr: g('req_addr'), write: g('req_write') === 1, wdata: g('req_wdata') >>> 0, wstrb: g('req_wstrb'), tag: g('req_tag') };
  }

  drive(): void {
    // req_valid comes from the bus's registers, so it is settled before this cycle's inputs are set.
    const valid = Number(this.p.req_valid!.get()) === 1;
    if (!valid) this.current = undefined; // withdrawn (timed out) or never offered
    else if (!this.current) this.current = { behaviour: this.choose(this.request()), waited: 0 };
    const b = this.current?.behaviour;
    this.acceptNow = !!b && b.kind !== 'ignore' && this.current!.waited >= b.acceptDelay;
    this.p.req_ready!.set(this.acceptNow ? 1 : 0);

    if (this.acceptNow && b!.kind === 'answer' && b!.latency === 0) {
      this.sending = this.respond(this.request(), b!.err ?? false);
    } else {
      const i = this.pending.findIndex((r) => r.due <= this.sim.cycle);
      this.sending = i >= 0 ? this.pending.splice(i, 1)[0] : undefined;
    }
    this.p.resp_valid!.set(this.sending ? 1 : 0);
    this.p.resp_rdata!.set(this.sending?.rdata ?? 0);
    this.p.resp_err!.set(this.sending?.err ? 1 : 0);
    this.p.resp_tag!.set(this.sending?.tag ?? 0);
  }

  /** Performs the request on the memory and returns its response (writes honour wstrb; err leaves memory alone). */
  private respond(req: Omit<WindowRequestRec, 'cycle'>, err: boolean): { tag: number; rdata: number; err: boolean } {
    const old = this.read(req.addr);
    if (req.write && !err) {
      let mask = 0;
      for (let i = 0; i < 4; i++) if (req.wstrb & (1 << i)) mask |= 0xff << (8 * i);
      this.mem.set(req.addr, ((old & ~mask) | (req.wdata & mask)) >>> 0);
    }
    return { tag: req.tag, rdata: req.write || err ? 0 : old, err };
  }

  sample(): void {
    if (this.sending) this.answered.push({ ...this.sending, cycle: this.sim.cycle });
    if (!this.current) return;
    if (this.acceptNow) {
      const req = this.request();
      this.taken.push({ ...req, cycle: this.sim.cycle });
      const b = this.current.behaviour;
      if (b.kind === 'answer' && b.latency > 0) {
        const r = this.respond(req, b.err ?? false);
        this.pending.push({ ...r, due: this.sim.cycle + b.latency });
      }
      this.current = undefined;
    } else {
      this.current.waited++;
    }
  }
}
