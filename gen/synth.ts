// `toe synth`: Yosys synthesis for a generic, Xilinx or iCE40 target; cell, LUT, FF and RAM counts, logic depth.
import path from 'node:path';
import fs from 'node:fs';
import os from 'node:os';
import { runTool } from './tools.ts';
import type { ManifestEntry } from './write.ts';

export type SynthTarget = 'generic' | 'xilinx' | 'ice40';
export interface SynthReport {
  design: string; target: SynthTarget; cells: number; luts: number; ffs: number; rams: number;
  ramCells: Record<string, number>; depth: number | undefined; byType: Record<string, number>;
}

const isLut = (t: string) => /^\$?(lut|LUT\d|SB_LUT4|\$_(AND|OR|XOR|NOT|MUX|NAND|NOR|XNOR|ANDNOT|ORNOT|AOI3|OAI3|AOI4|OAI4)_)/.test(t);
const isFf = (t: string) => /^(\$_S?DFF|\$_DFFE|\$_SDFF|\$dff|\$_ALDFF|FD[CPRSE]|FDRE|FDSE|FDCE|FDPE|SB_DFF)/.test(t);
const isRam = (t: string) => /^(RAMB|RAM\d|SB_RAM|\$mem)/.test(t);

export function synthDesign(outDir: string, e: ManifestEntry, target: SynthTarget): SynthReport {
  const files = e.files.map((f) => path.join(outDir, f));
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'toe-synth-'));
  try {
    const stat = path.join(tmp, 'stat.json');
    const ltp = path.join(tmp, 'ltp.txt');
    const read = files.map((f) => `read_verilog ${f}`);
    const synth = target === 'xilinx' ? `synth_xilinx -top ${e.top} -flatten`
      : target === 'ice40' ? `synth_ice40 -top ${e.top}` : `synth -top ${e.top} -flatten`;
    // Logic depth: the longest path in cells of the mapped netlist between registers, memories and ports (LUT levels
    // on Xilinx, carry and mux cells included). ltp -noff only knows Yosys's own flip-flop cells, so the vendor's
    // flip-flops, RAMs and I/O buffers are deleted first: that cuts every path at them.
    const sequential = 't:FD* t:RAMB* t:RAM32* t:RAM64* t:RAM128* t:RAM256* t:SRL* t:IBUF t:OBUF t:BUFG t:SB_DFF* t:SB_RAM* t:$*ff t:$mem*';
    const script = [...read, synth, `tee -q -o ${stat} stat -json`, `delete ${sequential}`, `tee -q -o ${ltp} ltp -noff`].join('; ');
    // A whole top (toe_top) takes Yosys tens of minutes: allow an hour.
    const r = runTool('yosys', ['-q', '-p', script], { timeoutMs: 3_600_000 });
    if (!r.ok) throw new Error(`yosys failed on ${e.name}:\n${r.out.split('\n').slice(-30).join('\n')}`);
    const byType: Record<string, number> = JSON.parse(fs.readFileSync(stat, 'utf8')).design?.num_cells_by_type ?? {};
    const m = /Longest topological path.*length=(\d+)/.exec(fs.readFileSync(ltp, 'utf8'));
    const sum = (f: (t: string) => boolean) => Object.entries(byType).filter(([t]) => f(t)).reduce((s, [, n]) => s + n, 0);
    return {
      design: e.name, target, byType,
      cells: Object.values(byType).reduce((s, n) => s + n, 0),
      luts: sum(isLut), ffs: sum(isFf), rams: sum(isRam),
      ramCells: Object.fromEntries(Object.entries(byType).filter(([t]) => isRam(t))),
      depth: m ? Number(m[1]) : undefined,
    };
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}
