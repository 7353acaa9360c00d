// The queue between the sweep and the event port: a few register slots whose entries a command can withdraw
// before they reach the port, and the output register that presents one event under valid/ready.
import { Bool, UInt, Vec, when, type ModuleBuilder, type Sig } from '../../dsl/index.ts';
import { select } from '../skb/bits.ts';
import { KIND_BITS } from './codes.ts';

export interface EventQueueInputs {
  /** The sweep raises (row, kind) this cycle. Only when canPush. */
  push: Sig; pushRow: Sig; pushKind: Sig;
  /** A command for `killRow` and the kinds set in `killMask` is accepted this cycle: withdraw their queued events. */
  kill: Sig; killRow: Sig; killMask: Sig;
  /** The event port's ready. */
  ready: Sig;
}

/**
 * Slots form a ring (head, tail, count). A withdrawn entry stays in its slot with `live` cleared and is dropped,
 * one per cycle, when it reaches the head: it never needs the event port, so withdrawn entries drain even under
 * backpressure. An entry moves to the output register when that is free (or being taken) and no command
 * withdraws it in the same cycle. Once in the output register an event is committed (valid/ready forbids
 * taking it back): a command accepted from then on no longer affects it.
 */
export function eventQueue(m: ModuleBuilder, depth: number, rowBits: number, inp: EventQueueInputs) {
  const slotBits = Math.log2(depth);
  const live = m.reg(Vec(Bool, depth), { reset: 0, name: 'slot_live' });
  const rows = m.reg(Vec(UInt(rowBits), depth), { name: 'slot_row' });
  const kinds = m.reg(Vec(UInt(KIND_BITS), depth), { name: 'slot_kind' });
  const head = m.reg(UInt(slotBits), { reset: 0, name: 'slot_head' });
  const tail = m.reg(UInt(slotBits), { reset: 0, name: 'slot_tail' });
  const count = m.reg(UInt(slotBits + 1), { reset: 0, name: 'slot_count' });
  const outValid = m.reg(Bool, { reset: false, name: 'evt_valid_q' });
  const outRow = m.reg(UInt(rowBits), { name: 'evt_row_q' });
  const outKind = m.reg(UInt(KIND_BITS), { name: 'evt_kind_q' });

  const killed = rows.map((r, i) => inp.kill.land(r.eq(inp.killRow)).land(inp.killMask.bit(kinds[i]!)).named(`slot_kill_${i}`));
  const headGood = select(live, head).land(select(killed, head).lnot()).named('head_good');
  const outFree = outValid.lnot().lor(inp.ready);
  const pop = count.ne(0).land(headGood.lnot().lor(outFree)).named('slot_pop');
  const load = pop.land(headGood).named('evt_load');

  live.forEach((l, i) => {
    when(killed[i]!, () => l.set(false));
    const fill = inp.push.land(tail.eq(i)).named(`slot_fill_${i}`);
    when(fill, () => { l.set(true); rows[i]!.set(inp.pushRow); kinds[i]!.set(inp.pushKind); });
  });
  when(inp.push, () => tail.set(tail.add(1)));
  when(pop, () => head.set(head.add(1)));
  when(inp.push.land(pop.lnot()), () => count.set(count.add(1)))
    .elseWhen(pop.land(inp.push.lnot()), () => count.set(count.sub(1)));

  outValid.set(load.lor(outValid.land(inp.ready.lnot())));
  when(load, () => { outRow.set(select(rows, head)); outKind.set(select(kinds, head)); });

  return {
    valid: outValid as Sig, row: outRow as Sig, kind: outKind as Sig,
    canPush: count.ne(depth).named('queue_can_push'),
    /** A withdrawn entry left the queue this cycle. */
    withdrawn: pop.land(headGood.lnot()),
  };
}
