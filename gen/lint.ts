// `toe lint`: every design in a manifest through Verilator -Wall, Icarus -g2005 and Yosys (check -assert, no latches).
import path from 'node:path';
import fs from 'node:fs';
import os from 'node:os';
import { runTool } from './tools.ts';
import type { ManifestEntry } from './write.ts';

export interface LintFinding { tool: 'verilator' | 'iverilog' | 'yosys'; text: string }
export interface LintResult { design: string; top: string; findings: LintFinding[]; ms: Record<string, number> }

export function lintDesign(outDir: string, e: ManifestEntry): LintResult {
  const files = e.files.map((f) => path.join(outDir, f));
  const findings: LintFinding[] = [];
  const ms: Record<string, number> = {};
  const time = <T>(k: string, f: () => T): T => { const t = performance.now(); const r = f(); ms[k] = performance.now() - t; return r; };

  const v = time('verilator', () => runTool('verilator', ['--lint-only', '-Wall', '--top-module', e.top, ...files]));
  if (!v.ok || v.out.trim()) findings.push({ tool: 'verilator', text: v.out.trim() || `exit ${v.code}` });

  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'toe-lint-'));
  try {
    const iv = time('iverilog', () => runTool('iverilog', ['-g2005', '-Wall', '-s', e.top, '-o', path.join(tmp, 'a.out'), ...files]));
    // Icarus warns about timescale inheritance when no file sets one; our files set none on purpose.
    const ivOut = iv.out.split('\n').filter((l) => l.trim() && !/timescale/.test(l)).join('\n');
    if (!iv.ok || ivOut) findings.push({ tool: 'iverilog', text: ivOut || `exit ${iv.code}` });

    const script = [
      ...files.map((f) => `read_verilog ${f}`),
      // Coarse-grained synthesis only: it finds latches, loops and undriven bits; the fine stage would map every
      // memory to flip-flops, which takes many minutes for a 256 KiB buffer and checks nothing more.
      `hierarchy -check -top ${e.top}`, 'proc', 'check -assert', `synth -top ${e.top} -flatten -run :fine`,
      `tee -o ${path.join(tmp, 'stat.json')} stat -json`,
    ].join('; ');
    const y = time('yosys', () => runTool('yosys', ['-q', '-p', script]));
    if (!y.ok) findings.push({ tool: 'yosys', text: y.out.trim().split('\n').slice(-20).join('\n') });
    else {
      const warn = y.out.split('\n').filter((l) => /warning/i.test(l));
      if (warn.length) findings.push({ tool: 'yosys', text: warn.join('\n') });
      const stat = JSON.parse(fs.readFileSync(path.join(tmp, 'stat.json'), 'utf8'));
      const cells = stat.design?.num_cells_by_type ?? {};
      const latches = Object.entries(cells).filter(([k]) => /dlatch/i.test(k));
      if (latches.length) findings.push({ tool: 'yosys', text: `latches inferred: ${latches.map(([k, n]) => `${k} x${n}`).join(', ')}` });
    }
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
  return { design: e.name, top: e.top, findings, ms };
}
