/** Shared helpers for the TOE packetdrill tests: the project's own scripts and how to run them. */
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { runScriptText, type RunOptions, type RunResult } from '../../../sim/packetdrill/runner/index.ts';
import { createToeTarget, type ToeTargetOptions } from '../../../sim/packetdrill/toe-target.ts';

export const SCRIPTS_DIR = fileURLToPath(new URL('./scripts/', import.meta.url));

/** A first line `// toe-expected-failure: REASON` marks a script written for the RFC behaviour the TOE lacks. */
const EXPECTED_FAILURE = /^\/\/\s*toe-expected-failure:\s*(.+)$/m;

export interface OwnScript { name: string; text: string; expectedFailure: string | null }

export function ownScripts(): OwnScript[] {
  return readdirSync(SCRIPTS_DIR).filter((f) => f.endsWith('.pkt')).sort().map((name) => {
    const text = readFileSync(SCRIPTS_DIR + name, 'utf8');
    return { name, text, expectedFailure: EXPECTED_FAILURE.exec(text)?.[1]?.trim() ?? null };
  });
}

export function ownScript(name: string): OwnScript {
  const s = ownScripts().find((x) => x.name === name);
  if (!s) throw new Error(`no script ${name} in ${SCRIPTS_DIR}`);
  return s;
}

/** Run a script's text against a TOE built with `toe` options. */
export function runOnToe(text: string, name: string, toe: ToeTargetOptions = {}, opts: RunOptions = {}): RunResult {
  return runScriptText(text, name, createToeTarget(toe), opts);
}
