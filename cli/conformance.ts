// `toe conformance DIR`: every packetdrill script under DIR against the TOE model (sim/packetdrill/toe-target.ts),
// or with --rtl against the RTL TOE (sim/packetdrill/rtl-target.ts: toe_top in Verilator with the firmware).
import fs from 'node:fs';
import path from 'node:path';
import { findPktFiles, formatResult } from '../sim/packetdrill/runner/index.ts';
import { makeResultsFile, mergeResultsFiles, readResultsFile, scriptRecord, writeResultsFile } from '../sim/packetdrill/conformance-results.ts';
import { TOLERANCE_RULES, type ToleranceRule } from '../sim/packetdrill/runner/tolerance.ts';
import {
  compareKnownDifferences, comparePassList, CONFORMANCE_DEFINES, readKnownDifferences, scopePassList, CONFORMANCE_RULES, formatFolders, formatReasons, readPassList, runToeConformance, type ToeConformanceRun,
} from '../sim/packetdrill/toe-conformance.ts';

export const HELP = `usage: toe conformance DIR [--rules a,b|none] [--define A,B|none] [--pcap OUTDIR] [--pass-list FILE] [--known FILE] [--rtl] [--shard K/N] [--results FILE] [--verbose]
  Runs every .pkt under DIR against the TOE model (or the RTL TOE) and prints counts per folder, the most common
  failure reasons, the runner's summary table and a JSON line {"passed":N,"failed":N,"unsupported":N,"total":N}.
  --rules      tolerance rules (default ${CONFORMANCE_RULES.join(',')}; known: ${TOLERANCE_RULES.join(', ')}; none = strict)
  --define     #ifdef macros (default ${CONFORMANCE_DEFINES.join(',')}: the RFC branch of the FreeBSD suite)
  --pcap       write OUTDIR/<script>.pcap for every script run
  --pass-list  compare with a recorded pass list (test/packetdrill/toe/pass-list.json): exit 1 only on a regression
  --known      the listed differences (test/packetdrill/toe/known-differences.json): exit 1 on a failure not listed
  --rtl        run against the RTL TOE (toe_top in Verilator + the firmware; a fresh one per script, ~2-20 s
               each; progress on stderr) instead of the TS model
  --shard K/N  run only the K-th of N interleaved parts of the sorted script list (1 <= K <= N): N processes
               share a long --rtl run between cores
  --results    write FILE: every script's status and first mismatch as JSON (one shard's file per process)
  --verbose    print every failure in full
  toe conformance --merge OUT A.json B.json ...   join the --results files of a sharded run into OUT
Exit status: 0 when nothing failed (or, with --pass-list, nothing regressed), 1 otherwise, 2 on bad usage.`;

export async function main(args: string[]): Promise<number> {
  if (args.includes('--help') || args.includes('-h')) { console.log(HELP); return 0; }
  if (args[0] === '--merge') return merge(args.slice(1));
  let dir: string | undefined, pcapDir: string | undefined, passList: string | undefined, knownFile: string | undefined, resultsFile: string | undefined;
  let shard: { k: number; n: number } | undefined;
  let rules: string[] = [...CONFORMANCE_RULES], defines: string[] = [...CONFORMANCE_DEFINES], verbose = false, rtl = false;
  const list = (v: string | undefined, what: string) => {
    if (v === undefined) throw new UsageError(`${what} needs a value`);
    return v === 'none' ? [] : v.split(',').filter(Boolean);
  };
  try {
    for (let i = 0; i < args.length; i++) {
      const a = args[i]!;
      if (a === '--rules') rules = list(args[++i], '--rules');
      else if (a === '--define') defines = list(args[++i], '--define');
      else if (a === '--pcap') pcapDir = args[++i] ?? fail('--pcap needs a folder');
      else if (a === '--pass-list') passList = args[++i] ?? fail('--pass-list needs a file');
      else if (a === '--known') knownFile = args[++i] ?? fail('--known needs a file');
      else if (a === '--verbose') verbose = true;
      else if (a === '--rtl') rtl = true;
      else if (a === '--shard') shard = parseShard(args[++i]);
      else if (a === '--results') resultsFile = args[++i] ?? fail('--results needs a file');
      else if (a.startsWith('-')) fail(`unknown option ${a}`);
      else if (dir === undefined) dir = a;
      else fail(`one folder only (got ${dir} and ${a})`);
    }
    if (dir === undefined) fail('a folder of .pkt scripts is required');
    if (!fs.existsSync(dir) || !fs.statSync(dir).isDirectory()) fail(`${dir} is not a folder`);
    if (passList !== undefined && !fs.existsSync(passList)) fail(`no pass list at ${passList}`);
    if (knownFile !== undefined && !fs.existsSync(knownFile)) fail(`no known-differences file at ${knownFile}`);
    for (const r of rules) if (!TOLERANCE_RULES.includes(r as ToleranceRule)) fail(`unknown tolerance rule '${r}' (known: ${TOLERANCE_RULES.join(', ')})`);
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    console.error(`toe conformance: ${e.message}\n${HELP}`);
    return 2;
  }

  const filter = shard ? shardFilter(path.resolve(dir), shard) : undefined;
  const runOpts = { rules: rules as ToleranceRule[], defines, pcapDir, filter };
  let run: ToeConformanceRun;
  const wallMs = new Map<string, number>();
  if (rtl) {
    // Loaded only here: the RTL target brings Verilator in.
    const { runRtlConformance } = await import('../sim/packetdrill/rtl-target.ts');
    let n = 0;
    run = await runRtlConformance(path.resolve(dir), {
      ...runOpts, onResult: (r, ms) => { wallMs.set(r.file, ms); console.error(`[${++n}] ${r.file}: ${r.status} (${(ms / 1000).toFixed(1)} s)`); },
    });
  } else run = runToeConformance(path.resolve(dir), runOpts);
  const { results, counts } = run.run;
  console.log(`${rtl ? 'RTL TOE' : 'TOE model'} vs ${dir}: ${results.length} scripts in ${(run.wallMs / 1000).toFixed(1)} s; rules: ${rules.join(',') || 'none'}; defines: ${defines.join(',') || 'none'}\n`);
  for (const r of results) if (verbose && r.status !== 'pass') console.log(`${formatResult(r)}\n`);
  console.log(formatFolders(run.folders));
  if (run.reasons.length > 0) console.log(`\nmost common failure reasons:\n${formatReasons(run.reasons)}`);
  console.log(`\n${run.run.table}`);
  let status = counts.failed > 0 ? 1 : 0;
  if (passList) {
    const cmp = comparePassList(results, scopePassList(readPassList(passList), results));
    console.log(`\npass list ${passList}: ${cmp.regressed.length} regressed, ${cmp.newlyPassing.length} newly passing, ${cmp.missing.length} missing`);
    for (const r of cmp.regressed) console.log(`  REGRESSED ${r.file}: ${r.failure?.message ?? r.unsupported?.[0]?.reason ?? r.status}`);
    for (const f of cmp.newlyPassing) console.log(`  newly passing ${f}`);
    for (const f of cmp.missing) console.log(`  missing ${f}`);
    status = cmp.regressed.length > 0 ? 1 : 0;
  }
  if (knownFile) {
    // Every script must pass or be a listed difference (a bug, a deliberate RFC choice, or outside the model).
    const cmp = compareKnownDifferences(results, readKnownDifferences(knownFile));
    console.log(`\nknown differences ${knownFile}: ${cmp.unlisted.length} unlisted failures, ${cmp.nowPassing.length} listed scripts now pass`);
    for (const r of cmp.unlisted) console.log(`  UNLISTED ${r.file}: ${r.failure?.message ?? r.unsupported?.[0]?.reason ?? r.status}`);
    for (const f of cmp.nowPassing) console.log(`  now passing ${f}`);
    if (cmp.unlisted.length > 0) status = 1;
    else if (!passList) status = 0;
  }
  if (resultsFile) {
    const records = run.run.results.map((r) => scriptRecord(r, wallMs.get(r.file)));
    writeResultsFile(resultsFile, makeResultsFile(records, { dir, target: rtl ? 'rtl' : 'model', rules, defines, ...(shard ? { shard: `${shard.k}/${shard.n}` } : {}) }));
  }
  console.log(run.run.json);
  return status;
}

/** `--merge OUT IN...`: the shards' --results files joined into one (counts and folders recomputed). */
function merge(args: string[]): number {
  const [out, ...inputs] = args;
  if (!out || inputs.length === 0) { console.error(`toe conformance: --merge needs OUT and at least one results file\n${HELP}`); return 2; }
  const files = inputs.map(readResultsFile);
  const merged = mergeResultsFiles(files, { ...files[0]!.meta, shard: undefined, merged: inputs.map((f) => path.basename(f)) });
  writeResultsFile(out, merged);
  console.log(`${out}: ${merged.scripts.length} scripts from ${inputs.length} files\n${formatFolders(merged.folders)}`);
  console.log(JSON.stringify(merged.counts));
  return 0;
}

function parseShard(v: string | undefined): { k: number; n: number } {
  const m = /^(\d+)\/(\d+)$/.exec(v ?? '');
  const k = Number(m?.[1]), n = Number(m?.[2]);
  if (!m || n < 1 || k < 1 || k > n) fail(`--shard needs K/N with 1 <= K <= N (got ${v ?? 'nothing'})`);
  return { k, n };
}

/** Scripts whose index in the sorted list is K-1 modulo N: neighbouring (similar) scripts go to different shards. */
function shardFilter(dir: string, shard: { k: number; n: number }): (rel: string) => boolean {
  const order = new Map(findPktFiles(dir).map((f, i) => [path.relative(dir, f), i]));
  return (rel) => (order.get(rel) ?? -1) % shard.n === shard.k - 1;
}

class UsageError extends Error {}
function fail(msg: string): never { throw new UsageError(msg); }
