// Designs whose lint takes minutes (Yosys on conn_table's byte-enabled TCB memory, inside all three): each is
// linted in a test file of its own, so the runner spreads them over its workers; rtl-out.test.ts checks the rest.
import { describe, it, expect } from 'vitest';
import fs from 'node:fs';
import path from 'node:path';
import { readManifest } from '../../gen/write.ts';
import { lintDesign } from '../../gen/lint.ts';
import { projectRoot } from '../../gen/root.ts';

export const LARGE_DESIGNS = ['toe_top', 'toe_rx', 'conn_table'];
/** Time allowed for one large design's lint: toe_top takes about 4 minutes on a free core, 7 on a busy one. */
const LARGE_LINT_TIMEOUT_MS = 20 * 60_000;

/** The rtl-out lint test for one large design. */
export function lintLargeDesign(name: (typeof LARGE_DESIGNS)[number]): void {
  const rtlOut = path.join(projectRoot(), 'rtl_out');
  describe(`rtl_out/${name}`, () => {
    const e = fs.existsSync(path.join(rtlOut, 'manifest.json')) ? readManifest(rtlOut).find((x) => x.name === name) : undefined;
    it(`${name} is in the manifest and clean under verilator -Wall, iverilog -g2005 and yosys`, () => {
      expect(e, `${name} in rtl_out/manifest.json`).toBeDefined();
      const r = lintDesign(rtlOut, e!);
      expect(r.findings.map((f) => `${f.tool}: ${f.text}`)).toEqual([]);
    }, LARGE_LINT_TIMEOUT_MS);
  });
}
