// Inputs for the TX checksum inserter: a correct frame with garbage written over both checksum fields, and
// the tuser word that goes with it (the payload's partial sum and the per-frame mode bit).
import { checksumPartial } from '../../sim/packet/index.ts';
import type { TxChecksumMode } from '../../blocks/checksum/tx-checksum.ts';

export interface TxFrame { data: Uint8Array; user: number }

/** Where a frame's TCP payload lies (from its IPv4 and TCP headers). */
export function payloadRange(b: Uint8Array): { start: number; end: number } {
  const headerEnd = 14 + (b[14]! & 15) * 4;
  return { start: headerEnd + (b[headerEnd + 12]! >> 4) * 4, end: 14 + ((b[16]! << 8) | b[17]!) };
}

/**
 * The inserter's input for a correct frame: both checksum fields overwritten with `garbage` (4 bytes), and
 * tuser carrying the payload's ones'-complement sum when the frame uses the partial-sum mode.
 */
export function txInput(correct: Uint8Array, mode: TxChecksumMode, usePartial: boolean, garbage: Uint8Array): TxFrame {
  const data = correct.slice();
  const headerEnd = 14 + (data[14]! & 15) * 4;
  data[24] = garbage[0]!;
  data[25] = garbage[1]!;
  data[headerEnd + 16] = garbage[2]!;
  data[headerEnd + 17] = garbage[3]!;
  const { start, end } = payloadRange(correct);
  const partial = checksumPartial(correct, 0, start, end - start);
  const user = mode === 'store' ? 0 : mode === 'partial' ? partial : usePartial ? (1 << 16) | partial : 0;
  return { data, user };
}
