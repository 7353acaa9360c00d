/**
 * Compiles grammar.ne to grammar.ts in-process, with the same nearley modules `nearleyc` uses, so
 * the output is byte-identical to `npx nearleyc sim/packetdrill/grammar.ne -o sim/packetdrill/grammar.ts`.
 *
 *   npx tsx sim/packetdrill/compile-grammar.ts          # regenerate grammar.ts
 *   npx tsx sim/packetdrill/compile-grammar.ts --check  # exit 1 if grammar.ts is stale
 *
 * test/packetdrill/grammar-build.test.ts runs the check.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);

export const GRAMMAR_NE = fileURLToPath(new URL('./grammar.ne', import.meta.url));
export const GRAMMAR_TS = fileURLToPath(new URL('./grammar.ts', import.meta.url));

/** nearleyc's pipeline: parse the .ne with nearley's own grammar, compile, generate code. */
export function compileNearley(source: string, fileName: string): string {
  const nearley = require('nearley');
  const compile = require('nearley/lib/compile.js');
  const generate = require('nearley/lib/generate.js');
  const bootstrapped = require('nearley/lib/nearley-language-bootstrapped.js');
  const { version } = require('nearley/package.json') as { version: string };
  const parser = new nearley.Parser(nearley.Grammar.fromCompiled(bootstrapped));
  parser.feed(source);
  parser.feed('\n');
  if (parser.results.length === 0) throw new Error(`${fileName}: incomplete nearley grammar`);
  const compiled = compile(parser.results[0], { version, args: [fileName] });
  return generate(compiled, 'grammar') as string;
}

/** What grammar.ts should contain for the current grammar.ne. */
export function expectedGrammarTs(): string {
  return compileNearley(readFileSync(GRAMMAR_NE, 'utf8'), GRAMMAR_NE);
}

function main(): void {
  const expected = expectedGrammarTs();
  const rel = path.relative(process.cwd(), GRAMMAR_TS);
  if (process.argv.includes('--check')) {
    const actual = readFileSync(GRAMMAR_TS, 'utf8');
    if (actual !== expected) {
      console.error(`${rel} is stale: run npx tsx sim/packetdrill/compile-grammar.ts`);
      process.exit(1);
    }
    console.log(`${rel} is up to date`);
  } else {
    writeFileSync(GRAMMAR_TS, expected);
    console.log(`wrote ${rel}`);
  }
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) main();
