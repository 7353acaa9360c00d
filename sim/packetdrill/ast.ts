/**
 * AST of a packetdrill script, as produced by `parseScript` (./parser.ts).
 *
 * Every option line, event and preprocessor directive carries the source location of its first
 * token (`loc`, 1-based line and column) and `source`, the text of the line(s) it was parsed from
 * with trailing comments removed. Times are kept both as written and in integer microseconds.
 */

/** A position in the script source: 1-based line and column, 0-based character offset. */
export interface SourceLoc {
  line: number;
  col: number;
  offset: number;
}

export interface Script {
  fileName?: string;
  /** `--name=value` lines (packetdrill's command-line options given in the script header). */
  options: OptionLine[];
  /** Timed (and untimed shell/python) events in source order. */
  events: ScriptEvent[];
  /** C-preprocessor lines (`#ifdef X`, `#endif`, ...), each placed before `events[eventIndex]`. */
  directives: Directive[];
}

export interface OptionLine {
  kind: 'option';
  /** Name without the leading `--`, e.g. `tolerance_usecs`. */
  name: string;
  /** Text after `=` (surrounding double quotes removed), or null for a bare flag like `--verbose`. */
  value: string | null;
  loc: SourceLoc;
  source: string;
}

export type DirectiveName = 'ifdef' | 'ifndef' | 'if' | 'elif' | 'else' | 'endif' | 'define' | 'undef' | 'include' | 'other';

export interface Directive {
  kind: 'directive';
  directive: DirectiveName;
  /** Everything after the directive keyword, trimmed (`STANDARD` for `#ifdef STANDARD`). */
  argument: string;
  /** Index into `Script.events` of the first event after this directive. */
  eventIndex: number;
  loc: SourceLoc;
  source: string;
}

// ---------------------------------------------------------------------------------------------
// Time

/** One time value: `0.1` (absolute), `+0.1` (relative to the previous event). */
export interface TimePoint {
  relative: boolean;
  /** Value in integer microseconds (exact decimal conversion, rounded to 1 us). */
  usecs: number;
  /** As written, without the `+`, e.g. `0.200`, `.1`. */
  text: string;
}

export type EventTime =
  /** `*`: any time. */
  | { kind: 'any' }
  /** `0.1` or `+0.1`. */
  | { kind: 'point'; at: TimePoint }
  /** `a~b`: the event may happen anywhere in [a, b]. */
  | { kind: 'range'; start: TimePoint; end: TimePoint }
  /**
   * `a...b`: a blocking system call that starts at `a` and returns at `b`. Both points are kept as
   * written; in packetdrill scripts a bare end after a relative start (`+.1...0.200`) is also
   * relative to the previous event (start.relative applies to the whole range).
   */
  | { kind: 'blocking'; start: TimePoint; end: TimePoint };

// ---------------------------------------------------------------------------------------------
// Events

interface EventBase {
  /** Null only for untimed shell commands / python blocks (e.g. `` `../common/defaults.sh` ``). */
  time: EventTime | null;
  loc: SourceLoc;
  source: string;
}

export interface PacketEvent extends EventBase {
  kind: 'packet';
  /** `<` inbound (injected into the system under test) / `>` outbound (expected from it). */
  direction: 'inbound' | 'outbound';
  packet: Packet;
}

export interface SyscallEvent extends EventBase {
  kind: 'syscall';
  name: string;
  args: Expr[];
  result: SyscallResult;
}

export interface ShellEvent extends EventBase {
  kind: 'shell';
  /** Command text between the backquotes. */
  command: string;
  /** Shell commands are parsed but never run by the simulator. */
  skipped: true;
}

export interface PythonEvent extends EventBase {
  kind: 'python';
  /** Code between `%{` and `}%`, trimmed. */
  code: string;
  /** Python blocks are parsed but never run by the simulator. */
  skipped: true;
}

export type ScriptEvent = PacketEvent | SyscallEvent | ShellEvent | PythonEvent;

// ---------------------------------------------------------------------------------------------
// Packets

export type Packet = TcpPacket | OtherPacket;

export interface TcpFlags {
  syn: boolean;
  fin: boolean;
  rst: boolean;
  psh: boolean;
  ack: boolean;
  urg: boolean;
  /** `E`: ECN-Echo. */
  ece: boolean;
  /** `W`: Congestion Window Reduced. */
  cwr: boolean;
}

export type SeqSpec =
  /** `start:end(length)`. */
  | { kind: 'range'; start: number; end: number; length: number }
  /** `...(length)`: any sequence number (FreeBSD suite). */
  | { kind: 'any'; length: number };

export type TcpOption =
  | { kind: 'nop'; loc: SourceLoc }
  | { kind: 'eol'; loc: SourceLoc }
  | { kind: 'mss'; value: number; loc: SourceLoc }
  | { kind: 'wscale'; shift: number; loc: SourceLoc }
  | { kind: 'sackOK'; loc: SourceLoc }
  | { kind: 'sack'; blocks: { start: number; end: number }[]; loc: SourceLoc }
  | { kind: 'timestamp'; val: number; ecr: number; loc: SourceLoc }
  /** `FO [cookie]` (RFC 7413) or `FOEXP [cookie]` (experimental kind 254). */
  | { kind: 'fastopen'; experimental: boolean; cookie: string | null; loc: SourceLoc }
  /** Any other option name; `text` is the option as written. */
  | { kind: 'unknown'; name: string; text: string; loc: SourceLoc };

export type TcpOptionList =
  /** `<...>`: any options accepted. */
  | { kind: 'any' }
  | { kind: 'list'; options: TcpOption[] };

export type EcnCodepoint = 'noecn' | 'ect0' | 'ect1' | 'ce' | 'ect01';

/** A bracketed `[...]` or parenthesised `(...)` group before or after a packet body. */
export interface IpGroup {
  bracket: '[' | '(';
  /** Content between the brackets, e.g. `ect0`, `tos 0x2`, `ipv4 ...`. */
  text: string;
  loc: SourceLoc;
}

export interface TcpPacket {
  protocol: 'tcp';
  flags: TcpFlags;
  /** Flags as written, e.g. `S.`, `SEW`, `.`. */
  flagsText: string;
  seq: SeqSpec;
  ack: number | null;
  win: number | null;
  urg: number | null;
  /** Null when no `<...>` list was written. */
  options: TcpOptionList | null;
  /** From a `[ect0]`-style group. */
  ecn: EcnCodepoint | null;
  /** Other bracket/paren groups (IP header attributes, encapsulation): not interpreted. */
  ipGroups: IpGroup[];
}

/** A non-TCP packet line (`udp`, `icmp`, `sctp`, `gre`, `ipv4`, ...): kept as text only. */
export interface OtherPacket {
  protocol: 'other';
  /** The protocol word, e.g. `udp`, `icmp`. */
  name: string;
  /** Everything after the protocol word, e.g. `unreachable frag_needed mtu 1200 [1:1461(1460)]`. */
  text: string;
  ipGroups: IpGroup[];
}

// ---------------------------------------------------------------------------------------------
// System calls

export interface SyscallResult {
  /** The expected return value: usually an int, sometimes `...` or a named constant. */
  value: Expr;
  /** `EINPROGRESS` in `= -1 EINPROGRESS (Operation now in progress)`. */
  errno: string | null;
  /** Text in parentheses after the value, e.g. `Operation now in progress`, `flags O_RDWR`. */
  note: string | null;
}

export type Expr =
  /** Decimal or hex integer, possibly negative; `text` as written (`0x02`, `-1`). */
  | { kind: 'int'; value: number; text: string }
  /** A decimal with a fraction, e.g. `0.5`. */
  | { kind: 'number'; value: number; text: string }
  | { kind: 'string'; value: string }
  /** `...`: any / don't care. */
  | { kind: 'ellipsis' }
  /** A named constant or symbol, e.g. `SOCK_STREAM`. */
  | { kind: 'ident'; name: string }
  /** `[a, b]`; `[1000]` is how packetdrill writes a pointer to an int. */
  | { kind: 'array'; elements: Expr[] }
  /** `{name=value, ...}`. */
  | { kind: 'struct'; fields: StructField[] }
  /** `A | B`. */
  | { kind: 'binary'; op: '|'; left: Expr; right: Expr }
  /** `htons(8080)`, `inet_addr("192.0.2.1")`. */
  | { kind: 'call'; callee: string; args: Expr[] }
  /** `&name`. */
  | { kind: 'addressOf'; operand: Expr };

export interface StructField {
  /** Null for a positional element. */
  name: string | null;
  /** Arguments of a keyed field like `msg_iov(1)=[...]`; null when the key has none. */
  nameArgs: Expr[] | null;
  value: Expr;
}

// ---------------------------------------------------------------------------------------------
// Results

export interface ParseErrorInfo {
  message: string;
  line: number;
  col: number;
  /** Text of the offending token, when there is one. */
  token?: string;
  fileName?: string;
}

export type ParseResult = { ok: true; script: Script } | { ok: false; error: ParseErrorInfo };

export type UnsupportedCategory =
  | 'icmp'
  | 'udp'
  | 'sctp'
  | 'ipv6'
  | 'fastopen'
  | 'preprocessor'
  | 'tcp-option'
  | 'ip-header'
  | 'packet'
  | 'option';

/** A construct the simulator cannot run; produced by `classifyScript`. */
export interface UnsupportedConstruct {
  category: UnsupportedCategory;
  /** The construct as written (e.g. `#ifdef STANDARD`, `FO`, `udp`, `MSG_FASTOPEN`). */
  construct: string;
  /** Why it is unsupported. */
  reason: string;
  line: number;
  col: number;
}
