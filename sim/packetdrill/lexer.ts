/**
 * Tokeniser for packetdrill scripts: a moo lexer plus a thin wrapper that nearley drives.
 *
 * The wrapper
 *  - drops whitespace and comments (`// ...`, `/* ... *\/`);
 *  - makes newlines significant, but collapses runs of them, drops them inside (), [] and {}
 *    (so syscall arguments may span lines) and guarantees a final newline at end of input;
 *  - re-types identifiers: TCP flag words (`S`, `SEW`, `F`, ...) become `flags`, TCP option names
 *    (`mss`, `sackOK`, ...) become `tcpopt`, non-TCP protocol words (`udp`, `icmp`, ...) become
 *    `proto`. The grammar accepts all three wherever a plain identifier is allowed.
 *
 * It never throws: characters no rule matches become single-character `other` tokens, which the
 * grammar rejects with a located error.
 */
import moo from 'moo';

const rules: moo.Rules = {
  ws: /[ \t\r\f\v]+/,
  comment: [
    { match: /\/\/[^\n]*/ },
    { match: /\/\*[\s\S]*?\*\//, lineBreaks: true },
  ],
  nl: { match: /\n/, lineBreaks: true },
  python: { match: /%\{[\s\S]*?\}%/, lineBreaks: true },
  shell: { match: /`[^`]*`/, lineBreaks: true },
  option: /--[A-Za-z_][A-Za-z0-9_-]*(?:=(?:"[^"\n]*"|[^\s]*))?/,
  directive: /#[^\n]*/,
  string: /"(?:[^"\\\n]|\\.)*"/,
  hex: /0[xX][0-9a-fA-F]+/,
  decimal: /\d+\.\d+|\.\d+/,
  int: /\d+/,
  ellipsis: '...',
  ident: /[A-Za-z_][A-Za-z0-9_]*/,
  lparen: '(',
  rparen: ')',
  lbracket: '[',
  rbracket: ']',
  lbrace: '{',
  rbrace: '}',
  lt: '<',
  gt: '>',
  comma: ',',
  colon: ':',
  eq: '=',
  plus: '+',
  minus: '-',
  star: '*',
  tilde: '~',
  pipe: '|',
  amp: '&',
  dot: '.',
  other: /./,
};

/** TCP option names recognised inside `<...>`. */
export const TCP_OPTION_WORDS: ReadonlySet<string> = new Set(['nop', 'eol', 'mss', 'wscale', 'sackOK', 'sack', 'TS', 'FO', 'FOEXP']);

/** Words that start a non-TCP packet after `<` / `>`. */
export const PROTOCOL_WORDS: ReadonlySet<string> = new Set([
  'udp', 'udplite', 'icmp', 'icmp6', 'icmpv6', 'sctp', 'gre', 'mpls', 'ip', 'ipv4', 'ipv6', 'ip6', 'arp', 'dccp',
]);

/** A TCP flags word: S(YN) F(IN) R(ST) P(SH) U(RG) E(CE) W (CWR); `.` (ACK) is a separate token. */
export const FLAGS_WORD = /^[SFRPUEW]+$/;

/** Token types the grammar may reference with `%type`. */
const TOKEN_TYPES: ReadonlySet<string> = new Set([...Object.keys(rules), 'flags', 'tcpopt', 'proto']);

export interface PdToken extends moo.Token {
  /** On newline tokens: end offset of the last significant token of the line. */
  prevEnd?: number;
  /** On the newline token added at end of input. */
  synthetic?: boolean;
}

interface WrapperState {
  moo: moo.LexerState;
  open: PdToken[];
  lastType: string | null;
  lastEnd: number;
  done: boolean;
}

const OPENERS = new Set(['lparen', 'lbracket', 'lbrace']);
const CLOSERS = new Set(['rparen', 'rbracket', 'rbrace']);

export class PacketdrillLexer {
  private readonly lx = moo.compile(rules);
  /** Unclosed brackets, innermost last. */
  open: PdToken[] = [];
  private lastType: string | null = null;
  private lastEnd = 0;
  private done = false;
  private buffer = '';

  reset(chunk: string, state?: WrapperState): void {
    this.buffer = chunk;
    this.lx.reset(chunk, state?.moo);
    this.open = state ? [...state.open] : [];
    this.lastType = state?.lastType ?? null;
    this.lastEnd = state?.lastEnd ?? 0;
    this.done = state?.done ?? false;
  }

  save(): WrapperState {
    return { moo: this.lx.save(), open: [...this.open], lastType: this.lastType, lastEnd: this.lastEnd, done: this.done };
  }

  next(): PdToken | undefined {
    for (;;) {
      const tok = this.lx.next() as PdToken | undefined;
      if (!tok) {
        if (this.done) return undefined;
        this.done = true;
        if (this.lastType === null || this.lastType === 'nl') return undefined;
        const st = this.lx.save();
        const eof: PdToken = {
          type: 'nl', value: '\n', text: '', offset: this.buffer.length, lineBreaks: 0,
          line: st.line, col: st.col, prevEnd: this.lastEnd, synthetic: true,
        } as PdToken;
        this.lastType = 'nl';
        return eof;
      }
      const type = tok.type!;
      if (type === 'ws' || type === 'comment') continue;
      if (type === 'nl') {
        if (this.open.length > 0 || this.lastType === null || this.lastType === 'nl') continue;
        tok.prevEnd = this.lastEnd;
      } else if (type === 'ident') {
        if (TCP_OPTION_WORDS.has(tok.value)) tok.type = 'tcpopt';
        else if (PROTOCOL_WORDS.has(tok.value)) tok.type = 'proto';
        else if (FLAGS_WORD.test(tok.value)) tok.type = 'flags';
      } else if (OPENERS.has(type)) {
        this.open.push(tok);
      } else if (CLOSERS.has(type)) {
        this.open.pop();
      }
      this.lastType = tok.type!;
      if (tok.type !== 'nl') this.lastEnd = tok.offset + tok.text.length;
      return tok;
    }
  }

  formatError(token: PdToken | undefined, message?: string): string {
    if (!token) return message ?? 'Syntax error';
    return `${message ?? 'Syntax error'} at line ${token.line} col ${token.col}`;
  }

  has(tokenType: string): boolean {
    return TOKEN_TYPES.has(tokenType);
  }
}

/** The lexer instance the compiled grammar uses (parsing is synchronous, so one is enough). */
export const lexer = new PacketdrillLexer();
