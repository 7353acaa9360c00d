// `toe bench gen`: elaboration + Verilog emission time per design and for the whole corpus.
// The first design pays for ts-morph parsing the sources; the second pass shows the steady state.
import { designs } from '../designs.ts';
import { generate } from '../gen/write.ts';
import { table } from '../cli/table.ts';

export async function main() {
  const t0 = performance.now();
  const cold = designs.map((d) => generate(d));
  const coldTotal = performance.now() - t0;
  const t1 = performance.now();
  const warm = designs.map((d) => generate(d));
  const warmTotal = performance.now() - t1;
  const nodes = (d: (typeof designs)[number]) => generate(d).files.reduce((s, f) => s + f.text.split('\n').length, 0);
  console.log(table(['design', 'verilog lines', 'first ms', 'again ms'],
    designs.map((d, i) => [d.name, nodes(d), cold[i]!.ms.toFixed(1), warm[i]!.ms.toFixed(1)])));
  console.log(`\ntotal: ${coldTotal.toFixed(0)} ms first (includes parsing sources for names), ${warmTotal.toFixed(0)} ms again; target < 2000 ms`);
  console.log(JSON.stringify({ bench: 'gen', designs: designs.length, total_ms: Math.round(coldTotal), warm_total_ms: Math.round(warmTotal) }));
}

if (import.meta.url === `file://${process.argv[1]}`) await main();
