/**
 * Script system calls -> PacketdrillTarget calls. `prepareSyscall` turns one `SyscallEvent` into
 * a `PreparedCall` whose `attempt()` the runner calls once, and again as time advances while the
 * call would block on a blocking fd. `checkResult` compares the outcome with the script's
 * `= value [ERRNO]` and any value the call returns through its arguments (getsockopt).
 *
 * Handled by the runner alone (never sent to the target): fcntl F_GETFL/F_SETFL (O_NONBLOCK is
 * runner state), setsockopt SO_REUSEADDR (meaningless for a simulated stack: accepted, returns 0).
 */
import type { Expr, SyscallEvent } from '../ast.ts';
import type { ConnectionMap } from './connection.ts';
import type { TolerancePolicy } from './tolerance.ts';
import { firstDifference, localBytes, remoteByte } from './payload.ts';
import { ERRNO_NUMBERS, type GetSockOpt, type PacketdrillNetwork, type PacketdrillTarget, type SetSockOpt, type ShutdownHow, type SysResult } from './target.ts';

const O_RDWR = 0x2;
const O_NONBLOCK = 0x800;
const CONSTANTS: Record<string, number> = {
  O_RDONLY: 0, O_WRONLY: 1, O_RDWR, O_NONBLOCK, MSG_PEEK: 0x2, MSG_DONTWAIT: 0x40,
  SHUT_RD: 0, SHUT_WR: 1, SHUT_RDWR: 2, ...ERRNO_NUMBERS,
};

/** Per-script-fd runner state. */
interface FdState {
  live: number;
  nonBlocking: boolean;
}

/** What the runner keeps across calls: fd map, stream offsets for data checks, addresses. */
export class SyscallState {
  readonly fds = new Map<number, FdState>();
  /** Bytes consumed by reads (not peeks) of the test connection. */
  readOffset = 0;
  /** Bytes accepted by writes on the test connection. */
  writeOffset = 0;
  readonly notes: string[] = [];
  constructor(
    readonly target: PacketdrillTarget,
    readonly conn: ConnectionMap,
    readonly net: PacketdrillNetwork,
    readonly bindPort: number,
    readonly connectPort: number,
    readonly tol: TolerancePolicy,
  ) {}
}

export type CallOutcome = { done: true; result: SysResult<number | Uint8Array> } | { done: false };

export interface PreparedCall {
  name: string;
  /** Runs (or re-runs) the call on the target. */
  attempt(): CallOutcome;
  /** Whether a would-block outcome should be waited on (blocking fd) rather than returned. */
  blocks: boolean;
  /** Compares a finished call with the script; null when it matches. Updates fd/stream state. */
  check(result: SysResult<number | Uint8Array>): { expected: string; actual: string; what: string } | null;
}

export type Prepared = { ok: true; call: PreparedCall } | { ok: false; unsupported: string; reason: string } | { ok: false; error: string };

const once = (r: SysResult<number | Uint8Array>): CallOutcome => ({ done: true, result: r });

export function prepareSyscall(ev: SyscallEvent, st: SyscallState): Prepared {
  const a = ev.args;
  const name = ev.name;
  const fdArg = (i: number): FdState | string => {
    const n = intValue(a[i]);
    if (n === null) return `argument ${i + 1} of ${name} must be a file descriptor number`;
    const f = st.fds.get(n);
    return f ?? `fd ${n} is not open in the script`;
  };
  const need = (i: number): FdState | null => {
    const f = fdArg(i);
    return typeof f === 'string' ? null : f;
  };
  const badFd = (i: number): Prepared => ({ ok: false, error: fdArg(i) as string });
  const t = st.target;
  const standard = (attempt: () => CallOutcome, blocks = false): Prepared => ({
    ok: true, call: { name, attempt, blocks, check: (r) => compareReturn(ev, r, asNumber) },
  });

  switch (name) {
    case 'socket': {
      const type = a[1]?.kind === 'ident' ? a[1].name : null;
      if (type !== null && type !== 'SOCK_STREAM') return { ok: false, unsupported: `socket type ${type}`, reason: 'only SOCK_STREAM (TCP) sockets are supported' };
      return { ok: true, call: { name, blocks: false, attempt: () => once(t.socket()), check: (r) => checkNewFd(ev, r, st) } };
    }
    case 'bind': {
      const f = need(0);
      if (!f) return badFd(0);
      const port = portOf(a[1]) ?? st.bindPort;
      return standard(() => once(t.bind(f.live, { ip: st.net.localIp, port })));
    }
    case 'listen': {
      const f = need(0);
      if (!f) return badFd(0);
      return standard(() => once(t.listen(f.live, intValue(a[1]) ?? 1)));
    }
    case 'accept': {
      const f = need(0);
      if (!f) return badFd(0);
      return { ok: true, call: { name, blocks: !f.nonBlocking, attempt: () => wouldBlock(t.accept(f.live), ['EAGAIN'], f), check: (r) => checkNewFd(ev, r, st) } };
    }
    case 'connect': {
      const f = need(0);
      if (!f) return badFd(0);
      const port = portOf(a[1]) ?? st.connectPort;
      st.conn.remotePort = port;
      let first = true;
      const attempt = (): CallOutcome => {
        const r = t.connect(f.live, { ip: st.net.remoteIp, port });
        const wasFirst = first;
        first = false;
        if (f.nonBlocking) return once(r);
        if (!r.ok && (r.errno === 'EINPROGRESS' || r.errno === 'EALREADY')) return { done: false };
        // A retried connect that finds the connection up reports EISCONN: the blocking call returns 0.
        if (!wasFirst && !r.ok && r.errno === 'EISCONN') return once({ ok: true, value: 0 });
        return once(r);
      };
      return standard(attempt, !f.nonBlocking);
    }
    case 'read':
    case 'recv': {
      const f = need(0);
      if (!f) return badFd(0);
      const max = intValue(a[2]);
      if (max === null) return { ok: false, error: `${name}: byte count must be an integer` };
      const flags = name === 'recv' ? flagValue(a[3]) : 0;
      if (flags === null || (flags & ~(CONSTANTS.MSG_PEEK! | CONSTANTS.MSG_DONTWAIT!)) !== 0) {
        return { ok: false, unsupported: `${name} flags ${exprText(a[3])}`, reason: 'only MSG_PEEK and MSG_DONTWAIT are supported' };
      }
      const peek = (flags & CONSTANTS.MSG_PEEK!) !== 0;
      const nb = f.nonBlocking || (flags & CONSTANTS.MSG_DONTWAIT!) !== 0;
      return {
        ok: true,
        call: {
          name, blocks: !nb,
          attempt: () => wouldBlock(t.recv(f.live, max, { peek }), ['EAGAIN'], { nonBlocking: nb }),
          check: (r) => {
            const m = compareReturn(ev, r, asNumber);
            if (m || !r.ok || !(r.value instanceof Uint8Array)) return m;
            const data = r.value;
            if (st.conn.remoteIsn !== null) {
              const base = st.conn.remoteIsn + 1 + st.readOffset;
              const d = firstDifference(data, (i) => remoteByte(base + i));
              if (d >= 0) {
                return { what: 'data read', expected: `stream byte ${st.readOffset + d} = 0x${remoteByte(base + d).toString(16)} (as injected)`, actual: `0x${data[d]!.toString(16)}` };
              }
            }
            if (!peek) st.readOffset += data.length;
            return null;
          },
        },
      };
    }
    case 'write':
    case 'send': {
      const f = need(0);
      if (!f) return badFd(0);
      const n = intValue(a[2]);
      if (n === null) return { ok: false, error: `${name}: byte count must be an integer` };
      const flags = name === 'send' ? flagValue(a[3]) : 0;
      if (flags === null || (flags & ~CONSTANTS.MSG_DONTWAIT!) !== 0) {
        return { ok: false, unsupported: `${name} flags ${exprText(a[3])}`, reason: 'only MSG_DONTWAIT is supported' };
      }
      const nb = f.nonBlocking || flags !== 0;
      let sent = 0;
      const attempt = (): CallOutcome => {
        const start = st.conn.localScriptIsn + 1 + st.writeOffset + sent;
        const r = t.send(f.live, localBytes(start, n - sent));
        if (r.ok) sent += r.value;
        if (nb) return once(r.ok ? { ok: true, value: sent } : r);
        if (r.ok && sent < n) return { done: false }; // a blocking write waits until all is queued
        if (!r.ok && r.errno === 'EAGAIN') return { done: false };
        if (!r.ok && sent > 0) return once({ ok: true, value: sent });
        return once(r.ok ? { ok: true, value: sent } : r);
      };
      return {
        ok: true,
        call: {
          name, blocks: !nb, attempt,
          check: (r) => {
            if (r.ok && typeof r.value === 'number') st.writeOffset += r.value;
            return compareReturn(ev, r, asNumber);
          },
        },
      };
    }
    case 'shutdown': {
      const f = need(0);
      if (!f) return badFd(0);
      const how = a[1]?.kind === 'ident' ? a[1].name : intValue(a[1]) !== null ? ['SHUT_RD', 'SHUT_WR', 'SHUT_RDWR'][intValue(a[1])!] : undefined;
      if (how !== 'SHUT_RD' && how !== 'SHUT_WR' && how !== 'SHUT_RDWR') return { ok: false, error: `shutdown: unknown how ${exprText(a[1])}` };
      return standard(() => once(t.shutdown(f.live, how as ShutdownHow)));
    }
    case 'close': {
      const n = intValue(a[0]);
      const f = need(0);
      if (!f || n === null) return badFd(0);
      return {
        ok: true,
        call: {
          name, blocks: false, attempt: () => once(t.close(f.live)),
          check: (r) => {
            const m = compareReturn(ev, r, asNumber);
            if (!m && r.ok) st.fds.delete(n);
            return m;
          },
        },
      };
    }
    case 'getsockopt': {
      const f = need(0);
      if (!f) return badFd(0);
      const opt = a[2]?.kind === 'ident' ? a[2].name : exprText(a[2]);
      if (!['SO_ERROR', 'TCP_MAXSEG', 'SO_RCVBUF', 'SO_SNDBUF'].includes(opt)) {
        return { ok: false, unsupported: `getsockopt ${opt}`, reason: 'only SO_ERROR, TCP_MAXSEG, SO_RCVBUF and SO_SNDBUF are supported' };
      }
      // Buffer sizes are the reference stack's; the bufferSizes tolerance rule stops comparing them.
      const anyValue = (opt === 'SO_RCVBUF' || opt === 'SO_SNDBUF') && st.tol.rules.has('bufferSizes');
      const expectedOut = a[3]?.kind === 'array' && a[3].elements.length === 1 ? constValue(a[3].elements[0]!) : null;
      return {
        ok: true,
        call: {
          name, blocks: false, attempt: () => once(t.getsockopt(f.live, opt as GetSockOpt)),
          check: (r) => {
            const m = compareReturn(ev, r, () => 0);
            if (m) return m;
            if (r.ok && expectedOut !== null && !anyValue && r.value !== expectedOut) {
              return { what: `getsockopt ${opt} value`, expected: `[${exprText((a[3] as { elements: Expr[] }).elements[0])}] (${expectedOut})`, actual: `[${String(r.value)}]` };
            }
            return null;
          },
        },
      };
    }
    case 'setsockopt': {
      const f = need(0);
      if (!f) return badFd(0);
      const opt = a[2]?.kind === 'ident' ? a[2].name : exprText(a[2]);
      if (opt === 'SO_REUSEADDR') return standard(() => once({ ok: true, value: 0 }));
      if (!['TCP_MAXSEG', 'SO_RCVBUF', 'SO_SNDBUF', 'TCP_NODELAY'].includes(opt)) {
        return { ok: false, unsupported: `setsockopt ${opt}`, reason: 'only SO_REUSEADDR, TCP_MAXSEG, SO_RCVBUF, SO_SNDBUF and TCP_NODELAY are supported' };
      }
      const v = a[3]?.kind === 'array' && a[3].elements.length === 1 ? constValue(a[3].elements[0]!) : constValue(a[3]);
      if (v === null) return { ok: false, error: `setsockopt ${opt}: value must be an integer or [integer]` };
      return standard(() => once(t.setsockopt(f.live, opt as SetSockOpt, v)));
    }
    case 'fcntl': {
      const f = need(0);
      if (!f) return badFd(0);
      const cmd = a[1]?.kind === 'ident' ? a[1].name : '';
      if (cmd === 'F_SETFL') {
        const flags = flagValue(a[2]);
        if (flags === null) return { ok: false, error: `fcntl F_SETFL: flags ${exprText(a[2])} not understood` };
        return standard(() => {
          f.nonBlocking = (flags & O_NONBLOCK) !== 0;
          return once({ ok: true, value: 0 });
        });
      }
      if (cmd === 'F_GETFL') return standard(() => once({ ok: true, value: O_RDWR | (f.nonBlocking ? O_NONBLOCK : 0) }));
      return { ok: false, unsupported: `fcntl ${cmd || exprText(a[1])}`, reason: 'only F_GETFL and F_SETFL are supported' };
    }
    default:
      return { ok: false, unsupported: `${name}()`, reason: `system call ${name} is not supported by the runner` };
  }
}

/** EAGAIN-like results become "not done" on a blocking fd. */
function wouldBlock(r: SysResult<number | Uint8Array>, errnos: string[], f: { nonBlocking: boolean }): CallOutcome {
  if (!r.ok && errnos.includes(r.errno) && !f.nonBlocking) return { done: false };
  return once(r);
}

/** socket()/accept(): the script's number for the new fd is its expected return value. */
function checkNewFd(ev: SyscallEvent, r: SysResult<number | Uint8Array>, st: SyscallState) {
  const m = compareReturn(ev, r, () => intValue(ev.result.value) ?? 0);
  if (m) return m;
  if (r.ok && typeof r.value === 'number') {
    const scriptFd = intValue(ev.result.value);
    if (scriptFd !== null) st.fds.set(scriptFd, { live: r.value, nonBlocking: false });
  }
  return null;
}

/** Compare `= value [ERRNO]`; `asScript` maps a successful value into what the script writes. */
function compareReturn(ev: SyscallEvent, r: SysResult<number | Uint8Array>, asScript: (v: number | Uint8Array) => number) {
  const exp = ev.result;
  const expText = `${exprText(exp.value)}${exp.errno ? ` ${exp.errno}` : ''}`;
  const actText = r.ok ? `${asScript(r.value)}` : `-1 ${r.errno}`;
  const what = `${ev.name} return value`;
  if (exp.errno) {
    if (r.ok || r.errno !== exp.errno) return { what, expected: expText, actual: actText };
    return null;
  }
  if (exp.value.kind === 'ellipsis') return null;
  const v = constValue(exp.value);
  if (v === null) return null; // a symbolic expectation we cannot evaluate: not compared
  if (!r.ok || asScript(r.value) !== v) return { what, expected: expText, actual: actText };
  return null;
}

function intValue(e: Expr | undefined): number | null {
  return e?.kind === 'int' ? e.value : null;
}

function constValue(e: Expr | undefined): number | null {
  if (!e) return null;
  if (e.kind === 'int') return e.value;
  if (e.kind === 'ident') return CONSTANTS[e.name] ?? null;
  if (e.kind === 'binary') {
    const l = constValue(e.left);
    const r = constValue(e.right);
    return l === null || r === null ? null : l | r;
  }
  return null;
}

/** Flags argument: 0, a constant, or A|B; absent means 0. */
function flagValue(e: Expr | undefined): number | null {
  return e === undefined ? 0 : constValue(e);
}

/** `htons(8080)` in a `sin_port=` field of a sockaddr struct, if written. */
function portOf(e: Expr | undefined): number | null {
  if (e?.kind !== 'struct') return null;
  const f = e.fields.find((x) => x.name === 'sin_port');
  if (!f) return null;
  if (f.value.kind === 'call' && f.value.callee === 'htons') return intValue(f.value.args[0]);
  return intValue(f.value);
}

export function exprText(e: Expr | undefined): string {
  if (!e) return '(none)';
  switch (e.kind) {
    case 'int': case 'number': return e.text;
    case 'string': return JSON.stringify(e.value);
    case 'ellipsis': return '...';
    case 'ident': return e.name;
    case 'array': return `[${e.elements.map(exprText).join(', ')}]`;
    case 'struct': return `{${e.fields.map((f) => `${f.name ?? ''}${f.name ? '=' : ''}${exprText(f.value)}`).join(', ')}}`;
    case 'binary': return `${exprText(e.left)}|${exprText(e.right)}`;
    case 'call': return `${e.callee}(${e.args.map(exprText).join(', ')})`;
    case 'addressOf': return `&${exprText(e.operand)}`;
  }
}

function asNumber(v: number | Uint8Array): number {
  return typeof v === 'number' ? v : v.length;
}
