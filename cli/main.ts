// The `toe` command line: list, gen, lint, synth, all, bench.
import fs from 'node:fs';
import path from 'node:path';
import { designs } from '../designs.ts';
import { generate, writeDesigns, readManifest } from '../gen/write.ts';
import { lintDesign } from '../gen/lint.ts';
import { synthDesign, type SynthTarget } from '../gen/synth.ts';
import { projectRoot } from '../gen/root.ts';
import { table } from './table.ts';

const HELP: Record<string, string> = {
  main: `usage: toe <command> [options]

commands:
  list                          list the designs
  gen [--out DIR] [DESIGN...]   generate Verilog (default: all designs into rtl_out/) and the manifest
  lint [DIR] [DESIGN...]        Verilator -Wall, Icarus -g2005 and Yosys checks on every design in DIR/manifest.json
  synth DESIGN --target generic|xilinx|ice40 [--json]   synthesise with Yosys: cells, LUTs, FFs, RAMs, logic depth
  all                           gen + lint + a summary table (the README's main job)
  conformance DIR               packetdrill scripts under DIR against the TOE model: per-folder counts and a JSON line
  bench gen|sim|datapath|host|toe|toe_rtl  benchmarks: a table and a JSON line
Run 'toe <command> --help' for a command's options.`,
  list: 'usage: toe list\n  Lists every design: its name, top module and description.',
  gen: 'usage: toe gen [--out DIR] [DESIGN...]\n  Elaborates designs (all when none is named) and writes DIR/<design>/*.v and DIR/manifest.json. DIR defaults to rtl_out/.',
  lint: 'usage: toe lint [DIR | --dir DIR] [DESIGN...]\n  Lints the named designs (default: every design) listed in DIR/manifest.json (default rtl_out/) with verilator --lint-only -Wall, iverilog -g2005 and\n  yosys (hierarchy -check; proc; check -assert; synth, no latches). Prints a table; exits 1 on any finding.',
  synth: 'usage: toe synth DESIGN --target generic|xilinx|ice40 [--json] [--dir DIR]\n  Synthesises a generated design with Yosys and prints cell, LUT, FF and RAM counts and the logic depth (ltp).',
  all: 'usage: toe all\n  Generates every design into rtl_out/, lints them all and prints a summary table. Exits 1 on any lint finding.',
  bench: 'usage: toe bench gen|sim|datapath|host|toe|toe_rtl\n  gen: elaboration + emission time per design and in total.\n  sim: simulation speed, Verilator and native.\n  datapath: bytes/cycle, latency and area of the packet blocks at 64 and 512 bits (--no-synth, --only BLOCK).\n  host: DMA throughput at 500 ns host latency, skb alloc/free rate, doorbell latency, area.\n  toe: goodput, latency, firmware core utilisation and host work on the TOE model (--quick).\n  toe_rtl: the RTL TOE (toe_top + the firmware on its cores) against the model: goodput each way, core utilisation (--quick).',
};

function fail(msg: string): never { console.error(`toe: ${msg}`); process.exit(2); }

function pickDesigns(names: string[]) {
  if (!names.length) return designs;
  return names.map((n) => designs.find((d) => d.name === n) ?? fail(`unknown design '${n}' (see 'toe list')`));
}

function cmdGen(args: string[]) {
  let out = path.join(projectRoot(), 'rtl_out');
  const names: string[] = [];
  for (let i = 0; i < args.length; i++) {
    if (args[i] === '--out') out = path.resolve(args[++i] ?? fail('--out needs a folder'));
    else if (args[i]!.startsWith('-')) fail(`unknown option ${args[i]}`);
    else names.push(args[i]!);
  }
  const gens = pickDesigns(names).map(generate);
  writeDesigns(out, gens);
  return { out, gens };
}

function cmdLint(dir: string, names: string[] = []) {
  let entries: ReturnType<typeof readManifest>;
  try { entries = readManifest(dir); } catch (e) { fail((e as Error).message); }
  if (names.length) entries = names.map((n) => entries.find((e) => e.name === n) ?? fail(`design '${n}' is not in ${dir}/manifest.json (see 'toe list')`));
  const results = entries.map((e) => lintDesign(dir, e));
  console.log(table(['design', 'top', 'verilator', 'iverilog', 'yosys'], results.map((r) => {
    const st = (t: string) => (r.findings.some((f) => f.tool === t) ? 'FAIL' : 'clean');
    return [r.design, r.top, st('verilator'), st('iverilog'), st('yosys')];
  })));
  const bad = results.filter((r) => r.findings.length);
  for (const r of bad) for (const f of r.findings) console.log(`\n--- ${r.design}: ${f.tool}\n${f.text}`);
  console.log(`\n${results.length - bad.length} of ${results.length} designs clean under verilator -Wall, iverilog -g2005 and yosys`);
  return bad.length === 0;
}

// `toe ... | head` closes the pipe early: stop quietly instead of dying on EPIPE with a stack trace.
process.stdout.on('error', (e: NodeJS.ErrnoException) => { if (e.code === 'EPIPE') process.exit(0); throw e; });

async function main(argv: string[]) {
  const [cmd, ...rest] = argv;
  if (!cmd || cmd === '--help' || cmd === '-h' || cmd === 'help') { console.log(HELP.main); return; }
  if (cmd !== 'conformance' && (rest.includes('--help') || rest.includes('-h'))) { console.log(HELP[cmd] ?? HELP.main); return; }
  switch (cmd) {
    case 'list':
      console.log(table(['design', 'description'], designs.map((d) => [d.name, d.description])));
      return;
    case 'gen': {
      const { out, gens } = cmdGen(rest);
      console.log(table(['design', 'top', 'files', 'ms'], gens.map((g) => [g.entry.name, g.top, g.files.length, g.ms.toFixed(1)])));
      console.log(`wrote ${gens.length} designs to ${path.relative(process.cwd(), out) || '.'}/`);
      return;
    }
    case 'lint': {
      let dir = path.join(projectRoot(), 'rtl_out');
      const names: string[] = [];
      for (let i = 0; i < rest.length; i++) {
        if (rest[i] === '--dir') dir = path.resolve(rest[++i] ?? fail('--dir needs a folder'));
        else if (rest[i]!.startsWith('-')) fail(`unknown option ${rest[i]}`);
        else if (fs.existsSync(path.join(rest[i]!, 'manifest.json'))) dir = path.resolve(rest[i]!); // `toe lint DIR`
        else names.push(rest[i]!);
      }
      if (!cmdLint(dir, names)) process.exit(1);
      return;
    }
    case 'synth': {
      const name = rest.find((a, i) => !a.startsWith('-') && rest[i - 1] !== '--target' && rest[i - 1] !== '--dir') ?? fail('synth needs a DESIGN');
      const ti = rest.indexOf('--target');
      const target = (ti >= 0 ? rest[ti + 1] : 'generic') as SynthTarget;
      if (!['generic', 'xilinx', 'ice40'].includes(target)) fail(`unknown target '${target}'`);
      const di = rest.indexOf('--dir');
      const dir = path.resolve(di >= 0 ? rest[di + 1]! : path.join(projectRoot(), 'rtl_out'));
      const e = readManifest(dir).find((x) => x.name === name) ?? fail(`design '${name}' is not in ${dir}/manifest.json`);
      const r = synthDesign(dir, e, target);
      if (rest.includes('--json')) { console.log(JSON.stringify(r)); return; }
      console.log(table(['design', 'target', 'cells', 'LUTs', 'FFs', 'RAMs', 'depth'], [[r.design, r.target, r.cells, r.luts, r.ffs, r.rams, r.depth ?? '-']]));
      console.log(`\ncells by type:\n${table(['cell', 'count'], Object.entries(r.byType).sort())}`);
      return;
    }
    case 'all': {
      const { out, gens } = cmdGen([]);
      console.log(`generated ${gens.length} designs into ${path.relative(process.cwd(), out) || '.'}/ in ${gens.reduce((s, g) => s + g.ms, 0).toFixed(0)} ms\n`);
      if (!cmdLint(out)) process.exit(1);
      return;
    }
    case 'conformance': {
      const { main: conformance } = await import('./conformance.ts');
      const code = await conformance(rest);
      if (code !== 0) process.exit(code);
      return;
    }
    case 'bench': {
      const which = rest[0] ?? fail('bench needs gen or sim');
      const mod = await import(`../bench/${which}.ts`).catch(() => fail(`unknown benchmark '${which}'`));
      await mod.main();
      return;
    }
    default:
      fail(`unknown command '${cmd}'\n${HELP.main}`);
  }
}

await main(process.argv.slice(2));
