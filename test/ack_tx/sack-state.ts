// Reference model of ack_gen's per-connection SACK state: what SACK_SET and OUT_OF_ORDER store, and which blocks
// each ACK carries (the stored ones, or an event's own when it has any).
import { AckEventKind } from '../../blocks/ack_tx/types.ts';
import { NO_SACK, type AckEvent, type SackBlockValue } from './fields.ts';

/** ack_gen's sack_set port (firmware/api.ts SACK_SET's fields). */
export interface SackSetValue {
  conn: number; count: number;
  left0: number; right0: number; left1: number; right1: number; left2: number; right2: number; left3: number; right3: number;
}

export interface SackValues { sack_count: number; sack: SackBlockValue[] }

/** A SACK_SET carrying these blocks (up to 4; unused slots zero). */
export function sackSet(conn: number, blocks: SackBlockValue[], count = blocks.length): SackSetValue {
  const b = [0, 1, 2, 3].map((i) => blocks[i] ?? { left: 0, right: 0 });
  return {
    conn, count, left0: b[0]!.left, right0: b[0]!.right, left1: b[1]!.left, right1: b[1]!.right,
    left2: b[2]!.left, right2: b[2]!.right, left3: b[3]!.left, right3: b[3]!.right,
  };
}

const blocksOf = (s: SackSetValue): SackBlockValue[] =>
  [[s.left0, s.right0], [s.left1, s.right1], [s.left2, s.right2], [s.left3, s.right3]].map(([left, right]) => ({ left: left!, right: right! }));

export class SackStateModel {
  private readonly table = new Map<number, SackValues>();
  refused = 0;

  stored(conn: number): SackValues { return this.table.get(conn) ?? { sack_count: 0, sack: NO_SACK }; }

  /** A SACK_SET: count 0..4 replaces the connection's blocks; more is refused (counted) and changes nothing. */
  sackSet(s: SackSetValue): void {
    if (s.count > 4) { this.refused++; return; }
    this.table.set(s.conn, { sack_count: s.count, sack: blocksOf(s) });
  }

  /** An event (not RST_NEEDED): OUT_OF_ORDER stores its blocks; returns the blocks its ACK (if any) carries. */
  event(e: AckEvent): SackValues {
    if (e.event === AckEventKind.RST_NEEDED) return { sack_count: 0, sack: NO_SACK };
    if (e.event === AckEventKind.OUT_OF_ORDER) this.table.set(e.conn, { sack_count: e.sack_count, sack: e.sack });
    if (e.sack_count === 1 && e.event !== AckEventKind.OUT_OF_ORDER) {
      // A one-shot D-SACK block goes first, the stored blocks after it (at most 4 in all).
      const s = this.stored(e.conn);
      return { sack_count: Math.min(s.sack_count + 1, 4), sack: [e.sack[0]!, ...s.sack.slice(0, 3)] };
    }
    return e.sack_count > 0 ? { sack_count: e.sack_count, sack: e.sack } : this.stored(e.conn);
  }
}
