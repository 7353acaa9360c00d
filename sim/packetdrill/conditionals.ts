/**
 * Optional evaluation of the `#ifdef NAME` / `#ifndef NAME` / `#else` / `#endif` blocks some
 * suites use (the FreeBSD suite wraps stack-specific expectations in `#ifdef FreeBSD` and
 * `#ifdef STANDARD`). `classifyScript` reports directives as unsupported; a runner that wants one
 * variant calls `resolveConditionals(script, ['STANDARD'])` and runs the result, which has no
 * directives left.
 */
import type { Script } from './ast.ts';

export class ConditionalError extends Error {
  constructor(
    message: string,
    readonly line: number,
    readonly col: number,
  ) {
    super(`${line}:${col}: ${message}`);
    this.name = 'ConditionalError';
  }
}

/**
 * Returns a copy of `script` keeping only the events in active branches, with `defined` macros
 * defined (plus any `#define`/`#undef` met in active code). `#if`/`#elif` expressions and
 * `#include` are not evaluated: they throw ConditionalError.
 */
export function resolveConditionals(script: Script, defined: Iterable<string>): Script {
  const macros = new Set(defined);
  const byIndex = new Map<number, typeof script.directives>();
  for (const d of script.directives) {
    const list = byIndex.get(d.eventIndex) ?? [];
    list.push(d);
    byIndex.set(d.eventIndex, list);
  }
  // One frame per open #ifdef: is the current branch taken? Code is live when all frames are.
  const stack: { active: boolean }[] = [];
  const isActive = (): boolean => stack.every((f) => f.active);
  const events: Script['events'] = [];
  for (let i = 0; i <= script.events.length; i++) {
    for (const d of byIndex.get(i) ?? []) {
      switch (d.directive) {
        case 'ifdef':
        case 'ifndef': {
          const has = macros.has(d.argument);
          stack.push({ active: d.directive === 'ifdef' ? has : !has });
          break;
        }
        case 'else': {
          const top = stack[stack.length - 1];
          if (!top) throw new ConditionalError('#else without #ifdef', d.loc.line, d.loc.col);
          top.active = !top.active;
          break;
        }
        case 'endif':
          if (!stack.pop()) throw new ConditionalError('#endif without #ifdef', d.loc.line, d.loc.col);
          break;
        case 'define':
          if (isActive()) macros.add(d.argument.split(/\s+/)[0]!);
          break;
        case 'undef':
          if (isActive()) macros.delete(d.argument);
          break;
        default:
          throw new ConditionalError(`#${d.directive} is not supported by resolveConditionals`, d.loc.line, d.loc.col);
      }
    }
    const ev = script.events[i];
    if (ev && isActive()) events.push(ev);
  }
  if (stack.length > 0) throw new ConditionalError('unterminated #ifdef', script.events.length, 1);
  return { ...script, events, directives: [] };
}
