// The data receiver's SACK bookkeeping (RFC 2018 §4, RFC 2883 D-SACK): which sequence ranges the RX core holds
// out of order, as merged blocks in the order they were last touched, most recent first. That order is what the
// ACKs report: the block containing the segment that triggered the ACK first, then the most recently reported
// others. Pure functions on the list; the RX core owns it (FwConn.sacks) and mirrors its head into the hardware
// TCB with SACK_SET.
import { command, MAX_SACK_BLOCKS } from './api.ts';
import type { CoreContext } from './context.ts';
import type { FwConn, SeqBlock } from './conn.ts';
import { seqGeq, seqGt, seqLeq, seqLt, seqMax } from './seq.ts';

/**
 * [left, right) is now held: merge it with every block it overlaps or touches and move the result to the front.
 * (A range inside an existing block only moves that block to the front: it contains the latest segment.)
 */
export function sackRecord(blocks: SeqBlock[], left: number, right: number): void {
  let l = left, r = right;
  for (let i = blocks.length - 1; i >= 0; i--) {
    const b = blocks[i]!;
    if (seqLeq(b.left, r) && seqGeq(b.right, l)) {
      if (seqLt(b.left, l)) l = b.left;
      if (seqGt(b.right, r)) r = b.right;
      blocks.splice(i, 1);
    }
  }
  blocks.unshift({ left: l, right: r });
}

/** RCV.NXT reached `rcvNxt`: forget what it covers (a block never reports data at or below RCV.NXT). */
export function sackTrim(blocks: SeqBlock[], rcvNxt: number): void {
  for (let i = blocks.length - 1; i >= 0; i--) {
    const b = blocks[i]!;
    if (seqLeq(b.right, rcvNxt)) blocks.splice(i, 1);
    else b.left = seqMax(b.left, rcvNxt);
  }
}

/**
 * RFC 2883: the first contiguous part of the segment [seq, end) that was already received, below RCV.NXT or in a
 * held block (FreeBSD and Linux report the first such range only), or undefined when nothing was.
 */
export function dsackRange(blocks: readonly SeqBlock[], rcvNxt: number, seq: number, end: number): SeqBlock | undefined {
  if (!seqLt(seq, end)) return undefined;
  if (seqLt(seq, rcvNxt)) return { left: seq, right: seqLt(end, rcvNxt) ? end : rcvNxt };
  let first: SeqBlock | undefined;
  for (const b of blocks) {
    if (seqLt(b.left, end) && seqGt(b.right, seq) && (!first || seqLt(b.left, first.left))) first = b;
  }
  if (!first) return undefined;
  return { left: seqMax(first.left, seq), right: seqLt(end, first.right) ? end : first.right };
}

/** Mirror the head of the list into the hardware TCB when it changed since the last SACK_SET. */
export function sackSync(c: FwConn, ctx: CoreContext): void {
  const head = c.sacks.slice(0, MAX_SACK_BLOCKS);
  const same = head.length === c.sacksSent.length && head.every((b, i) => b.left === c.sacksSent[i]!.left && b.right === c.sacksSent[i]!.right);
  if (same) return;
  c.sacksSent = head.map((b) => ({ ...b }));
  const f: Record<string, number> = { conn: c.id, count: head.length };
  head.forEach((b, i) => { f[`left${i}`] = b.left; f[`right${i}`] = b.right; });
  ctx.issue(command('SACK_SET', f as Parameters<typeof command<'SACK_SET'>>[1]));
}
