// The largest committed designs (toe_top: minutes of Yosys) are linted in a file of their own, so vitest runs them
// beside rtl-out.test.ts's other designs instead of after them. The same check: verilator -Wall, iverilog, yosys.
import { describe, it, expect } from 'vitest';
import fs from 'node:fs';
import path from 'node:path';
import { readManifest } from '../../gen/write.ts';
import { lintDesign } from '../../gen/lint.ts';
import { projectRoot } from '../../gen/root.ts';
import { LARGE_DESIGNS as LARGE, LARGE_LINT_TIMEOUT_MS } from './large-designs.ts';

const rtlOut = path.join(projectRoot(), 'rtl_out');

describe('rtl_out/ (large designs)', () => {
  const entries = fs.existsSync(path.join(rtlOut, 'manifest.json')) ? readManifest(rtlOut) : [];
  it('lists every large design in the manifest', () => {
    expect(LARGE.filter((n) => !entries.some((e) => e.name === n))).toEqual([]);
  });
  for (const e of entries.filter((x) => LARGE.includes(x.name))) {
    it(`${e.name} is clean under verilator -Wall, iverilog -g2005 and yosys`, () => {
      const r = lintDesign(rtlOut, e);
      expect(r.findings.map((f) => `${f.tool}: ${f.text}`)).toEqual([]);
    }, LARGE_LINT_TIMEOUT_MS);
  }
});
