// What a caller hands to buildModel(): the Verilog sources and the top's ports.

export interface PortSpec {
  name: string;
  dir: 'in' | 'out';
  width: number;
  signed?: boolean;
}

export interface ModelSpec {
  top: string; // top module name
  files: { name: string; text: string }[]; // Verilog-2005 sources (one module per file)
  ports: PortSpec[]; // the top's ports (clocks and resets included)
  clocks?: { port: string; periodPs?: number }[]; // clock inputs (default: a port named 'clk' if present)
  trace?: false | 'fst' | 'vcd';
}

export type TraceMode = 'fst' | 'vcd';

export interface BuildOptions {
  /** Replaces `<project root>/.cache` (env TOE_CACHE_DIR does the same); models live in `<dir>/verilator/<hash>/`. */
  cacheDir?: string;
  /** Extra verilator command-line arguments (part of the cache key). */
  verilatorArgs?: string[];
  /** C++ optimisation level for the model and the Verilator runtime (default '-O2'). */
  opt?: string;
  /** Rebuild even when the cache holds this hash (the old directory is replaced atomically). */
  force?: boolean;
  /** Parallel make jobs (default 2). */
  jobs?: number;
}

/** How a model came to be: returned on every model as `model.build`. */
export interface BuildInfo {
  hash: string;
  /** true when the shared object came from the cache and no compiler ran. */
  cached: boolean;
  /** Wall time of buildModel up to loading, in ms. */
  ms: number;
  /** The cache directory of this model and the loaded shared object. */
  dir: string;
  soPath: string;
  /** Directory holding the Verilog sources verilator was given. */
  srcDir: string;
  trace: TraceMode | false;
  /** Verilator's warnings of the build that produced the shared object ('' on a cache hit). */
  warnings: string;
}

export const DEFAULT_PERIOD_PS = 10_000; // 100 MHz
