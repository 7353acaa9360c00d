/**
 * Packetdrill script front end: parse `.pkt` scripts into a typed AST (./ast.ts) and find what the
 * simulated NIC cannot run.
 *
 *   const r = parseScript(text, 'foo.pkt');
 *   if (!r.ok) console.error(`${r.error.line}:${r.error.col}: ${r.error.message}`);
 *   else if (classifyScript(r.script).length === 0) runner.run(r.script);
 *
 * The grammar is grammar.ne (nearley + moo), compiled to grammar.ts with
 * `npx tsx sim/packetdrill/compile-grammar.ts` (equivalently `npx nearleyc ... -o ...`).
 */
export type * from './ast.ts';
export { parseScript, parseScriptOrThrow, PacketdrillParseError } from './parser.ts';
export { classifyScript, KNOWN_OPTIONS } from './classify.ts';
export { resolveConditionals, ConditionalError } from './conditionals.ts';
