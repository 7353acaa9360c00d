/**
 * Conformance runs of packetdrill suites against the TOE: the run itself (./toe-target.ts through
 * the runner), counts per folder, failures grouped by reason, and the pass list (the scripts that
 * passed when it was recorded) that a later run must not fall behind.
 *
 *   const run = runToeConformance('../shared/conformance');
 *   console.log(formatFolders(run.folders)); console.log(formatReasons(run.reasons));
 *   const cmp = comparePassList(run.run.results, readPassList('test/packetdrill/toe/pass-list.json'));
 */
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { runDirectory, type DirectoryRun, type RunDirOptions, type RunResult } from './runner/index.ts';
import type { ToleranceRule } from './runner/tolerance.ts';
import { createToeTarget, type ToeTargetOptions } from './toe-target.ts';

/**
 * The settings the recorded pass list was made with. The reference stacks' buffer sizes and option
 * order are theirs, not protocol behaviour (runner/tolerance.ts); `STANDARD` picks the RFC branch
 * of the FreeBSD suite's `#ifdef STANDARD / #ifdef FreeBSD` blocks.
 */
export const CONFORMANCE_RULES: readonly ToleranceRule[] = ['optionOrder', 'bufferSizes'];
export const CONFORMANCE_DEFINES: readonly string[] = ['STANDARD'];

export interface FolderCounts { folder: string; passed: number; failed: number; unsupported: number; total: number }
export interface ReasonGroup { reason: string; count: number; examples: string[] }

export interface ToeConformanceRun {
  run: DirectoryRun;
  folders: FolderCounts[];
  reasons: ReasonGroup[];
  wallMs: number;
}

export interface ToeConformanceOptions extends RunDirOptions {
  target?: ToeTargetOptions;
  /** Folder depth for the per-folder counts (default 2: `suite/group`). */
  folderDepth?: number;
}

export function runToeConformance(dir: string, opts: ToeConformanceOptions = {}): ToeConformanceRun {
  const t0 = performance.now();
  const run = runDirectory(dir, createToeTarget(opts.target), {
    rules: [...CONFORMANCE_RULES], defines: [...CONFORMANCE_DEFINES], ...opts,
  });
  return { run, folders: countByFolder(run.results, opts.folderDepth ?? 2), reasons: groupFailures(run.results), wallMs: performance.now() - t0 };
}

export function countByFolder(results: readonly RunResult[], depth = 2): FolderCounts[] {
  const by = new Map<string, FolderCounts>();
  for (const r of results) {
    const folder = path.dirname(r.file).split(path.sep).slice(0, depth).join('/') || '.';
    const c = by.get(folder) ?? { folder, passed: 0, failed: 0, unsupported: 0, total: 0 };
    if (r.status === 'pass') c.passed++;
    else if (r.status === 'fail') c.failed++;
    else c.unsupported++;
    c.total++;
    by.set(folder, c);
  }
  return [...by.values()].sort((a, b) => a.folder.localeCompare(b.folder));
}

/** A failure's reason with numbers and times taken out, so that like failures group together. */
export function failureReason(r: RunResult): string {
  if (r.status === 'unsupported') return `unsupported: ${r.unsupported?.[0]?.construct ?? '?'}`;
  const f = r.failure;
  if (!f) return 'pass';
  return `${f.kind}: ${f.message}`
    .replace(/\d+\.\d{6}/g, 'T')
    .replace(/ ?\(±\d+ us\)/g, '')
    .replace(/\d+/g, 'N')
    .replace(/\s+/g, ' ')
    .trim();
}

export function groupFailures(results: readonly RunResult[]): ReasonGroup[] {
  const by = new Map<string, ReasonGroup>();
  for (const r of results) {
    if (r.status === 'pass') continue;
    const reason = failureReason(r);
    const g = by.get(reason) ?? { reason, count: 0, examples: [] };
    g.count++;
    if (g.examples.length < 3) g.examples.push(r.file);
    by.set(reason, g);
  }
  return [...by.values()].sort((a, b) => b.count - a.count || a.reason.localeCompare(b.reason));
}

export function formatFolders(folders: readonly FolderCounts[]): string {
  const w = Math.max(6, ...folders.map((f) => f.folder.length));
  const row = (a: string, b: string, c: string, d: string, e: string) => `${a.padEnd(w)}  ${b.padStart(6)}  ${c.padStart(6)}  ${d.padStart(11)}  ${e.padStart(5)}`;
  return [row('folder', 'passed', 'failed', 'unsupported', 'total'), ...folders.map((f) => row(f.folder, `${f.passed}`, `${f.failed}`, `${f.unsupported}`, `${f.total}`))].join('\n');
}

export function formatReasons(groups: readonly ReasonGroup[], limit = 15): string {
  return groups.slice(0, limit).map((g) => `${String(g.count).padStart(4)}  ${g.reason}\n      e.g. ${g.examples.join(', ')}`).join('\n');
}

// --- pass list ---------------------------------------------------------------------------------

export interface PassList {
  /** How to re-record it. */
  note: string;
  rules: string[];
  defines: string[];
  /** Scripts (relative to the suite folder) that passed when the list was recorded, sorted. */
  passed: string[];
}

export function makePassList(results: readonly RunResult[]): PassList {
  return {
    note: 'Scripts of ../shared/conformance that passed against the TOE model. Re-record: TOE_RECORD_PASSES=1 npx vitest run test/packetdrill/toe/conformance.test.ts',
    rules: [...CONFORMANCE_RULES],
    defines: [...CONFORMANCE_DEFINES],
    passed: results.filter((r) => r.status === 'pass').map((r) => r.file).sort(),
  };
}

export function readPassList(file: string): PassList {
  const j = JSON.parse(readFileSync(file, 'utf8')) as Partial<PassList>;
  if (!Array.isArray(j.passed)) throw new Error(`${file}: no "passed" array`);
  return { note: j.note ?? '', rules: j.rules ?? [], defines: j.defines ?? [], passed: j.passed };
}

export function writePassList(file: string, list: PassList): void {
  writeFileSync(file, `${JSON.stringify(list, null, 2)}\n`);
}

export interface PassListComparison {
  /** On the list, and now failing or unsupported: regressions. */
  regressed: RunResult[];
  /** On the list, and no longer in the suite. */
  missing: string[];
  /** Passing now, not on the list: report, do not fail. */
  newlyPassing: string[];
}

export function comparePassList(results: readonly RunResult[], list: PassList): PassListComparison {
  const byFile = new Map(results.map((r) => [r.file, r]));
  const listed = new Set(list.passed);
  return {
    regressed: list.passed.map((f) => byFile.get(f)).filter((r): r is RunResult => r !== undefined && r.status !== 'pass'),
    missing: list.passed.filter((f) => !byFile.has(f)),
    newlyPassing: results.filter((r) => r.status === 'pass' && !listed.has(r.file)).map((r) => r.file),
  };
}

/**
 * The part of a pass list (recorded for the whole suite folder) that applies to a run of one of its
 * subfolders: entries under the subfolder, with its path taken off so they compare with the run's.
 */
export function scopePassList(list: PassList, results: readonly RunResult[]): PassList {
  const votes = new Map<string, number>();
  const listed = new Set(list.passed);
  for (const r of results) {
    for (const e of listed) {
      if (e === r.file) votes.set('', (votes.get('') ?? 0) + 1);
      else if (e.endsWith(`/${r.file}`)) {
        const prefix = e.slice(0, e.length - r.file.length);
        votes.set(prefix, (votes.get(prefix) ?? 0) + 1);
      }
    }
  }
  const prefix = [...votes.entries()].sort((a, b) => b[1] - a[1])[0]?.[0] ?? '';
  return { ...list, passed: list.passed.filter((e) => e.startsWith(prefix)).map((e) => e.slice(prefix.length)) };
}
