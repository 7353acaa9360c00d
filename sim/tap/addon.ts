// The TAP addon (native/tap.c): compiled once per content hash into `<cache>/tap/<hash>/tap.node` (same cache
// root as the Verilator models), through ccache when present; a temp file renamed into place so concurrent
// builders never load a half-written object.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { haveCcache } from '../verilator/toolchain.ts';
import { nodeIncludeDir, projectRoot } from '../verilator/paths.ts';

export interface TapAddon {
  /** Create (or attach to) TAP interface `name`: a non-blocking fd, IFF_TAP | IFF_NO_PI. Throws code EPERM without CAP_NET_ADMIN. */
  openTap(name: string): { fd: number; name: string };
  /** One frame into buf; 0 when none is waiting. */
  readFrame(fd: number, buf: Uint8Array): number;
  /** poll() for a waiting frame, at most `ms` milliseconds. */
  waitReadable(fd: number, ms: number): boolean;
}

const source = path.join(path.dirname(fileURLToPath(import.meta.url)), 'native', 'tap.c');
const CFLAGS = ['-O2', '-fPIC', '-shared', '-Wall', '-Wextra', '-Werror'];

let loaded: TapAddon | undefined;

export function tapAddonPath(cacheDir = process.env.TOE_CACHE_DIR ?? path.join(projectRoot(), '.cache')): string {
  const text = fs.readFileSync(source, 'utf8');
  const hash = createHash('sha256').update(text).update('\0').update(CFLAGS.join(' ')).update(process.arch).digest('hex').slice(0, 16);
  return path.resolve(cacheDir, 'tap', hash, 'tap.node');
}

/** Build if needed, then load (once per process). */
export function loadTapAddon(): TapAddon {
  if (loaded) return loaded;
  const out = tapAddonPath();
  if (!fs.existsSync(out)) {
    fs.mkdirSync(path.dirname(out), { recursive: true });
    const tmp = `${out}.${process.pid}.tmp`;
    const [cmd, ...pre] = haveCcache() ? ['ccache', 'gcc'] : ['gcc'];
    const args = [...pre, ...CFLAGS, `-I${nodeIncludeDir()}`, source, '-o', tmp];
    const r = spawnSync(cmd!, args, { encoding: 'utf8', env: { ...process.env, CCACHE_NOHASHDIR: '1' } });
    if (r.error || r.status !== 0) {
      fs.rmSync(tmp, { force: true });
      throw new Error(`building the TAP addon failed (${cmd} ${args.join(' ')}):\n${r.error?.message ?? ''}${r.stdout}${r.stderr}`);
    }
    fs.renameSync(tmp, out);
  }
  const mod = { exports: {} as TapAddon };
  process.dlopen(mod, out, os.constants.dlopen.RTLD_NOW);
  return (loaded = mod.exports);
}
