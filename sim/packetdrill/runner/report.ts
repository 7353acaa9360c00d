/**
 * Reporting: one block per script (pass / fail with the first mismatch / unsupported with the
 * constructs), a summary table, the machine-readable line
 * `{"passed":N,"failed":N,"unsupported":N,"total":N}`, and a pcap of each run.
 */
import { PcapWriter } from '../../packet/index.ts';
import { sec, type RunResult } from './runner.ts';

export interface SummaryCounts {
  passed: number;
  failed: number;
  unsupported: number;
  total: number;
}

export function summaryCounts(results: readonly RunResult[]): SummaryCounts {
  const c = { passed: 0, failed: 0, unsupported: 0, total: results.length };
  for (const r of results) {
    if (r.status === 'pass') c.passed++;
    else if (r.status === 'fail') c.failed++;
    else c.unsupported++;
  }
  return c;
}

/** The one-line JSON summary, keys in this order. */
export function summaryJsonLine(results: readonly RunResult[]): string {
  const c = summaryCounts(results);
  return JSON.stringify({ passed: c.passed, failed: c.failed, unsupported: c.unsupported, total: c.total });
}

/** Human-readable result of one script; a failure shows the script line, times, expected and actual. */
export function formatResult(r: RunResult): string {
  const lines: string[] = [];
  if (r.status === 'pass') {
    lines.push(`PASS ${r.file} (${r.eventsRun} events, ${sec(r.endTimeUs)} s simulated)`);
  } else if (r.status === 'unsupported') {
    lines.push(`UNSUPPORTED ${r.file}`);
    for (const u of r.unsupported ?? []) lines.push(`  ${r.file}:${u.line}: ${u.category}: ${u.construct} — ${u.reason}`);
  } else {
    const f = r.failure!;
    lines.push(`FAIL ${r.file}:${f.line}: ${f.message}`);
    lines.push(`  script line: ${f.source}`);
    lines.push(`  script time: ${f.scriptTimeUs === null ? '-' : sec(f.scriptTimeUs)}  actual/detected at: ${sec(f.timeUs)}`);
    if (f.expected !== undefined) lines.push(`  expected: ${f.expected}`);
    if (f.actual !== undefined) lines.push(`  actual:   ${f.actual}`);
  }
  for (const n of r.notes) lines.push(`  note: ${n}`);
  return lines.join('\n');
}

/** Fixed-width table: script, result, and the first mismatch or unsupported construct. */
export function summaryTable(results: readonly RunResult[]): string {
  const rows = results.map((r) => {
    let detail = '';
    if (r.status === 'fail') detail = `line ${r.failure!.line}: ${r.failure!.field ?? r.failure!.kind}`;
    else if (r.status === 'unsupported') {
      const u = r.unsupported?.[0];
      detail = u ? `${u.category}: ${u.construct}${(r.unsupported?.length ?? 0) > 1 ? ` (+${r.unsupported!.length - 1})` : ''}` : '';
    }
    return [r.file, r.status.toUpperCase(), detail];
  });
  const head = ['script', 'result', 'first mismatch / unsupported'];
  const w = [0, 1].map((i) => Math.max(head[i]!.length, ...rows.map((row) => row[i]!.length)));
  const fmt = (row: string[]) => `${row[0]!.padEnd(w[0]!)}  ${row[1]!.padEnd(w[1]!)}  ${row[2]}`.trimEnd();
  const c = summaryCounts(results);
  return [fmt(head), fmt(['-'.repeat(w[0]!), '-'.repeat(w[1]!), '-'.repeat(28)]), ...rows.map(fmt),
    `${c.passed} passed, ${c.failed} failed, ${c.unsupported} unsupported, ${c.total} total`].join('\n');
}

/** The run's frames (both directions) in time order as a pcap (Ethernet, µs timestamps). */
export function runPcap(r: RunResult): PcapWriter {
  const w = new PcapWriter();
  const ordered = r.wire.map((x, i) => ({ x, i })).sort((a, b) => a.x.timeUs - b.x.timeUs || a.i - b.i);
  for (const { x } of ordered) {
    const t = Math.max(0, Math.round(x.timeUs));
    w.add(x.frame, { sec: Math.floor(t / 1e6), nsec: (t % 1e6) * 1000 });
  }
  return w;
}

export function writeRunPcap(r: RunResult, path: string): void {
  runPcap(r).writeFile(path);
}
