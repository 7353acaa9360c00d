// The data sender's SACK scoreboard (RFC 2018 §3, RFC 6675 §3-4): which bytes above SND.UNA the peer reported
// as received, kept as sorted, merged blocks. The TX core uses it in loss recovery to retransmit only the holes,
// lowest first, and never data the peer already holds.
import type { SeqBlock } from './conn.ts';
import { seqGeq, seqGt, seqLeq, seqLt, seqMax } from './seq.ts';

/** Add the blocks of one ACK: only those within (SND.UNA, SND.MAX] count (a D-SACK or bogus block does not). */
export function scoreboardAdd(board: SeqBlock[], blocks: readonly SeqBlock[], sndUna: number, sndMax: number): void {
  for (const b of blocks) {
    if (!seqLt(b.left, b.right) || !seqGt(b.left, sndUna) || seqGt(b.right, sndMax)) continue;
    let l = b.left, r = b.right;
    for (let i = board.length - 1; i >= 0; i--) {
      const x = board[i]!;
      if (seqLeq(x.left, r) && seqGeq(x.right, l)) {
        if (seqLt(x.left, l)) l = x.left;
        if (seqGt(x.right, r)) r = x.right;
        board.splice(i, 1);
      }
    }
    const at = board.findIndex((x) => seqGt(x.left, l));
    board.splice(at < 0 ? board.length : at, 0, { left: l, right: r });
  }
}

/** SND.UNA moved: forget what it covers. */
export function scoreboardTrim(board: SeqBlock[], sndUna: number): void {
  while (board.length > 0 && seqLeq(board[0]!.right, sndUna)) board.shift();
  if (board.length > 0) board[0]!.left = seqMax(board[0]!.left, sndUna);
}

/** The first hole at or after `from`: un-SACKed bytes below the highest SACKed byte, or undefined. */
export function nextHole(board: readonly SeqBlock[], from: number): SeqBlock | undefined {
  let seq = from;
  for (const b of board) {
    if (seqLeq(b.right, seq)) continue;
    if (seqLt(seq, b.left)) return { left: seq, right: b.left };
    seq = b.right;
  }
  return undefined;
}

/** The SACKed block holding sequence number `seq`, if any. */
export const sackedAt = (c: { sacked: readonly SeqBlock[] }, seq: number): SeqBlock | undefined =>
  c.sacked.find((b) => seqLeq(b.left, seq) && seqLt(seq, b.right));

/** Bytes SACKed (for tests and statistics). */
export const sackedBytes = (board: readonly SeqBlock[]): number => board.reduce((n, b) => n + ((b.right - b.left) >>> 0), 0);
