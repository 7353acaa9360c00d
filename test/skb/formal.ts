// Model checking the skb manager's formal build with the Yosys tool chain: the design and a wrapper go to an
// AIGER netlist (yosys), whose one output "bad" ABC (yosys-abc) proves never rises by k-induction, or falsifies
// by bounded model checking. The wrapper asserts reset once: bad = (reset has been applied) & ~property.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { elaborate } from '../../dsl/index.ts';
import { emitDesign } from '../../gen/verilog.ts';
import { haveTool, runTool } from '../../gen/tools.ts';
import { SkbManager } from '../../blocks/skb/skb-manager.ts';
import type { SkbParams } from '../../blocks/skb/params.ts';

export const formalToolsMissing = (): string | undefined =>
  ['yosys', 'yosys-abc'].find((t) => !haveTool(t));

export interface CheckResult { verdict: 'proven' | 'falsified' | 'unknown'; frame?: number; log: string; ms: number }

/**
 * `property` is a one-bit output of the design; with `negate`, its complement is the property (so a reachable
 * high output is a counterexample). Every flip-flop and table word starts arbitrary (write_aiger -zinit); the
 * free input rst may be raised in any cycle, and the property is checked from the cycle after the first reset.
 */
export function checkProperty(params: SkbParams, property: string, engine: 'induction' | 'bmc', opts: { negate?: boolean; frames?: number } = {}): CheckResult {
  const t0 = performance.now();
  const design = elaborate(SkbManager, params);
  const top = design.top;
  if (!top.ports.some((p) => p.name === property && p.dir === 'out')) throw new Error(`${top.name} has no output ${property}`);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'skb-formal-'));
  try {
    const files = emitDesign(design).map((f) => { const p = path.join(dir, f.name); fs.writeFileSync(p, f.text); return p; });
    const inputs = top.ports.filter((p) => p.dir === 'in' && p.name !== 'clk');
    const decl = (w: number) => (w > 1 ? `[${w - 1}:0] ` : '');
    const wrapper = [
      `module formal_top(input clk, ${inputs.map((p) => `input ${decl(p.node.width)}${p.name}`).join(', ')}, output bad);`,
      "  reg reset_seen = 1'b0;",
      '  always @(posedge clk) reset_seen <= reset_seen | rst;',
      '  wire property_port;',
      `  ${top.name} dut (.clk(clk), ${inputs.map((p) => `.${p.name}(${p.name})`).join(', ')}, .${property}(property_port));`,
      `  assign bad = reset_seen & ${opts.negate ? '' : '~'}property_port;`,
      'endmodule',
    ].join('\n');
    const wrapperFile = path.join(dir, 'formal_top.v');
    fs.writeFileSync(wrapperFile, `${wrapper}\n`);
    const aig = path.join(dir, 'formal_top.aig');
    // setundef -zero: bit selects past a vector's top read 0 (the DSL's rule); Yosys leaves them undefined.
    const script = [...files, wrapperFile].map((f) => `read_verilog ${f}`).concat([
      'hierarchy -top formal_top', 'proc', 'flatten', 'memory_map', 'opt_clean', 'setundef -zero', 'techmap', 'opt -fast',
      'dffunmap', 'aigmap', 'opt_clean', 'setundef -zero', `write_aiger -zinit ${aig}`,
    ]).join('; ');
    const y = runTool('yosys', ['-q', '-p', script]);
    if (!y.ok) throw new Error(`yosys failed:\n${y.out.split('\n').slice(-20).join('\n')}`);
    const cmd = engine === 'induction' ? 'ind -F 2' : `bmc3 -F ${opts.frames ?? 20}`;
    const abc = runTool('yosys-abc', ['-c', `read_aiger ${aig}; ${cmd}`]);
    const log = abc.out;
    const ms = performance.now() - t0;
    if (/Networks are equivalent/.test(log)) return { verdict: 'proven', log, ms };
    const cex = /asserted in frame (\d+)/.exec(log);
    if (cex) return { verdict: 'falsified', frame: Number(cex[1]), log, ms };
    return { verdict: 'unknown', log, ms };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
