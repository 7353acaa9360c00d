/**
 * A conformance run kept as a file: every script's status with its first mismatch (or unsupported construct) and
 * the counts per folder. `toe conformance DIR --results FILE` writes one; runs split over processes with
 * `--shard K/N` are joined with `toe conformance --merge OUT A.json B.json ...`. The RTL's record
 * (test/packetdrill/rtl/conformance.json) is such a file: a full run against the RTL takes tens of minutes, so the
 * test suite checks the record and re-runs a sample of it (test/packetdrill/rtl/conformance.test.ts).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { RunResult } from './runner/index.ts';
import { countByFolder, type FolderCounts } from './toe-conformance.ts';

export interface ScriptRecord {
  file: string;
  status: RunResult['status'];
  /** Failures: the script line of the first mismatch, its source and the mismatch. */
  line?: number;
  source?: string;
  mismatch?: string;
  /** Unsupported: the construct. */
  unsupported?: string;
  /** Wall-clock time of the script's run (ms), where the runner measured it. */
  ms?: number;
}

export interface ResultsFile {
  /** What ran: the folder, target, rules, defines, shard (free-form, for the reader). */
  meta: Record<string, unknown>;
  counts: { passed: number; failed: number; unsupported: number; total: number };
  folders: FolderCounts[];
  scripts: ScriptRecord[];
}

export function scriptRecord(r: RunResult, ms?: number): ScriptRecord {
  return {
    file: r.file, status: r.status,
    ...(r.failure ? { line: r.failure.line, source: r.failure.source, mismatch: `${r.failure.kind}: ${r.failure.message}` } : {}),
    ...(r.unsupported?.length ? { unsupported: r.unsupported[0]!.construct } : {}),
    ...(ms !== undefined ? { ms: Math.round(ms) } : {}),
  };
}

export function makeResultsFile(scripts: readonly ScriptRecord[], meta: Record<string, unknown>, folderDepth = 3): ResultsFile {
  const sorted = [...scripts].sort((a, b) => a.file.localeCompare(b.file));
  const count = (s: ScriptRecord['status']) => sorted.filter((r) => r.status === s).length;
  return {
    meta,
    counts: { passed: count('pass'), failed: count('fail'), unsupported: count('unsupported'), total: sorted.length },
    folders: countByFolder(sorted, folderDepth),
    scripts: sorted,
  };
}

export function readResultsFile(file: string): ResultsFile {
  const j = JSON.parse(readFileSync(file, 'utf8')) as Partial<ResultsFile>;
  if (!Array.isArray(j.scripts)) throw new Error(`${file}: no "scripts" array (not a toe conformance --results file)`);
  return { meta: j.meta ?? {}, counts: j.counts ?? { passed: 0, failed: 0, unsupported: 0, total: 0 }, folders: j.folders ?? [], scripts: j.scripts };
}

export function writeResultsFile(file: string, results: ResultsFile): void {
  writeFileSync(file, `${JSON.stringify(results, null, 2)}\n`);
}

/** Shards of one run joined: a script in two files is an error (the shards overlapped). */
export function mergeResultsFiles(files: readonly ResultsFile[], meta: Record<string, unknown>): ResultsFile {
  const seen = new Set<string>();
  const scripts: ScriptRecord[] = [];
  for (const f of files) {
    for (const s of f.scripts) {
      if (seen.has(s.file)) throw new Error(`${s.file} is in more than one results file`);
      seen.add(s.file);
      scripts.push(s);
    }
  }
  return makeResultsFile(scripts, meta);
}

/**
 * A sample of the passing scripts for a quick re-run: the quickest passing script of each folder (at `depth`), and
 * of those the `max` quickest (wall time as recorded), in file order. Deterministic for a given record.
 */
export function sampleOfPasses(results: ResultsFile, max: number, depth = 3): string[] {
  const best = new Map<string, ScriptRecord>();
  for (const s of results.scripts) {
    if (s.status !== 'pass') continue;
    const folder = path.posix.dirname(s.file).split('/').slice(0, depth).join('/');
    const cur = best.get(folder);
    if (!cur || (s.ms ?? Infinity) < (cur.ms ?? Infinity)) best.set(folder, s);
  }
  const quickest = [...best.values()].sort((a, b) => (a.ms ?? Infinity) - (b.ms ?? Infinity) || a.file.localeCompare(b.file));
  return quickest.slice(0, max).map((s) => s.file).sort();
}
