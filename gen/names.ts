// Verilog identifiers for a module's declared nodes: TS names first, deterministic suffixes on collisions.
import { KEYWORDS } from '../dsl/keywords.ts';

export class NameTable {
  private readonly used = new Set<string>();
  constructor(reserved: Iterable<string> = []) { for (const r of reserved) this.used.add(r); }

  /** Claims `want` or the first free `want_1`, `want_2`, ...; never a keyword or an illegal identifier. */
  claim(want: string): string {
    let base = want.replace(/[^A-Za-z0-9_]/g, '_');
    if (!/^[A-Za-z_]/.test(base)) base = `_${base}`;
    if (KEYWORDS.has(base)) base = `${base}_`;
    let name = base;
    for (let i = 1; this.used.has(name) || KEYWORDS.has(name); i++) name = `${base}_${i}`;
    this.used.add(name);
    return name;
  }
}
