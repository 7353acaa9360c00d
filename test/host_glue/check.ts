// Compares what host_glue did in a run with what the reference model says it must do.
import type { GlueEnv } from './env.ts';
import type { Expected } from './model.ts';

const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');

export function compareRun(env: GlueEnv, want: Expected): string[] {
  const problems: string[] = [...env.faults];
  const eq = (what: string, got: unknown, exp: unknown) => {
    const g = JSON.stringify(got), e = JSON.stringify(exp);
    if (g !== e) problems.push(`${what}: got ${g.slice(0, 400)}, expected ${e.slice(0, 400)}`);
  };
  eq('tx events', env.tx(), want.events);
  eq('appends', env.appends.map((a) => ({ conn: a.conn, bytes: hex(a.bytes) })), want.appends.map((a) => ({ conn: a.conn, bytes: hex(a.bytes) })));
  eq('note completions', env.notes(), want.notes);
  eq('bad_hreq_count', env.counter('bad_hreq_count'), want.badHreq);
  eq('appends ended by an empty beat', env.emptyLasts, 0);
  eq('bad_copy_count', env.counter('bad_copy_count'), want.badCopy);
  return problems;
}
