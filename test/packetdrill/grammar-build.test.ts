/**
 * grammar.ts must be exactly what nearley's compiler produces for grammar.ne today: re-run the
 * compiler in-process (the same modules nearleyc uses) and compare.
 * Fix a failure with: npx tsx sim/packetdrill/compile-grammar.ts
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { expectedGrammarTs, GRAMMAR_TS } from '../../sim/packetdrill/compile-grammar.ts';

describe('packetdrill grammar build', () => {
  it('grammar.ts is up to date with grammar.ne', () => {
    const expected = expectedGrammarTs();
    expect(expected).toContain('// Generated automatically by nearley');
    const actual = readFileSync(GRAMMAR_TS, 'utf8');
    expect(actual === expected, 'sim/packetdrill/grammar.ts is stale: run `npx tsx sim/packetdrill/compile-grammar.ts`').toBe(true);
  });
});
