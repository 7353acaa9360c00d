// Renders the register map (regmap.ts) as Markdown. Run as a script to rewrite REGISTERS.md:
//   npx tsx blocks/fw_bus/render-registers.ts
// A test (test/fw_bus/regmap.test.ts) proves the committed file equals a fresh rendering.
import fs from 'node:fs';
import { fileURLToPath } from 'node:url';
import { ADDR_BITS, MAX_WORDS, REGISTERS, WINDOW_ADDR_BITS, WINDOW_BASE, type FieldSpec, type RegSpec } from './regmap.ts';

const hex = (n: number, digits = 4) => `0x${n.toString(16).toUpperCase().padStart(digits, '0')}`;
const bits = (f: FieldSpec) => (f.width === 1 ? `${f.lsb}` : `${f.lsb + f.width - 1}:${f.lsb}`);
/** Table cells must not contain a bare pipe. */
const cell = (s: string) => s.replace(/\|/g, '\\|');

function offsetOf(r: RegSpec): string {
  const n = r.count ?? 1;
  return n === 1 ? hex(r.offset) : `${hex(r.offset)}–${hex(r.offset + 4 * (n - 1))}`;
}

function nameOf(r: RegSpec): string {
  const n = r.count ?? 1;
  return n === 1 ? r.name : `${r.name}[0..${n - 1}]`;
}

export function renderRegisters(): string {
  const regs: readonly RegSpec[] = REGISTERS;
  const out: string[] = [
    '# Firmware bus registers',
    '',
    '<!-- Generated from blocks/fw_bus/regmap.ts by `npx tsx blocks/fw_bus/render-registers.ts`; do not edit. -->',
    '',
    `32-bit registers on an AXI4-Lite slave with ${ADDR_BITS} address bits. Registers live below ${hex(WINDOW_BASE)}; every`,
    `other address below it is unmapped (DECERR). ${hex(WINDOW_BASE)}–${hex((1 << ADDR_BITS) - 4)} is the TCB/CSR window`,
    `(${1 << WINDOW_ADDR_BITS} words). Events and commands have up to ${MAX_WORDS} words; the words an instance implements are`,
    'given by CONFIG. Address bits 1:0 are ignored (reads return the whole word; wstrb selects the bytes written).',
    '',
    '| offset | name | access | description |',
    '|---|---|---|---|',
  ];
  for (const r of regs) out.push(`| ${offsetOf(r)} | ${nameOf(r)} | ${r.access} | ${cell(r.description)} |`);
  out.push('', 'Access: `ro` read-only (a write: SLVERR, STATUS.accessError); `rw` read/write, per-byte wstrb;',
    '`wo` a trigger (needs wstrb = 0xF, else SLVERR; a read: SLVERR, data 0); `w1c` write 1 to clear;',
    '`window` forwarded to the window port.');
  for (const r of regs) {
    if (!r.fields) continue;
    out.push('', `## ${r.name} (${hex(r.offset)})`, '', '| bits | field | access | reset | description |', '|---|---|---|---|---|');
    for (const f of r.fields) out.push(`| ${bits(f)} | ${f.name} | ${f.access} | ${f.reset ?? (f.access === 'ro' ? '–' : 0)} | ${cell(f.description)} |`);
    out.push('', 'Bits not listed read as 0 and ignore writes.');
  }
  return out.join('\n') + '\n';
}

export const registersPath = fileURLToPath(new URL('./REGISTERS.md', import.meta.url));

if (process.argv[1] && fileURLToPath(import.meta.url) === fs.realpathSync(process.argv[1])) {
  fs.writeFileSync(registersPath, renderRegisters());
  console.log(`wrote ${registersPath}`);
}
