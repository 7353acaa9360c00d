// Where things live: project root, model cache, waves, Node's C headers, the shim sources.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));

/** The directory holding package.json, found upwards from this file. */
export function projectRoot(): string {
  let dir = here;
  for (;;) {
    if (fs.existsSync(path.join(dir, 'package.json'))) return dir;
    const up = path.dirname(dir);
    if (up === dir) return process.cwd();
    dir = up;
  }
}

/** `<root>/.cache/verilator`, or `$TOE_CACHE_DIR/verilator`, or `<cacheDir>/verilator`. */
export function verilatorCacheDir(cacheDir?: string): string {
  const base = cacheDir ?? process.env.TOE_CACHE_DIR ?? path.join(projectRoot(), '.cache');
  return path.resolve(base, 'verilator');
}

export function wavesDir(): string {
  return path.resolve(process.env.TOE_WAVES_DIR ?? path.join(projectRoot(), 'waves'));
}

/** The native sources compiled into every model (their text is part of the cache key). */
export const nativeDir = path.join(here, 'native');

let nodeInclude: string | undefined;
/** Directory with node_api.h: Debian's /usr/include/node or the one beside the node binary. */
export function nodeIncludeDir(): string {
  if (nodeInclude) return nodeInclude;
  const candidates = [
    path.join(process.execPath, '../../include/node'),
    '/usr/include/node',
    '/usr/local/include/node',
  ];
  for (const c of candidates) {
    if (fs.existsSync(path.join(c, 'node_api.h'))) return (nodeInclude = path.resolve(c));
  }
  throw new Error(
    `node_api.h not found (looked in ${candidates.join(', ')}): install Node's headers ` +
      `(Debian: apt-get install libnode-dev) to build Verilator models`,
  );
}
