// Loads a model's shared object into this process. One shared object holds one model instance
// (its entry points are static), so a second live instance of the same hash gets a private copy
// of the file: dlopen of the same path would hand back the same statics.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

export interface NativePortInfo {
  name: string;
  width: number;
  dir: 'in' | 'out' | 'inout';
  bytes: number;
}

/** The functions native/shim.cpp exports. */
export interface NativeModel {
  create(clockIndex: number, halfPeriodPs: number): void;
  destroy(): void;
  portBuffers(): ArrayBuffer[];
  shared(): ArrayBuffer;
  eval(): void;
  tick(): void;
  tickPort(index: number, halfPeriodPs: number): void;
  evalAt(timePs: number): void;
  timePs(): number;
  runCycles(n: number): number;
  traceOpen(path: string): void;
  traceClose(): void;
  traceFlush(): void;
  runStreams(params: Float64Array, bufs: (ArrayBufferView | null)[]): number;
  stopInfo(): string | null;
  readonly traceKind: '' | 'fst' | 'vcd';
  readonly top: string;
  readonly portTable: readonly NativePortInfo[];
}

interface Slot {
  native: NativeModel;
  live: boolean;
}

const slots = new Map<string, Slot[]>(); // by shared-object path
let copies = 0;

function dlopen(file: string): NativeModel {
  const mod = { exports: {} as NativeModel };
  process.dlopen(mod, file, os.constants.dlopen.RTLD_NOW);
  return mod.exports;
}

/** A native model instance not used by anyone else in this process; give it back with release(). */
export function acquireNative(soPath: string): { native: NativeModel; release(): void } {
  let list = slots.get(soPath);
  if (!list) slots.set(soPath, (list = []));
  let slot = list.find((s) => !s.live);
  if (!slot) {
    let file = soPath;
    if (list.length > 0) {
      file = path.join(os.tmpdir(), `toe-vl-${process.pid}-${++copies}-${path.basename(soPath)}`);
      fs.copyFileSync(soPath, file);
    }
    try {
      slot = { native: dlopen(file), live: false };
    } finally {
      if (file !== soPath) fs.rmSync(file, { force: true }); // the mapping outlives the file
    }
    list.push(slot);
  }
  slot.live = true;
  const s = slot;
  return {
    native: s.native,
    release() {
      s.live = false;
    },
  };
}
