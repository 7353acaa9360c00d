// rtl_out/ is committed: it must equal a fresh generation, byte for byte, and be clean under all three tools.
import { describe, it, expect } from 'vitest';
import fs from 'node:fs';
import path from 'node:path';
import os from 'node:os';
import { designs } from '../../designs.ts';
import { generate, writeDesigns, readManifest } from '../../gen/write.ts';
import { lintDesign } from '../../gen/lint.ts';
import { projectRoot } from '../../gen/root.ts';
import { LARGE_DESIGNS } from './large-designs.ts';

const rtlOut = path.join(projectRoot(), 'rtl_out');


describe('rtl_out/', () => {
  it('equals a fresh generation of every design (files and manifest)', () => {
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'toe-gen-'));
    try {
      writeDesigns(tmp, designs.map(generate));
      const list = (dir: string) => fs.readdirSync(dir, { recursive: true, withFileTypes: false }).map(String).filter((f) => fs.statSync(path.join(dir, f)).isFile()).sort();
      const fresh = list(tmp);
      expect(list(rtlOut), 'run `npx toe gen` and commit rtl_out/').toEqual(fresh);
      for (const f of fresh) {
        expect(fs.readFileSync(path.join(rtlOut, f), 'utf8'), `${f} differs from a fresh generation: run 'npx toe gen'`).toBe(fs.readFileSync(path.join(tmp, f), 'utf8'));
      }
    } finally {
      fs.rmSync(tmp, { recursive: true, force: true });
    }
  });

  it('generation is deterministic', () => {
    for (const d of designs) {
      const a = generate(d).files.map((f) => f.text).join('');
      const b = generate(d).files.map((f) => f.text).join('');
      expect(a).toBe(b);
    }
  });

  // The largest designs are linted in their own files (rtl-out-large.test.ts), so the runner spreads them over its workers.
  for (const e of (fs.existsSync(path.join(rtlOut, 'manifest.json')) ? readManifest(rtlOut) : []).filter((x) => !LARGE_DESIGNS.includes(x.name))) {
    it(`${e.name} is clean under verilator -Wall, iverilog -g2005 and yosys`, () => {
      const r = lintDesign(rtlOut, e);
      expect(r.findings.map((f) => `${f.tool}: ${f.text}`)).toEqual([]);
    });
  }
});
