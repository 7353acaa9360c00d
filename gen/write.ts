// Writes designs into an output folder (rtl_out/ by default) with a manifest.json listing each design's files.
import fs from 'node:fs';
import path from 'node:path';
import { elaborate } from '../dsl/index.ts';
import { emitDesign, type VerilogFile } from './verilog.ts';
import type { DesignEntry } from './design.ts';

export interface ManifestEntry { name: string; top: string; files: string[] }
export interface GeneratedDesign { entry: DesignEntry; top: string; files: VerilogFile[]; ms: number }

/** Elaborates and emits one design; `ms` is the elaboration + emission time. */
export function generate(entry: DesignEntry): GeneratedDesign {
  const t0 = performance.now();
  const d = elaborate(entry.def, entry.params);
  const files = emitDesign(d);
  return { entry, top: d.top.name, files, ms: performance.now() - t0 };
}

/** Writes generated designs under outDir/<design>/ and outDir/manifest.json (merged with existing entries). */
export function writeDesigns(outDir: string, gens: GeneratedDesign[]): ManifestEntry[] {
  fs.mkdirSync(outDir, { recursive: true });
  const manifestPath = path.join(outDir, 'manifest.json');
  const old: ManifestEntry[] = fs.existsSync(manifestPath) ? JSON.parse(fs.readFileSync(manifestPath, 'utf8')).designs ?? [] : [];
  const byName = new Map(old.map((e) => [e.name, e]));
  for (const g of gens) {
    const dir = path.join(outDir, g.entry.name);
    fs.rmSync(dir, { recursive: true, force: true });
    fs.mkdirSync(dir, { recursive: true });
    for (const f of g.files) fs.writeFileSync(path.join(dir, f.name), f.text);
    byName.set(g.entry.name, { name: g.entry.name, top: g.top, files: g.files.map((f) => `${g.entry.name}/${f.name}`) });
  }
  const designs = [...byName.values()].sort((a, b) => a.name.localeCompare(b.name));
  fs.writeFileSync(manifestPath, `${JSON.stringify({ designs }, null, 2)}\n`);
  return designs;
}

export function readManifest(outDir: string): ManifestEntry[] {
  const p = path.join(outDir, 'manifest.json');
  if (!fs.existsSync(p)) throw new Error(`no manifest at ${p}: run 'npx toe gen' first`);
  return JSON.parse(fs.readFileSync(p, 'utf8')).designs as ManifestEntry[];
}
