// A VCD (IEEE 1364 value change dump) writer: hierarchical scopes, one identifier per distinct value,
// only changed values dumped at each timestamp.
import fs from 'node:fs';
import path from 'node:path';

export interface VcdScope { name: string; vars: VcdVar[]; scopes: VcdScope[] }
export interface VcdVar { name: string; width: number; /** Index into the writer's value sources. */ source: number }

/** Where a traced value lives: a narrow slot, a wide slot or a constant. */
export type VcdSource = { kind: 'n'; slot: number; width: number } | { kind: 'b'; slot: number; width: number }
  | { kind: 'w'; slot: number; words: number; width: number } | { kind: 'c'; value: bigint; width: number };

function idCode(i: number): string {
  let s = '';
  do { s += String.fromCharCode(33 + (i % 94)); i = Math.floor(i / 94); } while (i > 0);
  return s;
}

const fmt = (v: number | bigint, w: number, id: string) => (w === 1 ? `${v}${id}\n` : `b${v.toString(2)} ${id}\n`);

export class VcdWriter {
  private fd: number;
  private buf: string[] = [];
  private bufLen = 0;
  private started = false;
  private lastTime = -1;
  private readonly nIds: string[] = []; private readonly nSlots: number[] = []; private readonly nWidths: number[] = []; private nLast: Float64Array;
  private readonly bIds: string[] = []; private readonly bSlots: number[] = []; private readonly bWidths: number[] = []; private bLast: (bigint | undefined)[];
  private readonly consts: string[] = [];
  /** Word-split values: identifier, first slot, word count, width; last words seen (NaN: never). */
  private readonly wIds: string[] = []; private readonly wSlots: number[] = []; private readonly wWords: number[] = []; private readonly wWidths: number[] = [];
  private wLast: Float64Array = new Float64Array(0);
  private readonly wOff: number[] = [];

  constructor(readonly file: string, root: VcdScope, sources: VcdSource[], private readonly N: Uint32Array, private readonly B: bigint[]) {
    fs.mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
    this.fd = fs.openSync(file, 'w');
    const ids = sources.map((_, i) => idCode(i));
    sources.forEach((s, i) => {
      if (s.kind === 'n') { this.nIds.push(ids[i]!); this.nSlots.push(s.slot); this.nWidths.push(s.width); }
      else if (s.kind === 'b') { this.bIds.push(ids[i]!); this.bSlots.push(s.slot); this.bWidths.push(s.width); }
      else if (s.kind === 'w') { this.wIds.push(ids[i]!); this.wSlots.push(s.slot); this.wWords.push(s.words); this.wWidths.push(s.width); }
      else this.consts.push(fmt(s.value, s.width, ids[i]!));
    });
    this.nLast = new Float64Array(this.nIds.length).fill(-1);
    this.bLast = new Array(this.bIds.length).fill(undefined);
    let off = 0;
    for (const n of this.wWords) { this.wOff.push(off); off += n; }
    this.wLast = new Float64Array(off).fill(NaN);
    const head: string[] = [
      `$date ${new Date().toISOString()} $end`,
      '$version toe native simulator $end',
      '$timescale 1ps $end',
    ];
    const walk = (s: VcdScope) => {
      head.push(`$scope module ${s.name} $end`);
      for (const v of s.vars) head.push(`$var wire ${v.width} ${ids[v.source]} ${v.name}${v.width > 1 ? ` [${v.width - 1}:0]` : ''} $end`);
      for (const c of s.scopes) walk(c);
      head.push('$upscope $end');
    };
    walk(root);
    head.push('$enddefinitions $end');
    this.write(`${head.join('\n')}\n`);
  }

  private write(s: string) {
    this.buf.push(s);
    this.bufLen += s.length;
    if (this.bufLen > 1 << 16) this.flush();
  }

  flush() {
    if (!this.buf.length) return;
    fs.writeSync(this.fd, this.buf.join(''));
    this.buf = [];
    this.bufLen = 0;
  }

  /** Records values at time t (ps): everything on the first call, then only changes. */
  dump(t: number) {
    if (t < this.lastTime) throw new Error(`VCD time went backwards: ${t} ps after ${this.lastTime} ps`);
    const out: string[] = [];
    const { N, B } = this;
    for (let i = 0; i < this.nSlots.length; i++) {
      const v = N[this.nSlots[i]!]!;
      if (v !== this.nLast[i]) { this.nLast[i] = v; out.push(fmt(v, this.nWidths[i]!, this.nIds[i]!)); }
    }
    for (let i = 0; i < this.bSlots.length; i++) {
      const v = B[this.bSlots[i]!]!;
      if (v !== this.bLast[i]) { this.bLast[i] = v; out.push(fmt(v, this.bWidths[i]!, this.bIds[i]!)); }
    }
    for (let i = 0; i < this.wSlots.length; i++) {
      const s = this.wSlots[i]!, nw = this.wWords[i]!, o = this.wOff[i]!;
      let changed = false;
      for (let k = 0; k < nw; k++) if (N[s + k] !== this.wLast[o + k]) { changed = true; this.wLast[o + k] = N[s + k]!; }
      if (!changed) continue;
      let v = 0n;
      for (let k = nw - 1; k >= 0; k--) v = (v << 32n) | BigInt(N[s + k]!);
      out.push(fmt(v, this.wWidths[i]!, this.wIds[i]!));
    }
    if (!this.started) {
      this.started = true;
      this.lastTime = t;
      this.write(`#${t}\n$dumpvars\n${this.consts.join('')}${out.join('')}$end\n`);
      return;
    }
    if (!out.length) return;
    if (t !== this.lastTime) this.write(`#${t}\n`);
    this.lastTime = t;
    this.write(out.join(''));
  }

  close() {
    this.flush();
    fs.closeSync(this.fd);
  }
}
