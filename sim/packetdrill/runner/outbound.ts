/**
 * Compare a frame the target sent with a script's outbound TCP packet (`> ...`), in script space
 * (./connection.ts), under a tolerance policy (./tolerance.ts). Returns the first differing field.
 * Order of checks: flags, seq, length, ack, win, urg, options, payload (timing is the runner's).
 */
import type { TcpOption as ScriptOption, TcpPacket } from '../ast.ts';
import { describeTcpOption, seqAdd, tcpFlagsToString, type TcpFrame, type TcpOption } from '../../packet/index.ts';
import type { ConnectionMap } from './connection.ts';
import { flagBits } from './inbound.ts';
import { firstDifference, localByte } from './payload.ts';
import { timingToleranceUs, type TolerancePolicy } from './tolerance.ts';

export type OutboundField = 'flags' | 'seq' | 'length' | 'ack' | 'win' | 'urg' | 'options' | 'payload';

export interface OutboundMismatch {
  field: OutboundField;
  expected: string;
  actual: string;
}

/**
 * Check `frame` against `script`. A matching SYN teaches `conn` the target's ISN (before the seq
 * check, so the SYN's own seq always matches); timestamps are recorded for inbound TS ecr mapping.
 */
export function matchOutbound(script: TcpPacket, frame: TcpFrame, conn: ConnectionMap, tol: TolerancePolicy): OutboundMismatch | null {
  const tcp = frame.tcp;
  const expFlags = flagBits(script);
  // Learn the ISN from any SYN met where the script expects one, so that even a mismatching
  // SYN is shown in script space.
  if (script.flags.syn && (tcp.flags & 0x02) !== 0 && script.seq.kind === 'range') conn.learnLocalIsn(tcp.seq, script.seq.start);
  if (tcp.flags !== expFlags) return { field: 'flags', expected: script.flagsText, actual: flagsText(tcp.flags) };
  const relSeq = conn.localFromWire(tcp.seq);
  const len = frame.payload.length;
  if (script.seq.kind === 'range' && relSeq !== script.seq.start >>> 0) {
    return { field: 'seq', expected: `${script.seq.start >>> 0}`, actual: `${relSeq}` };
  }
  if (len !== script.seq.length) return { field: 'length', expected: `${script.seq.length}`, actual: `${len}` };

  const expAck = (script.ack ?? 0) >>> 0;
  if (tcp.ack !== expAck) return { field: 'ack', expected: `${expAck}`, actual: `${tcp.ack}` };

  if (script.win !== null) {
    const lenient = tol.rules.has('bufferSizes') && script.win !== 0;
    if (lenient ? tcp.window === 0 : tcp.window !== script.win) {
      return { field: 'win', expected: lenient ? `any non-zero (bufferSizes rule; script ${script.win})` : `${script.win}`, actual: `${tcp.window}` };
    }
  }
  const expUrg = script.urg ?? 0;
  if (tcp.urgentPointer !== expUrg) return { field: 'urg', expected: `${expUrg}`, actual: `${tcp.urgentPointer}` };

  if (script.options?.kind !== 'any') {
    const m = matchOptions(script.options?.kind === 'list' ? script.options.options : [], tcp.options, tcp.dataOffset, conn, tol);
    if (m) return m;
  }
  const diff = firstDifference(frame.payload, (i) => localByte(relSeq + i));
  if (diff >= 0) {
    return {
      field: 'payload',
      expected: `byte ${diff} (rel seq ${seqAdd(relSeq, diff)}) = 0x${hex(localByte(relSeq + diff))}, the byte written there`,
      actual: `0x${hex(frame.payload[diff]!)}`,
    };
  }
  return null;
}

type Entry = { kind: number; text: string; value: string; ts?: { val: number; ecr: number }; wscale?: boolean };

function matchOptions(script: ScriptOption[], actualOpts: TcpOption[], dataOffset: number, conn: ConnectionMap, tol: TolerancePolicy): OutboundMismatch | null {
  let exp = script.map(scriptEntry);
  let act = expandPadding(actualOpts, (dataOffset - 5) * 4).map(actualEntry);
  // A script list that is not a multiple of 4 bytes is padded with EOL, as the wire would be.
  const expBytes = script.reduce((n, o) => n + scriptOptionLength(o), 0);
  for (let i = expBytes; i % 4 !== 0; i++) exp.push({ kind: 0, text: 'eol', value: '' });
  const whole = { field: 'options' as const, expected: `<${exp.map((e) => e.text).join(',')}>`, actual: `<${act.map((e) => e.text).join(',')}>` };
  if (tol.rules.has('optionOrder')) {
    const sorted = (l: Entry[]) => l.filter((e) => e.kind > 1).sort((a, b) => a.kind - b.kind);
    exp = sorted(exp);
    act = sorted(act);
  }
  if (exp.length !== act.length) return whole;
  for (let i = 0; i < exp.length; i++) {
    const e = exp[i]!;
    const a = act[i]!;
    if (e.kind !== a.kind) return whole;
    if (e.ts && a.ts) {
      conn.noteTsVal(e.ts.val, a.ts.val);
      if (a.ts.ecr !== e.ts.ecr) return { field: 'options', expected: `TS ecr ${e.ts.ecr}`, actual: `TS ecr ${a.ts.ecr}` };
      if (tol.tsTickUsecs > 0) {
        const mapped = conn.tsFromWire(a.ts.val)!;
        const devUs = Math.abs((mapped - e.ts.val) | 0) * tol.tsTickUsecs;
        if (devUs > timingToleranceUs(tol, 0)) {
          return { field: 'options', expected: `TS val ${e.ts.val} (±${timingToleranceUs(tol, 0)} us at ${tol.tsTickUsecs} us/tick)`, actual: `TS val ${mapped} (mapped)` };
        }
      }
      continue;
    }
    if (e.wscale && tol.rules.has('bufferSizes')) continue;
    if (e.value !== a.value) return { field: 'options', expected: e.text, actual: a.text };
  }
  return null;
}

/** The parser keeps one EOL entry for the whole zero padding; packetdrill compares byte by byte. */
function expandPadding(opts: TcpOption[], areaLen: number): TcpOption[] {
  const last = opts.at(-1);
  if (last?.type !== 'eol' || last.padding) return opts;
  const used = opts.slice(0, -1).reduce((n, o) => n + optLen(o), 0);
  return [...opts.slice(0, -1), ...Array.from({ length: Math.max(1, areaLen - used) }, () => ({ type: 'eol' as const }))];
}

function optLen(o: TcpOption): number {
  switch (o.type) {
    case 'eol': case 'nop': return 1;
    case 'mss': return 4;
    case 'wscale': return 3;
    case 'sack-permitted': return 2;
    case 'sack': return 2 + 8 * o.blocks.length;
    case 'timestamps': return 10;
    case 'unknown': return 2 + o.data.length;
  }
}

function scriptOptionLength(o: ScriptOption): number {
  switch (o.kind) {
    case 'eol': case 'nop': return 1;
    case 'mss': return 4;
    case 'wscale': return 3;
    case 'sackOK': return 2;
    case 'sack': return 2 + 8 * o.blocks.length;
    case 'timestamp': return 10;
    default: return 0;
  }
}

function scriptEntry(o: ScriptOption): Entry {
  switch (o.kind) {
    case 'nop': return { kind: 1, text: 'nop', value: '' };
    case 'eol': return { kind: 0, text: 'eol', value: '' };
    case 'mss': return { kind: 2, text: `mss ${o.value}`, value: `${o.value}` };
    case 'wscale': return { kind: 3, text: `wscale ${o.shift}`, value: `${o.shift}`, wscale: true };
    case 'sackOK': return { kind: 4, text: 'sackOK', value: '' };
    case 'sack': {
      const v = o.blocks.map((b) => `${b.start >>> 0}:${b.end >>> 0}`).join(' ');
      return { kind: 5, text: `sack ${v}`, value: v };
    }
    case 'timestamp': return { kind: 8, text: `TS val ${o.val} ecr ${o.ecr}`, value: '', ts: { val: o.val >>> 0, ecr: o.ecr >>> 0 } };
    case 'fastopen': return { kind: o.experimental ? 254 : 34, text: o.experimental ? 'FOEXP' : 'FO', value: o.cookie ?? '' };
    case 'unknown': return { kind: -1, text: o.text, value: o.text };
  }
}

function actualEntry(o: TcpOption): Entry {
  switch (o.type) {
    case 'nop': return { kind: 1, text: 'nop', value: '' };
    case 'eol': return { kind: 0, text: 'eol', value: '' };
    case 'mss': return { kind: 2, text: `mss ${o.mss}`, value: `${o.mss}` };
    case 'wscale': return { kind: 3, text: `wscale ${o.shift}`, value: `${o.shift}` };
    case 'sack-permitted': return { kind: 4, text: 'sackOK', value: '' };
    case 'sack': {
      const v = o.blocks.map((b) => `${b.left}:${b.right}`).join(' ');
      return { kind: 5, text: `sack ${v}`, value: v };
    }
    case 'timestamps': return { kind: 8, text: `TS val ${o.tsval} ecr ${o.tsecr}`, value: '', ts: { val: o.tsval, ecr: o.tsecr } };
    case 'unknown': return { kind: o.kind, text: describeTcpOption(o), value: describeTcpOption(o) };
  }
}

/** Flags in packetdrill's letters (`S.`, `F.`, `P.`, `R`). */
export function flagsText(flags: number): string {
  const t = tcpFlagsToString(flags);
  return t === 'none' ? '(none)' : t;
}

/** The frame as a script line in script space, e.g. `S. 0:0(0) ack 1 win 65535 <mss 1460>`. */
export function describeInScriptSpace(frame: TcpFrame, conn: ConnectionMap): string {
  const t = frame.tcp;
  const rel = conn.localFromWire(t.seq);
  const len = frame.payload.length;
  const opts = t.options.length ? ` <${t.options.map((o) => actualEntry(o).text).join(',')}>` : '';
  const ack = t.flags & 0x10 || t.ack ? ` ack ${t.ack}` : '';
  const urg = t.urgentPointer ? ` urg ${t.urgentPointer}` : '';
  return `${flagsText(t.flags)} ${rel}:${seqAdd(rel, len)}(${len})${ack} win ${t.window}${urg}${opts}`;
}

function hex(b: number): string {
  return b.toString(16).padStart(2, '0');
}
