/**
 * Every packetdrill script of the shared conformance suites (../shared/conformance relative to the
 * project root) must parse, and either be runnable or be reported unsupported with reasons.
 * Prints a per-folder summary. Skips (with a message) when the suites are not checked out.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { classifyScript, parseScript, resolveConditionals, type Script } from '../../sim/packetdrill/index.ts';

const projectRoot = fileURLToPath(new URL('../../', import.meta.url));
const conformanceDir = path.resolve(projectRoot, '../shared/conformance');
const present = existsSync(conformanceDir);

function pktFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true })
    .flatMap((e) => {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) return pktFiles(p);
      return e.isFile() && e.name.endsWith('.pkt') ? [p] : [];
    })
    .sort();
}

interface FolderStats {
  files: number;
  parsed: number;
  unsupported: number;
  failed: number;
}

if (!present) {
  console.warn(`packetdrill conformance parse test skipped: ${conformanceDir} does not exist (needs ../shared/conformance next to the project).`);
}

describe('packetdrill conformance scripts', () => {
  it.skipIf(!present)(`all .pkt files under ${path.relative(projectRoot, conformanceDir)} parse or are reported unsupported`, () => {
    const files = pktFiles(conformanceDir);
    expect(files.length).toBeGreaterThan(0);

    const folders = new Map<string, FolderStats>();
    const suites = new Map<string, FolderStats>();
    const reasons = new Map<string, number>();
    const failures: string[] = [];
    const parsedScripts: Script[] = [];
    const bump = (m: Map<string, FolderStats>, key: string, field: keyof FolderStats): void => {
      const s = m.get(key) ?? { files: 0, parsed: 0, unsupported: 0, failed: 0 };
      s[field]++;
      m.set(key, s);
    };

    for (const file of files) {
      const rel = path.relative(conformanceDir, file);
      const folder = path.dirname(rel);
      const suite = rel.split(path.sep)[0]!;
      bump(folders, folder, 'files');
      bump(suites, suite, 'files');
      let outcome: keyof FolderStats;
      try {
        const r = parseScript(readFileSync(file, 'utf8'), rel);
        if (!r.ok) {
          failures.push(`${rel}:${r.error.line}:${r.error.col}: ${r.error.message}`);
          outcome = 'failed';
        } else {
          parsedScripts.push(r.script);
          const unsupported = classifyScript(r.script);
          for (const u of unsupported) {
            expect(u.reason, `${rel}:${u.line}`).not.toBe('');
            const key = `${u.category}: ${u.construct}`;
            reasons.set(key, (reasons.get(key) ?? 0) + 1);
          }
          outcome = unsupported.length === 0 ? 'parsed' : 'unsupported';
        }
      } catch (e) {
        failures.push(`${rel}: threw ${e instanceof Error ? e.stack : String(e)}`);
        outcome = 'failed';
      }
      bump(folders, folder, outcome);
      bump(suites, suite, outcome);
    }

    const row = (name: string, s: FolderStats): string =>
      `${name.padEnd(78)} ${String(s.files).padStart(5)} ${String(s.parsed).padStart(7)} ${String(s.unsupported).padStart(12)} ${String(s.failed).padStart(7)}`;
    const total = [...suites.values()].reduce(
      (a, s) => ({ files: a.files + s.files, parsed: a.parsed + s.parsed, unsupported: a.unsupported + s.unsupported, failed: a.failed + s.failed }),
      { files: 0, parsed: 0, unsupported: 0, failed: 0 },
    );
    const lines = [
      `packetdrill conformance parse summary (${conformanceDir})`,
      `${'folder'.padEnd(78)} ${'files'.padStart(5)} ${'parsed'.padStart(7)} ${'unsupported'.padStart(12)} ${'failed'.padStart(7)}`,
      ...[...folders.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([k, s]) => row(k, s)),
      '-'.repeat(113),
      ...[...suites.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([k, s]) => row(`${k} (suite total)`, s)),
      row('TOTAL', total),
      'unsupported constructs (occurrences):',
      ...[...reasons.entries()].sort((a, b) => b[1] - a[1]).map(([k, n]) => `  ${String(n).padStart(5)}  ${k}`),
    ];
    console.log(lines.join('\n'));

    expect(failures, failures.join('\n')).toEqual([]);
    expect(total.parsed + total.unsupported).toBe(files.length);

    // Scripts whose only problem is #ifdef blocks become runnable once a branch is chosen.
    for (const script of parsedScripts.filter((s) => s.directives.length > 0)) {
      for (const defined of [['STANDARD'], ['FreeBSD']]) {
        const resolved = resolveConditionals(script, defined);
        expect(resolved.events.length, script.fileName).toBeLessThan(script.events.length);
        expect(classifyScript(resolved), `${script.fileName} with ${defined[0]}`).toEqual([]);
      }
    }
  });
});
