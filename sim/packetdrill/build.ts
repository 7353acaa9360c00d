/**
 * AST constructors used by the postprocessors of grammar.ne. Kept out of the grammar so that they
 * are ordinary, type-checked TypeScript; the grammar only says which pieces go where.
 */
import type {
  Directive,
  DirectiveName,
  EcnCodepoint,
  EventTime,
  Expr,
  IpGroup,
  OptionLine,
  Packet,
  ScriptEvent,
  SeqSpec,
  SourceLoc,
  StructField,
  SyscallResult,
  TcpFlags,
  TcpOption,
  TcpOptionList,
  TimePoint,
} from './ast.ts';
import type { PdToken } from './lexer.ts';

/** What the grammar's start rule yields per line; parser.ts turns these into a Script. */
export type RawItem =
  | { kind: 'option'; node: OptionLine; end: number }
  | { kind: 'directive'; node: Omit<Directive, 'eventIndex'>; end: number }
  | { kind: 'event'; node: ScriptEvent; end: number };

/** The start rule's result: the script's lines as a list linked from the last one. */
export type RawItemChain = { prev: RawItemChain; item: RawItem } | null;

type Located<T> = T & { loc: SourceLoc };

export function loc(t: PdToken): SourceLoc {
  return { line: t.line, col: t.col, offset: t.offset };
}

/** Joins token texts, with one space wherever the source had a gap (whitespace/comments). */
export function joinTokens(toks: PdToken[]): string {
  let out = '';
  for (let i = 0; i < toks.length; i++) {
    const t = toks[i]!;
    if (i > 0) {
      const prev = toks[i - 1]!;
      if (prev.offset + prev.text.length < t.offset) out += ' ';
    }
    out += t.text;
  }
  return out;
}

/** Flattens nearley's nested arrays of tokens (from `x:*` / groups) into a token list. */
export function tokens(d: unknown): PdToken[] {
  const out: PdToken[] = [];
  const walk = (x: unknown): void => {
    if (Array.isArray(x)) x.forEach(walk);
    else if (x && typeof x === 'object' && 'type' in x && 'offset' in x) out.push(x as PdToken);
  };
  walk(d);
  return out;
}

// ---------------------------------------------------------------------------------------------
// Lines

export function finishItem(item: Omit<RawItem, 'end'>, nl: PdToken): RawItem {
  return { ...item, end: nl.prevEnd ?? nl.offset } as RawItem;
}

export function option(t: PdToken): Omit<RawItem, 'end'> {
  const body = t.value.slice(2);
  const eq = body.indexOf('=');
  let name = body;
  let value: string | null = null;
  if (eq >= 0) {
    name = body.slice(0, eq);
    value = body.slice(eq + 1);
    if (value.length >= 2 && value.startsWith('"') && value.endsWith('"')) value = value.slice(1, -1);
  }
  return { kind: 'option', node: { kind: 'option', name, value, loc: loc(t), source: '' } };
}

const DIRECTIVES: ReadonlySet<string> = new Set(['ifdef', 'ifndef', 'if', 'elif', 'else', 'endif', 'define', 'undef', 'include']);

export function directive(t: PdToken): Omit<RawItem, 'end'> {
  const text = t.value.replace(/\/\/.*$/, '').replace(/\/\*.*?\*\//g, '').trim();
  const m = /^#\s*([A-Za-z_]\w*)?\s*(.*)$/.exec(text)!;
  const word = m[1] ?? '';
  const name: DirectiveName = DIRECTIVES.has(word) ? (word as DirectiveName) : 'other';
  const argument = (name === 'other' ? text.slice(1) : m[2]!).trim();
  return { kind: 'directive', node: { kind: 'directive', directive: name, argument, loc: loc(t), source: '' } };
}

type Action = Located<
  | Omit<Extract<ScriptEvent, { kind: 'packet' }>, 'time' | 'loc' | 'source'>
  | Omit<Extract<ScriptEvent, { kind: 'syscall' }>, 'time' | 'loc' | 'source'>
  | Omit<Extract<ScriptEvent, { kind: 'shell' }>, 'time' | 'loc' | 'source'>
  | Omit<Extract<ScriptEvent, { kind: 'python' }>, 'time' | 'loc' | 'source'>
>;

export function event(time: Located<{ time: EventTime }> | null, action: Action): Omit<RawItem, 'end'> {
  const node = { ...action, time: time ? time.time : null, loc: time ? time.loc : action.loc, source: '' } as ScriptEvent;
  return { kind: 'event', node };
}

// ---------------------------------------------------------------------------------------------
// Time

export function timePoint(plus: PdToken | null, num: PdToken): Located<{ point: TimePoint }> {
  return { loc: loc(plus ?? num), point: { relative: plus !== null, usecs: toUsecs(num.value), text: num.value } };
}

/** Exact decimal-seconds to integer-microseconds conversion ("0.200" -> 200000). */
export function toUsecs(text: string): number {
  const [intPart = '', fracPart = ''] = text.split('.');
  const whole = intPart === '' ? 0 : Number(intPart);
  const frac = (fracPart + '000000').slice(0, 6);
  let usecs = whole * 1_000_000 + Number(frac);
  if (fracPart.length > 6 && Number(fracPart[6]) >= 5) usecs += 1;
  return usecs;
}

export function timeAny(star: PdToken): Located<{ time: EventTime }> {
  return { loc: loc(star), time: { kind: 'any' } };
}

export function timeAt(p: Located<{ point: TimePoint }>): Located<{ time: EventTime }> {
  return { loc: p.loc, time: { kind: 'point', at: p.point } };
}

export function timeSpan(
  kind: 'range' | 'blocking',
  a: Located<{ point: TimePoint }>,
  b: Located<{ point: TimePoint }>,
): Located<{ time: EventTime }> {
  return { loc: a.loc, time: { kind, start: a.point, end: b.point } };
}

// ---------------------------------------------------------------------------------------------
// Actions

export function shell(t: PdToken): Action {
  return { kind: 'shell', command: t.value.slice(1, -1), skipped: true, loc: loc(t) };
}

export function python(t: PdToken): Action {
  return { kind: 'python', code: t.value.slice(2, -2).trim(), skipped: true, loc: loc(t) };
}

export function packet(dir: PdToken, pre: IpGroup[], body: Packet, post: IpGroup[]): Action {
  const groups = [...pre, ...post];
  let p: Packet = body;
  if (p.protocol === 'tcp') {
    const ipGroups: IpGroup[] = [];
    let ecn: EcnCodepoint | null = null;
    for (const g of groups) {
      if (g.bracket === '[' && ECN_WORDS.has(g.text) && ecn === null) ecn = g.text as EcnCodepoint;
      else ipGroups.push(g);
    }
    p = { ...p, ecn, ipGroups };
  } else {
    p = { ...p, ipGroups: groups };
  }
  return { kind: 'packet', direction: dir.value === '<' ? 'inbound' : 'outbound', packet: p, loc: loc(dir) };
}

const ECN_WORDS: ReadonlySet<string> = new Set(['noecn', 'ect0', 'ect1', 'ce', 'ect01']);

export function ipGroup(open: PdToken, inner: unknown): IpGroup {
  return { bracket: open.value === '[' ? '[' : '(', text: joinTokens(tokens(inner)), loc: loc(open) };
}

export function otherPacket(proto: PdToken, rest: unknown): Packet {
  return { protocol: 'other', name: proto.value, text: joinTokens(tokens(rest)), ipGroups: [] };
}

export function tcpPacket(
  flags: { flags: TcpFlags; text: string },
  seq: SeqSpec,
  fields: { name: 'ack' | 'win' | 'urg'; value: number; tok: PdToken }[],
  options: TcpOptionList | null,
): Packet {
  const pkt = {
    protocol: 'tcp' as const,
    flags: flags.flags,
    flagsText: flags.text,
    seq,
    ack: null as number | null,
    win: null as number | null,
    urg: null as number | null,
    options,
    ecn: null,
    ipGroups: [],
  };
  const seen = new Set<string>();
  for (const f of fields) {
    if (seen.has(f.name)) throw new SemanticError(`duplicate '${f.name}' field in packet`, f.tok);
    seen.add(f.name);
    pkt[f.name] = f.value;
  }
  return pkt;
}

export function tcpFlags(word: PdToken | null, dot: PdToken | null): { flags: TcpFlags; text: string } {
  const letters = word ? word.value : '';
  const flags: TcpFlags = {
    syn: letters.includes('S'),
    fin: letters.includes('F'),
    rst: letters.includes('R'),
    psh: letters.includes('P'),
    urg: letters.includes('U'),
    ece: letters.includes('E'),
    cwr: letters.includes('W'),
    ack: dot !== null,
  };
  for (const c of new Set(letters)) {
    if (letters.indexOf(c) !== letters.lastIndexOf(c)) throw new SemanticError(`TCP flag '${c}' repeated in '${letters}'`, word!);
  }
  return { flags, text: letters + (dot ? '.' : '') };
}

export function seqRange(start: PdToken, end: PdToken, len: PdToken): SeqSpec {
  const seq: SeqSpec = { kind: 'range', start: int(start), end: int(end), length: int(len) };
  for (const t of [start, end]) {
    if (int(t) > 0xffffffff) throw new SemanticError(`TCP sequence number ${t.value} does not fit in 32 bits`, t);
  }
  // Sequence space wraps at 2^32, so 4294967295:9(10) is consistent.
  if ((seq.end - seq.start + 0x100000000) % 0x100000000 !== seq.length) {
    throw new SemanticError(`TCP sequence range ${start.value}:${end.value} does not match the payload length (${len.value})`, start);
  }
  return seq;
}

export function seqAny(len: PdToken): SeqSpec {
  return { kind: 'any', length: int(len) };
}

export function field(name: PdToken, value: PdToken): { name: 'ack' | 'win' | 'urg'; value: number; tok: PdToken } {
  return { name: name.value as 'ack' | 'win' | 'urg', value: int(value), tok: name };
}

export function optionList(first: TcpOption, rest: [PdToken, TcpOption][]): TcpOptionList {
  return { kind: 'list', options: [first, ...rest.map((r) => r[1])] };
}

export function tcpOption(name: PdToken, args: unknown): TcpOption {
  const l = loc(name);
  const toks = tokens(args);
  switch (name.value) {
    case 'nop':
      return { kind: 'nop', loc: l };
    case 'eol':
      return { kind: 'eol', loc: l };
    case 'sackOK':
      return { kind: 'sackOK', loc: l };
    case 'mss':
      return { kind: 'mss', value: int(toks[0]!), loc: l };
    case 'wscale':
      return { kind: 'wscale', shift: int(toks[0]!), loc: l };
    case 'sack': {
      const blocks: { start: number; end: number }[] = [];
      const ints = toks.filter((t) => t.type === 'int');
      for (let i = 0; i + 1 < ints.length; i += 2) blocks.push({ start: int(ints[i]!), end: int(ints[i + 1]!) });
      return { kind: 'sack', blocks, loc: l };
    }
    case 'TS': {
      const ints = toks.filter((t) => t.type === 'int');
      return { kind: 'timestamp', val: int(ints[0]!), ecr: int(ints[1]!), loc: l };
    }
    case 'FO':
    case 'FOEXP':
      return { kind: 'fastopen', experimental: name.value === 'FOEXP', cookie: toks.length ? joinTokens(toks).replace(/\s+/g, '') : null, loc: l };
    default:
      return { kind: 'unknown', name: name.value, text: joinTokens([name, ...toks]), loc: l };
  }
}

// ---------------------------------------------------------------------------------------------
// System calls and expressions

export function syscall(name: PdToken, args: Expr[] | null, result: SyscallResult): Action {
  return { kind: 'syscall', name: name.value, args: args ?? [], result, loc: loc(name) };
}

export function result(value: Expr, errno: PdToken | null, note: { text: string } | null): SyscallResult {
  return { value, errno: errno ? errno.value : null, note: note ? note.text : null };
}

export function note(inner: unknown): { text: string } {
  return { text: joinTokens(tokens(inner)) };
}

export function list<T>(first: T, rest: [PdToken, T][]): T[] {
  return [first, ...rest.map((r) => r[1])];
}

export function intExpr(t: PdToken, minus: PdToken | null = null): Expr {
  const v = int(t);
  return { kind: 'int', value: minus ? -v : v, text: (minus ? '-' : '') + t.value };
}

export function numberExpr(t: PdToken, minus: PdToken | null = null): Expr {
  const v = Number(t.value);
  return { kind: 'number', value: minus ? -v : v, text: (minus ? '-' : '') + t.value };
}

export function stringExpr(t: PdToken): Expr {
  return { kind: 'string', value: unescape(t.value.slice(1, -1)) };
}

export function ident(t: PdToken): Expr {
  return { kind: 'ident', name: t.value };
}

export function structField(name: PdToken | null, nameArgs: Expr[] | null, value: Expr): StructField {
  return { name: name ? name.value : null, nameArgs, value };
}

function unescape(s: string): string {
  return s.replace(/\\(x[0-9a-fA-F]{2}|[0-7]{1,3}|.)/g, (_, e: string) => {
    if (e[0] === 'x') return String.fromCharCode(parseInt(e.slice(1), 16));
    if (/^[0-7]/.test(e)) return String.fromCharCode(parseInt(e, 8));
    const simple: Record<string, string> = { n: '\n', t: '\t', r: '\r', '0': '\0', '\\': '\\', '"': '"', "'": "'" };
    return simple[e] ?? e;
  });
}

function int(t: PdToken): number {
  return Number(t.value);
}

/** Thrown by postprocessors for well-formed syntax with invalid content; parser.ts reports it. */
export class SemanticError extends Error {
  constructor(
    message: string,
    readonly token: PdToken,
  ) {
    super(message);
  }
}
