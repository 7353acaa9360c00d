/**
 * Run every `.pkt` under a folder against fresh targets from a factory, with a pcap per script.
 *
 *   const { results, table, json } = runDirectory('../shared/conformance', factory, { pcapDir: 'out/pd' });
 *
 * From the command line (the module must export `createTarget: TargetFactory` or a default one):
 *   npx tsx sim/packetdrill/runner/run-dir.ts DIR --target path/to/target.ts [--pcap OUTDIR]
 *        [--rules optionOrder,bufferSizes] [--define STANDARD] [--verbose]
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { formatResult, summaryCounts, summaryJsonLine, summaryTable, writeRunPcap, type SummaryCounts } from './report.ts';
import { runScriptText, type RunOptions, type RunResult } from './runner.ts';
import type { TargetFactory } from './target.ts';
import type { ToleranceRule } from './tolerance.ts';

export interface RunDirOptions extends RunOptions {
  /** Write `<pcapDir>/<relative path>.pcap` for every script that ran. */
  pcapDir?: string;
  /** Only run scripts whose path relative to the folder passes. */
  filter?: (relPath: string) => boolean;
}

export interface DirectoryRun {
  results: RunResult[];
  counts: SummaryCounts;
  table: string;
  /** `{"passed":N,"failed":N,"unsupported":N,"total":N}` */
  json: string;
}

/** All `.pkt` files under `dir`, sorted. */
export function findPktFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true })
    .flatMap((e) => {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) return findPktFiles(p);
      return e.isFile() && e.name.endsWith('.pkt') ? [p] : [];
    })
    .sort();
}

export function runDirectory(dir: string, factory: TargetFactory, opts: RunDirOptions = {}): DirectoryRun {
  const results: RunResult[] = [];
  for (const file of findPktFiles(dir)) {
    const rel = path.relative(dir, file);
    if (opts.filter && !opts.filter(rel)) continue;
    const r = runGuarded(readFileSync(file, 'utf8'), rel, factory, opts);
    if (opts.pcapDir && r.wire.length > 0) writeRunPcap(r, path.join(opts.pcapDir, `${rel.replace(/\.pkt$/, '')}.pcap`));
    results.push(r);
  }
  return { results, counts: summaryCounts(results), table: summaryTable(results), json: summaryJsonLine(results) };
}

/** One script; an exception from the target (or its factory) fails that script only, with the error as its reason. */
function runGuarded(text: string, rel: string, factory: TargetFactory, opts: RunOptions): RunResult {
  try {
    return runScriptText(text, rel, factory, opts);
  } catch (e) {
    const message = e instanceof Error ? `${e.name}: ${e.message}` : String(e);
    return {
      file: rel, status: 'fail', notes: [], wire: [], endTimeUs: 0, eventsRun: 0, tolerance: '',
      failure: { kind: 'target', line: 0, source: '', scriptTimeUs: null, timeUs: 0, message: `the target threw: ${message}` },
    };
  }
}

async function main(argv: string[]): Promise<number> {
  const arg = (name: string) => {
    const i = argv.indexOf(name);
    return i >= 0 ? argv[i + 1] : undefined;
  };
  const dir = argv[0];
  const targetModule = arg('--target');
  if (!dir || dir.startsWith('--') || !targetModule) {
    console.error('usage: run-dir.ts DIR --target MODULE [--pcap OUTDIR] [--rules a,b] [--define NAME] [--verbose]');
    return 2;
  }
  const mod = (await import(pathToFileURL(path.resolve(targetModule)).href)) as { createTarget?: TargetFactory; default?: TargetFactory };
  const factory = mod.createTarget ?? mod.default;
  if (typeof factory !== 'function') {
    console.error(`${targetModule} exports neither createTarget nor a default TargetFactory`);
    return 2;
  }
  const define = arg('--define');
  const run = runDirectory(dir, factory, {
    pcapDir: arg('--pcap'),
    rules: (arg('--rules')?.split(',').filter(Boolean) ?? []) as ToleranceRule[],
    defines: define ? define.split(',') : undefined,
  });
  for (const r of run.results) if (argv.includes('--verbose') || r.status === 'fail') console.log(formatResult(r));
  console.log(run.table);
  console.log(run.json);
  return run.counts.failed > 0 ? 1 : 0;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  main(process.argv.slice(2)).then((code) => { process.exitCode = code; }, (e) => { console.error(e); process.exitCode = 2; });
}
