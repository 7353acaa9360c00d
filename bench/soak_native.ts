// Soak test of the native simulator: random circuits for as long as asked, against the evalOp reference
// interpreter and (batched, one build per batch) against Verilator. A failure is shrunk and written as a
// report (mismatch, DSL source, Verilog, JSON description) under .cache/native-soak/.
//
//   npx tsx bench/soak_native.ts [--minutes 10] [--seed N] [--batch 150] [--cycles 300] [--no-verilator]
//                                [--ref-per-round 200] [--shrink-seconds 300] [--keep-going]
//   npx tsx bench/soak_native.ts --replay REPORT --seed N [--shrink-seconds S]
//       re-runs a report's circuit (alone) against the reference and Verilator, shrinks it further if it
//       still fails, and writes REPORT.shrunk.txt
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import fc from 'fast-check';
import { projectRoot } from '../gen/root.ts';
import { circuitArb, descFromJson, type CircuitD } from '../sim/native/random-circuit.ts';
import { fmtMismatch } from '../test/native/harness.ts';
import { nativeVsRef, shrinkCircuit, describeFailure } from '../test/native/check.ts';
import { failureReport, runBatch, runSingle, shrinkAgainstVerilator, verilatorStatus } from '../test/native/verilator-diff.ts';

interface Opts { minutes: number; seed: number; batch: number; cycles: number; verilator: boolean; refPerRound: number; shrinkSeconds: number; keepGoing: boolean; replay?: string }

function parse(argv: string[]): Opts {
  const o: Opts = { minutes: 10, seed: Math.floor(Math.random() * 2 ** 31), batch: 150, cycles: 300, verilator: true, refPerRound: 200, shrinkSeconds: 300, keepGoing: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    const num = () => Number(argv[++i]);
    if (a === '--minutes') o.minutes = num();
    else if (a === '--seed') o.seed = num();
    else if (a === '--batch') o.batch = num();
    else if (a === '--cycles') o.cycles = num();
    else if (a === '--ref-per-round') o.refPerRound = num();
    else if (a === '--shrink-seconds') o.shrinkSeconds = num();
    else if (a === '--no-verilator') o.verilator = false;
    else if (a === '--keep-going') o.keepGoing = true;
    else if (a === '--replay') o.replay = argv[++i];
    else throw new Error(`unknown option ${a}`);
  }
  return o;
}

const outDir = () => path.join(projectRoot(), '.cache', 'native-soak');
const stamp = () => new Date().toISOString().slice(11, 19);

export async function soak(o: Opts): Promise<{ circuitsRef: number; circuitsVerilator: number; failures: string[] }> {
  const end = Date.now() + o.minutes * 60_000;
  const failures: string[] = [];
  let circuitsRef = 0, circuitsVerilator = 0;
  const v = o.verilator ? await verilatorStatus() : { ok: false as const, why: 'disabled (--no-verilator)' };
  if (!v.ok) console.log(`[${stamp()}] Verilator comparison off: ${v.why}`);
  console.log(`[${stamp()}] soak for ${o.minutes} min, seed ${o.seed}; reports go to ${path.relative(process.cwd(), outDir())}/`);
  for (let round = 0; Date.now() < end && (o.keepGoing || !failures.length); round++) {
    const seed = o.seed + round;
    // 1. Against the reference: fast, shrinks in-process.
    const ds = fc.sample(circuitArb(), { numRuns: o.refPerRound, seed });
    for (const [i, d] of ds.entries()) {
      if (Date.now() >= end) break;
      const res = nativeVsRef(d, o.cycles, seed + i);
      circuitsRef++;
      if (!res.error && !res.mismatch) continue;
      const fails = (x: CircuitD) => { const r = nativeVsRef(x, o.cycles, seed + i); return res.error ? !!r.error : !!r.mismatch; };
      const small = shrinkCircuit(d, fails);
      const text = `native vs reference, round seed ${seed}, circuit ${i}\n${describeFailure(small, nativeVsRef(small, o.cycles, seed + i))}`;
      const file = path.join(outDir(), `ref-seed${seed}-c${i}.txt`);
      fs.mkdirSync(outDir(), { recursive: true });
      fs.writeFileSync(file, text);
      failures.push(file);
      console.log(`[${stamp()}] FAILURE (native vs reference): ${file}`);
      if (!o.keepGoing) break;
    }
    // 2. Against Verilator: one build per batch.
    if (v.ok && Date.now() < end && (o.keepGoing || !failures.length)) {
      const batch = fc.sample(circuitArb(), { numRuns: o.batch, seed: seed ^ 0x5a5a5a });
      const r = await runBatch(batch, { cycles: o.cycles, seed });
      circuitsVerilator += batch.length;
      console.log(`[${stamp()}] Verilator batch of ${batch.length}: build ${(r.buildMs / 1000).toFixed(1)} s, run ${(r.simMs / 1000).toFixed(1)} s${r.failure ? ' -> MISMATCH' : r.buildError ? ' -> VERILATOR REJECTED THE VERILOG' : ''}`);
      if (r.buildError) {
        const k = r.buildError.circuit;
        const first = r.buildError.message.split('\n').find((l) => l.startsWith('%Error')) ?? r.buildError.message.split('\n')[0]!;
        const small = k >= 0 ? await shrinkAgainstVerilator(batch[k]!, { cycles: o.cycles, seed, budgetMs: o.shrinkSeconds * 1000, buildError: true }) : undefined;
        const file = path.join(outDir(), `verilator-build-seed${seed}-c${k}.txt`);
        if (small) failureReport(small, undefined, `Verilator rejected the emitted Verilog (batch seed ${seed}, circuit ${k}):\n${first}`, file);
        else { fs.mkdirSync(outDir(), { recursive: true }); fs.writeFileSync(file, r.buildError.message); }
        failures.push(file);
        console.log(`[${stamp()}] FAILURE (Verilator rejected the Verilog): ${file}`);
      }
      if (r.failure) {
        const { mismatch, circuit, refAgrees } = r.failure;
        const d = batch[circuit]!;
        const small = refAgrees === 'verilator'
          ? shrinkCircuit(d, (x) => !!nativeVsRef(x, o.cycles, seed).mismatch)
          : await shrinkAgainstVerilator(d, { cycles: o.cycles, seed, budgetMs: o.shrinkSeconds * 1000 });
        const file = path.join(outDir(), `verilator-seed${seed}-c${circuit}.txt`);
        failureReport(small, undefined, `native vs Verilator, batch seed ${seed}, circuit ${circuit}: ${fmtMismatch(mismatch)}\nthe evalOp reference agrees with: ${refAgrees}`, file);
        failures.push(file);
        console.log(`[${stamp()}] FAILURE (native vs Verilator, reference agrees with ${refAgrees}): ${file}`);
      }
    }
    console.log(`[${stamp()}] round ${round}: ${circuitsRef} circuits vs reference, ${circuitsVerilator} vs Verilator, ${failures.length} failures`);
  }
  return { circuitsRef, circuitsVerilator, failures };
}

/** Re-runs the circuit of a report alone; shrinks it further when it still fails. */
export async function replay(o: Opts & { replay: string }): Promise<boolean> {
  const text = fs.readFileSync(o.replay, 'utf8');
  const d = descFromJson(text.slice(text.indexOf('\n', text.indexOf('--- description')) + 1).trim());
  const ref = nativeVsRef(d, o.cycles, o.seed);
  console.log(`native vs reference: ${ref.error ? `error ${(ref.error as Error).message}` : ref.mismatch ? fmtMismatch(ref.mismatch) : 'agree'}`);
  let small = d;
  let m = (await verilatorStatus()).ok ? await runSingle(d, { cycles: o.cycles, seed: o.seed }) : undefined;
  console.log(`native vs Verilator: ${m ? fmtMismatch(m) : 'agree (or Verilator unavailable)'}`);
  if (ref.mismatch) small = shrinkCircuit(d, (x) => !!nativeVsRef(x, o.cycles, o.seed).mismatch);
  else if (m) {
    small = await shrinkAgainstVerilator(d, { cycles: o.cycles, seed: o.seed, budgetMs: o.shrinkSeconds * 1000 });
    m = await runSingle(small, { cycles: o.cycles, seed: o.seed });
  } else return true;
  const out = `${o.replay.replace(/\.txt$/, '')}.shrunk.txt`;
  failureReport(small, m, `replay of ${o.replay} with seed ${o.seed}`, out);
  console.log(`shrunk report: ${out}`);
  return false;
}

export async function main(argv = process.argv.slice(2)) {
  const o = parse(argv);
  if (o.replay) { if (!(await replay(o as Opts & { replay: string }))) process.exitCode = 1; return; }
  const r = await soak(o);
  console.log(JSON.stringify({ bench: 'soak_native', circuits_vs_reference: r.circuitsRef, circuits_vs_verilator: r.circuitsVerilator, failures: r.failures.length }));
  if (r.failures.length) process.exitCode = 1;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) await main();
