// Running the external EDA tools (Verilator, Icarus, Yosys) with clear messages when one is missing.
import { spawnSync } from 'node:child_process';

export interface ToolRun { ok: boolean; code: number; out: string }

const installHint: Record<string, string> = {
  verilator: 'verilator', iverilog: 'iverilog', yosys: 'yosys',
};

export function haveTool(cmd: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${cmd}`], { encoding: 'utf8' }).status === 0;
}

export function runTool(cmd: string, args: string[], opts: { cwd?: string; timeoutMs?: number } = {}): ToolRun {
  if (!haveTool(cmd)) {
    throw new Error(`${cmd} is not installed: run 'bash scripts/setup.sh' (as root) or 'apt-get install ${installHint[cmd] ?? cmd}'`);
  }
  const r = spawnSync(cmd, args, { cwd: opts.cwd, encoding: 'utf8', timeout: opts.timeoutMs ?? 600_000, maxBuffer: 64 << 20 });
  return { ok: r.status === 0, code: r.status ?? -1, out: `${r.stdout ?? ''}${r.stderr ?? ''}` };
}
