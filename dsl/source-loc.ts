import { fileURLToPath } from 'node:url';
import path from 'node:path';
import type { SrcLoc } from './ir.ts';

const dslDir = path.dirname(fileURLToPath(import.meta.url)) + path.sep;
const frameRe = /\(?((?:file:\/\/)?[^()\s]+?):(\d+):(\d+)\)?\s*$/;

/**
 * The location of the first stack frame outside dsl/: the user's call that created a signal.
 * Stacks are source-mapped (tsx and vitest both install source maps), so the location is in the .ts file.
 */
export function callSite(): SrcLoc | undefined {
  // Formatting a source-mapped stack costs per frame, and the user's frame is usually within the first few:
  // look at a short stack first and only at a long one when the short one is all DSL internals.
  return siteWithin(4) ?? siteWithin(12) ?? siteWithin(40);
}

function siteWithin(frames: number): SrcLoc | undefined {
  const holder: { stack?: string } = {};
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = frames;
  Error.captureStackTrace(holder, callSite);
  Error.stackTraceLimit = limit;
  const lines = (holder.stack ?? '').split('\n');
  for (let i = 1; i < lines.length; i++) {
    const m = frameRe.exec(lines[i]!);
    if (!m) continue;
    let file = m[1]!;
    if (file.startsWith('file://')) file = fileURLToPath(file);
    if (file.startsWith('node:') || file.includes(`${path.sep}node_modules${path.sep}`)) continue;
    if (file.startsWith(dslDir)) continue;
    if (!path.isAbsolute(file)) continue;
    return { file, line: Number(m[2]), col: Number(m[3]) };
  }
  return undefined;
}
