// Finding verilator and running the build tools with their output captured.
import { spawn, spawnSync } from 'node:child_process';

export const INSTALL_HINT = 'install it with `apt-get install verilator` (or run scripts/setup.sh)';

const versions = new Map<string, string>(); // keyed by PATH: a test may hide verilator by changing PATH

/** `verilator --version`, e.g. "Verilator 5.006 2023-01-22 rev (Debian 5.006-3)". Throws a clear error if missing. */
export function verilatorVersion(): string {
  const key = process.env.PATH ?? '';
  const known = versions.get(key);
  if (known) return known;
  const r = spawnSync('verilator', ['--version'], { encoding: 'utf8' });
  if (r.error || r.status !== 0) {
    const why = r.error ? (r.error as NodeJS.ErrnoException).code ?? r.error.message : `exit ${r.status}: ${r.stderr}`;
    throw new Error(`verilator not found or not working on PATH (${why}): ${INSTALL_HINT}`);
  }
  const v = r.stdout.trim();
  versions.set(key, v);
  return v;
}

let ccache: boolean | undefined;
export function haveCcache(): boolean {
  if (ccache === undefined) ccache = !spawnSync('ccache', ['--version'], { stdio: 'ignore' }).error;
  return ccache;
}

export interface RunResult {
  code: number;
  output: string; // stdout and stderr interleaved as they arrived
}

/** Runs a command, never throwing for a non-zero exit; output kept for error messages. */
export function run(cmd: string, args: string[], opts: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { cwd: opts.cwd, env: opts.env ?? process.env, stdio: ['ignore', 'pipe', 'pipe'] });
    const chunks: Buffer[] = [];
    child.stdout.on('data', (c: Buffer) => chunks.push(c));
    child.stderr.on('data', (c: Buffer) => chunks.push(c));
    child.on('error', (e: NodeJS.ErrnoException) => {
      if (e.code === 'ENOENT') reject(new Error(`${cmd} not found on PATH: ${cmd === 'verilator' ? INSTALL_HINT : 'run scripts/setup.sh'}`));
      else reject(e);
    });
    child.on('close', (code, signal) =>
      resolve({ code: code ?? (signal ? 128 : 1), output: Buffer.concat(chunks).toString('utf8') }),
    );
  });
}
