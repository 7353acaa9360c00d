// The reference model of the firmware bus's two queues, cycle-exact at the register interface. It knows when
// the hardware side handed over each event and took each command (from the bench's agents) and predicts what
// the firmware must see: EVENT_COUNT, the event popped, CMD_SPACE, and whether a CMD_PUSH is taken or refused.
//
// Timing it encodes (README.md, "Timing"): an event taken by the block in cycle a counts in EVENT_COUNT from
// cycle a + 1, but only once the queue's head register is loaded, two cycles after the first event reaches
// an empty queue (EVENT_COUNT reads 0 until then). A CMD_PUSH in cycle c sees the commands pushed and taken
// before c: it is refused when that leaves no free entry (a command leaving in the same cycle does not help).

export interface Stamped { data: bigint; cycle: number }

export class QueueModel {
  popped = 0;
  readonly pushed: Stamped[] = [];
  refused = 0;
  emptyReads = 0;

  constructor(
    readonly commandDepth: number,
    /** Events the block has taken so far (appended to by the bench). */
    private readonly eventsIn: readonly Stamped[],
    /** Commands the block has handed out so far. */
    private readonly cmdsOut: readonly Stamped[],
  ) {}

  /** EVENT_COUNT as read in cycle c. */
  eventCount(c: number): number {
    const waiting = this.eventsIn.slice(this.popped);
    return waiting.some((e) => e.cycle <= c - 2) ? waiting.filter((e) => e.cycle <= c - 1).length : 0;
  }

  /** The event the firmware popped must be the oldest one waiting. */
  pop(got: bigint): void {
    const want = this.eventsIn[this.popped];
    if (want === undefined) throw new Error(`popped 0x${got.toString(16)} but the hardware sent no event ${this.popped}`);
    if (got !== want.data) throw new Error(`event ${this.popped}: popped 0x${got.toString(16)}, sent 0x${want.data.toString(16)}`);
    this.popped++;
  }

  /** Commands in the queue as seen by an access in cycle c. */
  cmdHeld(c: number): number {
    return this.pushed.filter((p) => p.cycle < c).length - this.cmdsOut.filter((o) => o.cycle < c).length;
  }

  /** CMD_SPACE as read in cycle c. */
  cmdSpace(c: number): number { return this.commandDepth - this.cmdHeld(c); }

  /** A CMD_PUSH in cycle c: is it taken? Records it either way. */
  push(data: bigint, c: number): boolean {
    const taken = this.cmdHeld(c) < this.commandDepth;
    if (taken) this.pushed.push({ data, cycle: c }); else this.refused++;
    return taken;
  }

  /** Every command the hardware received is the one pushed, in order, byte-exact. */
  checkCommandsOut(): void {
    this.cmdsOut.forEach((o, i) => {
      const want = this.pushed[i];
      if (!want) throw new Error(`command ${i} 0x${o.data.toString(16)} came out but was never pushed`);
      if (o.data !== want.data) throw new Error(`command ${i}: came out 0x${o.data.toString(16)}, pushed 0x${want.data.toString(16)}`);
    });
  }
}
