/**
 * Packetdrill script parser: runs the nearley grammar (grammar.ne, compiled to grammar.ts) over
 * the moo-based lexer (lexer.ts), assembles a `Script` and checks what the grammar cannot.
 *
 *   parseScript(text, fileName?)        -> { ok: true, script } | { ok: false, error }   (never throws)
 *   parseScriptOrThrow(text, fileName?) -> Script, or throws PacketdrillParseError
 *
 * Errors carry 1-based line and column and the offending token, e.g.
 *   foo.pkt:12:20: unexpected "abc" (identifier); expected integer
 */
import nearley from 'nearley';
import type { Directive, ParseErrorInfo, ParseResult, Script, ScriptEvent, SourceLoc } from './ast.ts';
import { SemanticError, type RawItem, type RawItemChain } from './build.ts';
import grammar from './grammar.ts';
import { lexer, type PdToken } from './lexer.ts';

const compiledGrammar = nearley.Grammar.fromCompiled(grammar);

/** A parse failure, formatted as `file:line:col: message`. */
export class PacketdrillParseError extends Error {
  readonly line: number;
  readonly col: number;
  readonly token?: string;
  readonly fileName?: string;
  /** The message without the `file:line:col: ` prefix. */
  readonly reason: string;

  constructor(info: ParseErrorInfo) {
    super(`${info.fileName ?? '<script>'}:${info.line}:${info.col}: ${info.message}`);
    this.name = 'PacketdrillParseError';
    this.line = info.line;
    this.col = info.col;
    this.token = info.token;
    this.fileName = info.fileName;
    this.reason = info.message;
  }

  get info(): ParseErrorInfo {
    return { message: this.reason, line: this.line, col: this.col, token: this.token, fileName: this.fileName };
  }
}

/** Parses a packetdrill script. Never throws for bad input: errors come back as `{ ok: false }`. */
export function parseScript(text: string, fileName?: string): ParseResult {
  try {
    return { ok: true, script: parseScriptOrThrow(text, fileName) };
  } catch (e) {
    if (e instanceof PacketdrillParseError) return { ok: false, error: e.info };
    throw e;
  }
}

/** Parses a packetdrill script, throwing `PacketdrillParseError` (with file:line:col) on bad input. */
export function parseScriptOrThrow(text: string, fileName?: string): Script {
  const parser = new nearley.Parser(compiledGrammar);
  try {
    parser.feed(text);
  } catch (e) {
    throw toParseError(e, parser, fileName);
  }
  const results = parser.results as RawItemChain[];
  if (results.length === 0) {
    // Cannot normally happen: the lexer always ends input with a newline, which ends every item.
    const lines = text.split('\n');
    throw new PacketdrillParseError({ message: 'unexpected end of input', line: lines.length, col: lines[lines.length - 1]!.length + 1, fileName });
  }
  if (results.length > 1) throw new Error(`packetdrill grammar is ambiguous for ${fileName ?? 'script'} (${results.length} parses)`);
  const items: RawItem[] = [];
  for (let link: RawItemChain = results[0] ?? null; link; link = link.prev) items.push(link.item);
  const script = assemble(items.reverse(), text, fileName);
  validate(script, fileName);
  return script;
}

function assemble(items: RawItem[], text: string, fileName: string | undefined): Script {
  const script: Script = { options: [], events: [], directives: [] };
  if (fileName !== undefined) script.fileName = fileName;
  for (const item of items) {
    const source = text.slice(item.node.loc.offset, item.end).trimEnd();
    switch (item.kind) {
      case 'option':
        script.options.push({ ...item.node, source });
        break;
      case 'directive':
        script.directives.push({ ...item.node, source, eventIndex: script.events.length });
        break;
      case 'event':
        script.events.push({ ...item.node, source });
        break;
    }
  }
  return script;
}

function fail(message: string, at: SourceLoc, fileName: string | undefined, token?: string): never {
  throw new PacketdrillParseError({ message, line: at.line, col: at.col, token, fileName });
}

/** Checks that need more context than one grammar rule. */
function validate(script: Script, fileName: string | undefined): void {
  const firstEvent = script.events[0];
  for (const opt of script.options) {
    if (firstEvent && opt.loc.offset > firstEvent.loc.offset) {
      fail(`option --${opt.name} must come before the first event (line ${firstEvent.loc.line})`, opt.loc, fileName, `--${opt.name}`);
    }
  }
  for (const ev of script.events) validateEvent(ev, fileName);
  validateDirectives(script.directives, fileName);
}

function validateEvent(ev: ScriptEvent, fileName: string | undefined): void {
  if (ev.time?.kind === 'blocking' && ev.kind !== 'syscall') {
    fail(`a blocking time range (start...end) is only valid for a system call, not a ${ev.kind} event`, ev.loc, fileName);
  }
  if (ev.time && ev.time.kind !== 'any' && ev.time.kind !== 'point') {
    const { start, end } = ev.time;
    if (!start.relative && !end.relative && end.usecs < start.usecs) {
      fail(`time range ends (${end.text}) before it starts (${start.text})`, ev.loc, fileName);
    }
  }
}

function validateDirectives(directives: Directive[], fileName: string | undefined): void {
  const stack: { d: Directive; sawElse: boolean }[] = [];
  for (const d of directives) {
    switch (d.directive) {
      case 'if':
      case 'ifdef':
      case 'ifndef':
        if (d.directive !== 'if' && !/^[A-Za-z_]\w*$/.test(d.argument)) fail(`#${d.directive} needs one macro name`, d.loc, fileName, d.source);
        stack.push({ d, sawElse: false });
        break;
      case 'elif':
      case 'else': {
        const top = stack[stack.length - 1];
        if (!top) fail(`#${d.directive} without #if`, d.loc, fileName, d.source);
        if (top.sawElse) fail(`#${d.directive} after #else`, d.loc, fileName, d.source);
        if (d.directive === 'else') top.sawElse = true;
        break;
      }
      case 'endif':
        if (!stack.pop()) fail('#endif without #if', d.loc, fileName, d.source);
        break;
      default:
        break;
    }
  }
  const open = stack.pop();
  if (open) fail(`#${open.d.directive} is not closed by #endif`, open.d.loc, fileName, open.d.source);
}

// ---------------------------------------------------------------------------------------------
// Error reporting

const TYPE_NAMES: Record<string, string> = {
  nl: 'end of line',
  int: 'integer',
  decimal: 'decimal number',
  hex: 'hex number',
  string: 'string',
  ident: 'identifier',
  flags: 'TCP flags',
  tcpopt: 'TCP option name',
  proto: 'protocol name',
  shell: 'shell command',
  python: 'python block',
  option: 'option',
  directive: 'preprocessor directive',
  other: 'character',
};

function describeToken(t: PdToken): string {
  if (t.type === 'nl') return t.synthetic ? 'end of input' : 'end of line';
  const text = t.text.length > 40 ? `${t.text.slice(0, 37)}...` : t.text;
  const kind = TYPE_NAMES[t.type ?? ''];
  return kind && !['other'].includes(t.type!) ? `${JSON.stringify(text)} (${kind})` : JSON.stringify(text);
}

interface EarleyState {
  rule: { symbols: unknown[] };
  dot: number;
}

/** Terminals the parser could have accepted instead of the offending token. */
function expectedTerminals(parser: nearley.Parser): string[] {
  const table = (parser as unknown as { table: { states: EarleyState[] }[] }).table;
  const column = table[table.length - 2];
  if (!column) return [];
  const out = new Set<string>();
  for (const st of column.states) {
    const sym = st.rule.symbols[st.dot] as { literal?: string; type?: string } | string | undefined;
    if (!sym || typeof sym === 'string') continue;
    if (sym.literal !== undefined) out.add(JSON.stringify(sym.literal));
    else if (sym.type !== undefined) out.add(TYPE_NAMES[sym.type] ?? sym.type);
  }
  return [...out];
}

function toParseError(e: unknown, parser: nearley.Parser, fileName: string | undefined): PacketdrillParseError {
  if (e instanceof SemanticError) {
    return new PacketdrillParseError({ message: e.message, line: e.token.line, col: e.token.col, token: e.token.text, fileName });
  }
  const token = (e as { token?: PdToken }).token;
  if (!token) {
    const message = e instanceof Error ? e.message : String(e);
    return new PacketdrillParseError({ message: message.split('\n')[0]!, line: 1, col: 1, fileName });
  }
  const unclosed = lexer.open[lexer.open.length - 1];
  let at: { line: number; col: number } = token;
  let message: string;
  if (token.type === 'other' && token.text === '`') message = 'unterminated shell command (no closing backquote)';
  else if (token.type === 'other' && token.text === '"') message = 'unterminated string (no closing double quote)';
  else if (token.type === 'other' && token.text === '%') message = 'unterminated python block (%{ without }%)';
  else {
    const expected = expectedTerminals(parser);
    message = `unexpected ${describeToken(token)}`;
    if (expected.length > 0 && expected.length <= 12) message += `; expected ${expected.length === 1 ? '' : 'one of: '}${expected.join(', ')}`;
    // At the start of a line an event must begin with its time.
    if (expected.includes('"*"') && ['ident', 'flags', 'tcpopt', 'proto', 'lt', 'gt'].includes(token.type ?? '')) {
      message += ' (an event starts with its time, e.g. "0", "+0.1" or "*")';
    }
  }
  if (unclosed) {
    if (token.synthetic) at = unclosed;
    message += ` (unclosed ${JSON.stringify(unclosed.text)} at line ${unclosed.line} col ${unclosed.col})`;
  }
  return new PacketdrillParseError({ message, line: at.line, col: at.col, token: token.text, fileName });
}
