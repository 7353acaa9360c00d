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
import {
  findPktFiles, runScriptText, summaryCounts, summaryJsonLine, summaryTable, writeRunPcap,
  type DirectoryRun, type RunDirOptions, type RunResult,
} from './runner/index.ts';
import type { ToleranceRule } from './runner/tolerance.ts';
import { mergeTargetOptions, sysctlConfig } from './toe-sysctl.ts';
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
  /** Configure the TOE per script from its setup sysctls (./toe-sysctl.ts; default true). */
  sysctls?: boolean;
}

/**
 * Every script under `dir`, each against a TOE configured as the script configures its reference
 * stack (./toe-sysctl.ts: what each sysctl became is added to the result's notes; `opts.target`
 * overrides it field by field).
 */
export function runToeConformance(dir: string, opts: ToeConformanceOptions = {}): ToeConformanceRun {
  const t0 = performance.now();
  const runOpts = conformanceRunOptions(opts);
  const results: RunResult[] = [];
  for (const s of conformanceScripts(dir, opts)) results.push(scriptDone(runGuarded(s.text, s.rel, s.target, runOpts), s, opts));
  return conformanceRun(results, t0, opts.folderDepth);
}

/** The runner's options for a conformance run: the recorded rules and defines unless the caller gives others. */
export function conformanceRunOptions<O extends RunDirOptions>(opts: O): O & { rules: ToleranceRule[]; defines: string[] } {
  return { rules: [...CONFORMANCE_RULES], defines: [...CONFORMANCE_DEFINES], ...opts };
}

export interface ConformanceScript { rel: string; text: string; target: ToeTargetOptions; notes: string[] }

/**
 * The scripts under `dir` that pass `opts.filter`, each with the TOE options its setup sysctls map to
 * (./toe-sysctl.ts; the caller's explicit `target` wins field by field: a test may break the TOE on purpose).
 */
export function* conformanceScripts(dir: string, opts: ToeConformanceOptions & { target?: ToeTargetOptions }): Generator<ConformanceScript> {
  const defines = conformanceRunOptions(opts).defines;
  for (const file of findPktFiles(dir)) {
    const rel = path.relative(dir, file);
    if (opts.filter && !opts.filter(rel)) continue;
    const text = readFileSync(file, 'utf8');
    const mapped = opts.sysctls === false ? { target: {}, notes: [] } : sysctlConfig(text, defines);
    yield { rel, text, target: mergeTargetOptions(mapped.target, opts.target), notes: mapped.notes };
  }
}

/** A script's result with what its sysctls became in its notes, and its pcap written when asked for. */
export function scriptDone(r: RunResult, s: ConformanceScript, opts: { pcapDir?: string }): RunResult {
  r.notes.push(...s.notes);
  if (opts.pcapDir && r.wire.length > 0) writeRunPcap(r, path.join(opts.pcapDir, `${s.rel.replace(/\.pkt$/, '')}.pcap`));
  return r;
}

export function conformanceRun(results: RunResult[], t0: number, folderDepth = 2): ToeConformanceRun {
  const run: DirectoryRun = { results, counts: summaryCounts(results), table: summaryTable(results), json: summaryJsonLine(results) };
  return { run, folders: countByFolder(results, folderDepth), reasons: groupFailures(results), wallMs: performance.now() - t0 };
}

/** One script; an exception from the TOE fails that script only (as runner/run-dir.ts does). */
function runGuarded(text: string, rel: string, target: ToeTargetOptions, opts: RunDirOptions): RunResult {
  try {
    return runScriptText(text, rel, createToeTarget(target), opts);
  } catch (e) {
    const message = e instanceof Error ? `${e.name}: ${e.message}` : String(e);
    return {
      file: rel, status: 'fail', notes: [], wire: [], endTimeUs: 0, eventsRun: 0, tolerance: '',
      failure: { kind: 'target', line: 0, source: '', scriptTimeUs: null, timeUs: 0, message: `the target threw: ${message}` },
    };
  }
}

/** Passed / failed / unsupported per folder of `depth` path components (a run's results or a recorded run's scripts). */
export function countByFolder(results: readonly Pick<RunResult, 'file' | 'status'>[], depth = 2): FolderCounts[] {
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

// --- known differences ---------------------------------------------------------------------------

/**
 * Why a script of the suite does not pass against the TOE (test/packetdrill/toe/known-differences.json):
 *  - `bug`: the TOE is wrong and should be fixed (rfc names the rule it breaks);
 *  - `deliberate`: the TOE follows the RFC (or a documented configuration) where the reference
 *    stack does something else (RFC 5961 vs FreeBSD's insecure modes, window, backoff, ...);
 *  - `outside-model`: the script needs something the TOE does not model (interface MTU, ECN,
 *    per-socket options, segmentation offload).
 */
export const DIFFERENCE_CATEGORIES = ['bug', 'deliberate', 'outside-model'] as const;
export type DifferenceCategory = (typeof DIFFERENCE_CATEGORIES)[number];
export interface KnownDifference { category: DifferenceCategory; reason: string; rfc?: string }
export type KnownDifferences = Record<string, KnownDifference>;

export function readKnownDifferences(file: string): KnownDifferences {
  const j = JSON.parse(readFileSync(file, 'utf8')) as Record<string, Partial<KnownDifference>>;
  for (const [script, d] of Object.entries(j)) {
    if (!DIFFERENCE_CATEGORIES.includes(d.category as DifferenceCategory)) throw new Error(`${file}: ${script}: category must be one of ${DIFFERENCE_CATEGORIES.join(', ')} (got ${String(d.category)})`);
    if (typeof d.reason !== 'string' || d.reason.trim() === '') throw new Error(`${file}: ${script}: no reason`);
    if (d.rfc !== undefined && typeof d.rfc !== 'string') throw new Error(`${file}: ${script}: rfc must be a string`);
  }
  return j as KnownDifferences;
}

export interface KnownDifferenceComparison {
  /** Failing or unsupported, and not listed: each must be fixed or listed with its reason. */
  unlisted: RunResult[];
  /** Listed, and passing now: take them off the list. */
  nowPassing: string[];
  /** Listed, and no longer in the suite. */
  missing: string[];
}

export function compareKnownDifferences(results: readonly RunResult[], known: KnownDifferences): KnownDifferenceComparison {
  const byFile = new Map(results.map((r) => [r.file, r]));
  return {
    unlisted: results.filter((r) => r.status !== 'pass' && !(r.file in known)),
    nowPassing: Object.keys(known).filter((f) => byFile.get(f)?.status === 'pass'),
    missing: Object.keys(known).filter((f) => !byFile.has(f)),
  };
}

/** Listed differences by category, then by reason, with counts (largest first). */
export function summarizeKnownDifferences(known: KnownDifferences): { category: DifferenceCategory; count: number; reasons: { reason: string; rfc?: string; scripts: string[] }[] }[] {
  return DIFFERENCE_CATEGORIES.map((category) => {
    const by = new Map<string, { reason: string; rfc?: string; scripts: string[] }>();
    for (const [script, d] of Object.entries(known)) {
      if (d.category !== category) continue;
      const g = by.get(d.reason) ?? { reason: d.reason, ...(d.rfc ? { rfc: d.rfc } : {}), scripts: [] };
      g.scripts.push(script);
      by.set(d.reason, g);
    }
    const reasons = [...by.values()].sort((a, b) => b.scripts.length - a.scripts.length);
    return { category, count: reasons.reduce((n, g) => n + g.scripts.length, 0), reasons };
  });
}
