import type { SrcLoc } from './ir.ts';

/** Formats a source location as `path:line:col`, relative to the working directory when inside it. */
export function formatLoc(loc: SrcLoc | undefined): string {
  if (!loc) return '<unknown location>';
  const cwd = process.cwd() + '/';
  const file = loc.file.startsWith(cwd) ? loc.file.slice(cwd.length) : loc.file;
  return `${file}:${loc.line}:${loc.col}`;
}

/** An error in a design, located at the TypeScript source that caused it. */
export class HdlError extends Error {
  readonly loc: SrcLoc | undefined;
  readonly kind: string;
  constructor(kind: string, message: string, loc: SrcLoc | undefined, related: { what: string; loc: SrcLoc | undefined }[] = []) {
    const lines = [`${formatLoc(loc)}: ${kind}: ${message}`];
    for (const r of related) lines.push(`  ${formatLoc(r.loc)}: ${r.what}`);
    super(lines.join('\n'));
    this.name = 'HdlError';
    this.kind = kind;
    this.loc = loc;
  }
}
