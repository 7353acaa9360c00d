// Verilog -> shared object `<cache>/verilator/<hash>/<hash>.node`, built once per content hash.
// Builds run in a private temp dir renamed into place at the end, so two processes building the
// same hash at once never see each other's half-written files; a lock file per hash makes the second
// one wait for the first's result instead of compiling the same model again (test files in parallel).
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { cacheKey } from './cacheKey.ts';
import { nativeDir, nodeIncludeDir, verilatorCacheDir } from './paths.ts';
import { checkPorts, parseModelHeader, portTableHeader } from './portTable.ts';
import type { BuildOptions, ModelSpec, TraceMode } from './spec.ts';
import { haveCcache, run, verilatorVersion } from './toolchain.ts';

export interface BuiltObject {
  hash: string;
  soPath: string;
  dir: string;
  srcDir: string;
  cached: boolean;
  ms: number;
  trace: TraceMode | false;
  warnings: string;
}

const SAFE_NAME = /^[A-Za-z0-9_][A-Za-z0-9_.-]*$/;
const IDENT = /^[A-Za-z_][A-Za-z0-9_]*$/;

export function effectiveTrace(spec: ModelSpec): TraceMode | false {
  if (spec.trace) return spec.trace;
  return process.env.TOE_WAVES === '1' ? 'fst' : false;
}

function validate(spec: ModelSpec): void {
  if (!IDENT.test(spec.top)) throw new Error(`ModelSpec.top '${spec.top}' is not a plain Verilog identifier`);
  if (!spec.files.length) throw new Error(`ModelSpec for ${spec.top} has no files`);
  for (const f of spec.files) {
    if (!SAFE_NAME.test(f.name)) throw new Error(`ModelSpec file name '${f.name}' must be a plain file name`);
  }
  for (const p of spec.ports) {
    if (!IDENT.test(p.name)) throw new Error(`port name '${p.name}' is not a plain identifier`);
    if (!(Number.isInteger(p.width) && p.width >= 1)) throw new Error(`port '${p.name}' has bad width ${p.width}`);
  }
}

function makeVars(opts: BuildOptions): string[] {
  const opt = opts.opt ?? '-O2';
  // -fPIC alone halves the speed (calls through the PLT); -fno-semantic-interposition and
  // -Bsymbolic keep calls inside the model direct. VL_USER_* route $finish/$stop/fatal to the shim.
  const cpp = [
    '-fPIC',
    '-fno-semantic-interposition',
    `-I${nodeIncludeDir()}`,
    '-DVL_USER_FINISH',
    '-DVL_USER_STOP',
    '-DVL_USER_FATAL',
  ];
  return [
    `OPT_FAST=${opt}`,
    `OPT_GLOBAL=${opt}`,
    `OPT_SLOW=-O1`,
    `USER_CPPFLAGS=${cpp.join(' ')}`,
    'USER_LDFLAGS=-shared -Wl,-Bsymbolic',
  ];
}

function verilatorArgs(spec: ModelSpec, trace: TraceMode | false, opts: BuildOptions): string[] {
  return [
    '--cc',
    '--exe',
    '--prefix',
    'Vmodel',
    '--top-module',
    spec.top,
    '--threads',
    '1',
    '-Wno-fatal', // lint is done elsewhere; warnings are kept in BuildInfo.warnings
    '--no-timing',
    '--timescale',
    '1ps/1ps',
    ...(trace === 'fst' ? ['--trace-fst'] : trace === 'vcd' ? ['--trace'] : []),
    ...(opts.verilatorArgs ?? []),
  ];
}

/** Writes content-addressed files once; concurrent writers write identical bytes via rename. */
function writeSources(srcDir: string, spec: ModelSpec): string[] {
  fs.mkdirSync(srcDir, { recursive: true });
  return spec.files.map((f) => {
    const p = path.join(srcDir, f.name);
    if (!(fs.existsSync(p) && fs.readFileSync(p, 'utf8') === f.text)) {
      const tmp = `${p}.${process.pid}.${Math.random().toString(36).slice(2)}`;
      fs.writeFileSync(tmp, f.text);
      fs.renameSync(tmp, p);
    }
    return p;
  });
}

export function modelHash(spec: ModelSpec, opts: BuildOptions = {}): string {
  validate(spec);
  const trace = effectiveTrace(spec);
  return cacheKey({
    spec,
    trace,
    verilatorArgs: verilatorArgs(spec, trace, opts),
    makeVars: makeVars(opts),
    verilatorVersion: verilatorVersion(),
  });
}

/** `counter.v:3:5:` in tool output -> `/full/path/counter.v:3:5:`. */
function withFullPaths(output: string, spec: ModelSpec, srcDir: string): string {
  let out = output;
  for (const f of spec.files) {
    const name = f.name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    const full = path.join(srcDir, f.name);
    out = out.replace(new RegExp(`(?<![\\w/.-])${name}(?=:\\d)`, 'g'), () => full);
  }
  return out;
}

/** The error for a failed step; the whole log is kept as build.log in the failed build's dir. */
function buildError(what: string, spec: ModelSpec, sources: string[], output: string, tmp: string, failedDir: string): Error {
  fs.writeFileSync(path.join(tmp, 'build.log'), output);
  const lines = output.trim().split('\n');
  let shown = lines;
  if (lines.length > 80) {
    // Long logs (g++ command lines, many warnings): the error lines, then the tail.
    const errors = lines.filter((l) => /error/i.test(l)).slice(0, 40);
    shown = [...errors, `... (${lines.length} lines in all; the last 20:)`, ...lines.slice(-20)];
  }
  return new Error(
    `${what} for top '${spec.top}'\n` +
      `Verilog sources: ${sources.join(', ')}\n` +
      `full log: ${path.join(failedDir, 'build.log')}\n` +
      shown.join('\n'),
  );
}

/** Builds (or finds in the cache) the shared object for a spec. */
export async function buildSharedObject(spec: ModelSpec, opts: BuildOptions = {}): Promise<BuiltObject> {
  const t0 = performance.now();
  validate(spec);
  const trace = effectiveTrace(spec);
  const vArgs = verilatorArgs(spec, trace, opts);
  const mVars = makeVars(opts);
  const hash = cacheKey({ spec, trace, verilatorArgs: vArgs, makeVars: mVars, verilatorVersion: verilatorVersion() });
  const root = verilatorCacheDir(opts.cacheDir);
  const dir = path.join(root, hash);
  const soPath = path.join(dir, `${hash}.node`);
  const srcDir = path.join(root, 'src', hash);
  const done = (cached: boolean, warnings: string): BuiltObject => ({
    hash, soPath, dir, srcDir, cached, trace, warnings, ms: performance.now() - t0,
  });
  if (!opts.force && fs.existsSync(soPath)) return done(true, '');
  const lock = opts.force ? undefined : await takeBuildLock(path.join(root, 'locks', `${hash}.lock`), soPath);
  if (lock === 'built') return done(true, '');
  try {
    return await buildLocked();
  } finally {
    if (lock) fs.rmSync(lock, { force: true });
  }

  async function buildLocked(): Promise<BuiltObject> {
    const sources = writeSources(srcDir, spec);
    removeAbandonedBuilds(path.join(root, 'tmp'));
    const tmp = path.join(root, 'tmp', `${hash}-${process.pid}-${Math.random().toString(36).slice(2, 8)}`);
    const obj = path.join(tmp, 'obj');
    const failedDir = path.join(root, 'failed', hash); // where a failed build is kept for reading
    fs.mkdirSync(obj, { recursive: true });
    try {
      // Relative source names keep the generated C++ free of cache paths, so ccache hits across
      // cache dirs and clones; messages get the full paths back for reading.
      const v = await run(
        'verilator',
        [...vArgs, '--Mdir', obj, '-o', `${hash}.node`, path.join(nativeDir, 'shim.cpp'), ...spec.files.map((f) => f.name)],
        { cwd: srcDir },
      );
      const vOut = withFullPaths(v.output, spec, srcDir);
      if (v.code !== 0) throw buildError('Verilator failed', spec, sources, vOut, tmp, failedDir);

      const ports = parseModelHeader(fs.readFileSync(path.join(obj, 'Vmodel.h'), 'utf8'));
      checkPorts(spec.top, spec.ports, ports);
      fs.writeFileSync(path.join(obj, 'toe_ports.h'), portTableHeader(spec.top, ports));

      const jobs = String(opts.jobs ?? Math.max(1, Math.min(2, os.cpus().length)));
      const env = { ...process.env, CCACHE_NOHASHDIR: '1' };
      const m = await run(
        'make',
        ['-C', obj, '-f', 'Vmodel.mk', `-j${jobs}`, ...mVars, ...(haveCcache() ? ['OBJCACHE=ccache'] : [])],
        { env },
      );
      if (m.code !== 0) throw buildError('C++ build of the Verilated model failed', spec, sources, m.output, tmp, failedDir);

      fs.renameSync(path.join(obj, `${hash}.node`), path.join(tmp, `${hash}.node`));
      // Objects are in ccache; keep the generated C++ for reading, drop the bulky rest.
      for (const f of fs.readdirSync(obj)) if (/\.(o|a|d)$/.test(f)) fs.rmSync(path.join(obj, f), { force: true });
      publish(tmp, dir, opts.force === true);
      return done(false, vOut.trim());
    } catch (e) {
      // Keep the failed build for inspection under failed/<hash>; the temp dir goes either way.
      if (fs.existsSync(tmp)) {
        fs.rmSync(failedDir, { recursive: true, force: true });
        fs.mkdirSync(path.dirname(failedDir), { recursive: true });
        try {
          fs.renameSync(tmp, failedDir);
        } catch {
          fs.rmSync(tmp, { recursive: true, force: true });
        }
      }
      throw e;
    }
  }
}

/** A lock younger than this whose owner is alive is waited for (a toe_top build takes a few minutes). */
const LOCK_STALE_MS = 30 * 60_000;

/**
 * The build lock for one hash: its path once this process holds it, or 'built' when another process finished the
 * model while this one waited. A lock whose process is gone (or that is older than LOCK_STALE_MS) is taken over.
 */
async function takeBuildLock(lockPath: string, soPath: string): Promise<string | 'built'> {
  fs.mkdirSync(path.dirname(lockPath), { recursive: true });
  for (;;) {
    try {
      fs.writeFileSync(lockPath, `${process.pid}\n`, { flag: 'wx' });
      return lockPath;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    }
    if (fs.existsSync(soPath)) return 'built';
    if (lockIsStale(lockPath)) { fs.rmSync(lockPath, { force: true }); continue; }
    await new Promise((r) => setTimeout(r, 250));
    if (fs.existsSync(soPath)) return 'built';
  }
}

function lockIsStale(lockPath: string): boolean {
  try {
    const pid = Number(fs.readFileSync(lockPath, 'utf8').trim());
    if (Date.now() - fs.statSync(lockPath).mtimeMs > LOCK_STALE_MS) return true;
    if (!Number.isInteger(pid) || pid <= 0) return false; // being written: wait
    process.kill(pid, 0);
    return false;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'ESRCH'; // the owner is gone (ENOENT: the lock went: retry)
  }
}

/** Temp dirs (`<hash>-<pid>-<rand>`) of build processes that died mid-build. */
function removeAbandonedBuilds(tmpRoot: string): void {
  if (!fs.existsSync(tmpRoot)) return;
  for (const name of fs.readdirSync(tmpRoot)) {
    const pid = Number(name.split('-')[1]);
    if (!Number.isInteger(pid) || pid === process.pid) continue;
    try {
      process.kill(pid, 0); // still running: leave it alone
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ESRCH') fs.rmSync(path.join(tmpRoot, name), { recursive: true, force: true });
    }
  }
}

/** Atomic rename of the finished build dir; losing a race to another process is fine. */
function publish(tmp: string, dir: string, replace: boolean): void {
  if (replace && fs.existsSync(dir)) {
    const trash = `${tmp}.old`;
    try {
      fs.renameSync(dir, trash);
      fs.rmSync(trash, { recursive: true, force: true });
    } catch {
      /* someone else replaced it first */
    }
  }
  try {
    fs.renameSync(tmp, dir);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code !== 'ENOTEMPTY' && code !== 'EEXIST') throw e;
    fs.rmSync(tmp, { recursive: true, force: true }); // an identical build won the race
  }
}
