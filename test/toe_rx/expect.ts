// Comparing segment records with the reference model's verdicts.
import { outputFields, type SegCase, type SegVerdict } from '../../sim/tcp/seq-check-model.ts';
import type { SegRecord } from './driver.ts';
import type { Item } from './traffic.ts';
import { Route } from '../../blocks/toe_rx/route.ts';

const VERDICT_FIELDS = outputFields.filter((f) => f !== 'tag');

/** The record's verdict fields, as the model's SegVerdict (tag 0). */
export function verdictOf(r: SegRecord): SegVerdict {
  const v: Record<string, number | boolean> = { tag: 0 };
  for (const f of VERDICT_FIELDS) {
    const x = Number(r[f]);
    v[f] = ['fin', 'seq_ok', 'ack_ok', 'ack_advance', 'dup_ack', 'ack_unsent', 'ack_too_old', 'wnd_update'].includes(f) ? x === 1 : x;
  }
  return v as unknown as SegVerdict;
}

/** The first few records that differ from the model (verdict, header fields), as readable lines. */
export function recordDiffs(records: SegRecord[], cases: SegCase[], verdicts: SegVerdict[], limit = 5): string[] {
  const out: string[] = [];
  if (records.length !== verdicts.length) out.push(`${records.length} records for ${verdicts.length} segments`);
  for (let k = 0; k < Math.min(records.length, verdicts.length) && out.length < limit; k++) {
    const r = records[k]!, c = cases[k]!;
    const got = verdictOf(r), want = { ...verdicts[k]!, tag: 0 };
    if (JSON.stringify(got) !== JSON.stringify(want)) out.push(`segment ${k}: got ${JSON.stringify(got)} want ${JSON.stringify(want)}`);
    if (r.hit !== 1 || r.no_conn !== 0) out.push(`segment ${k}: hit ${r.hit} no_conn ${r.no_conn}`);
    if (Number(r.tcp_seq) !== c.seq || Number(r.tcp_ack) !== c.ack || Number(r.payload_len) !== c.len || Number(r.tcp_window) !== c.wnd) {
      out.push(`segment ${k}: header seq ${r.tcp_seq} ack ${r.tcp_ack} len ${r.payload_len} wnd ${r.tcp_window}, want ${c.seq} ${c.ack} ${c.len} ${c.wnd}`);
    }
  }
  return out;
}

/** The first few records that differ from the generated traffic's expectations. */
export function itemDiffs(records: SegRecord[], items: Item[], limit = 5): string[] {
  const want = items.filter((i) => i.record).map((i) => i.record!);
  const out: string[] = [];
  if (records.length !== want.length) out.push(`${records.length} records for ${want.length} expected`);
  for (let k = 0; k < Math.min(records.length, want.length) && out.length < limit; k++) {
    const r = records[k]!, w = want[k]!, e = w.expected;
    const got = {
      reason: r.reason, hit: r.hit, no_conn: r.no_conn, index: r.index, updated: r.updated, route: r.route, rcv_nxt: r.rcv_nxt, snd_una: r.snd_una,
      verdict: r.hit ? verdictOf(r) : undefined,
    };
    const exp = {
      reason: w.reason, hit: e?.hit ? 1 : 0, no_conn: e && !e.hit ? 1 : 0, index: e?.index ?? 0, updated: e?.updated ? 1 : 0, route: e?.route ?? Route.BAD,
      rcv_nxt: e?.rcv_nxt ?? 0, snd_una: e?.snd_una ?? 0, verdict: e?.verdict ? { ...e.verdict, tag: 0 } : undefined,
    };
    if (JSON.stringify(got) !== JSON.stringify(exp)) out.push(`record ${k}: got ${JSON.stringify(got)}\n   want ${JSON.stringify(exp)}`);
  }
  return out;
}
