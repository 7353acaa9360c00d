/**
 * Reference-stack sysctls a script sets in its shell lines, mapped onto the TOE's equivalent
 * configuration (the runner skips shell commands; a TOE configured the way the script configures
 * its reference stack runs the script as written). This never loosens matching: a sysctl either
 * sets a TOE parameter, is already what the TOE does, or has no TOE equivalent (noted, and the
 * script runs against the default TOE).
 *
 *   const m = sysctlConfig(scriptText, ['STANDARD']);   // { target: ToeTargetOptions, notes }
 *
 * Only the setup phase counts: `sysctl -w` lines before the script's first packet or system call
 * (FreeBSD suite scripts restore defaults at their end; those lines are ignored with a note).
 *
 * | sysctl (FreeBSD)                    | TOE                                                     |
 * |-------------------------------------|---------------------------------------------------------|
 * | net.inet.tcp.delacktime=MS          | toe.delackUs = MS * 1000 (hardware delayed-ACK timer)    |
 * | net.inet.tcp.sack.enable=0/1        | fw.sack (and fw.dsack with it)                          |
 * | net.inet.tcp.rfc1323=0/1            | 0: fw.timestamps = false, fw.wscale = -1 (RFC 7323 off) |
 * | net.inet.tcp.rexmit_initial=MS      | fw.initialRtoUs = MS * 1000                             |
 * | net.inet.tcp.insecure_rst=0         | matches (RFC 5961 §3 always on); 1: no equivalent        |
 * | net.inet.tcp.insecure_syn=0         | matches (RFC 5961 §4 always on); 1: no equivalent        |
 * | net.inet.tcp.drop_synfin=0          | matches (SYN+FIN processed per RFC 9293); 1: none        |
 * | net.inet.tcp.blackhole=0            | matches (RST to closed ports); other values: none        |
 * | net.inet.tcp.rexmit_drop_options=0  | matches (SYN retransmissions keep their options)         |
 * | net.inet.tcp.ecn.enable=N           | no equivalent: the TOE does not negotiate ECN            |
 * | net.inet.tcp.keepinit=MS            | no equivalent: SYN-SENT gives up after fw.maxSynRetries  |
 * | net.inet.tcp.rexmit_slop=MS         | no equivalent: RTO bounds are fw.minRtoUs / maxRtoUs     |
 * | recvspace, sendspace, maxsockbuf    | not mapped: buffer-derived values fall under the         |
 * |                                     | `bufferSizes` tolerance (fw.rcvbuf / sndbuf are fixed)   |
 * | net.inet.tcp.hostcache.purgenow=1   | matches (the TOE keeps no per-host cache)                |
 */
import { parseScript } from './parser.ts';
import { resolveConditionals } from './conditionals.ts';
import type { ToeTargetOptions } from './toe-target.ts';

export interface SysctlMapping {
  /** TOE options the script's sysctls translate to (empty when none apply). */
  target: ToeTargetOptions;
  /** One line per sysctl: what it became. */
  notes: string[];
}

type Rule = (value: string, o: Required<Pick<ToeTargetOptions, 'toe' | 'fw'>>) => string;

const ms = (v: string): number => {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0) throw new Error(`not a millisecond count: ${v}`);
  return n;
};
const flag = (v: string): boolean => v.trim() !== '0';
const matchesIf = (want: string, what: string) => (v: string) => (v === want ? `matches: ${what}` : `no TOE equivalent for ${v}: ${what}`);

/** sysctl name -> what it does to the TOE configuration; the returned string is the note. */
export const SYSCTL_RULES: Readonly<Record<string, Rule>> = {
  'net.inet.tcp.delacktime': (v, o) => { o.toe.delackUs = ms(v) * 1000; return `toe.delackUs = ${o.toe.delackUs}`; },
  'net.inet.tcp.sack.enable': (v, o) => { o.fw.sack = flag(v); o.fw.dsack = flag(v); return `fw.sack = fw.dsack = ${o.fw.sack}`; },
  'net.inet.tcp.rfc1323': (v, o) => {
    if (flag(v)) return 'matches: window scale and timestamps offered';
    o.fw.timestamps = false; o.fw.wscale = -1;
    return 'fw.timestamps = false, fw.wscale = -1';
  },
  'net.inet.tcp.rexmit_initial': (v, o) => { o.fw.initialRtoUs = ms(v) * 1000; return `fw.initialRtoUs = ${o.fw.initialRtoUs}`; },
  'net.inet.tcp.insecure_rst': matchesIf('0', 'RFC 5961 §3 RST checks are always on'),
  'net.inet.tcp.insecure_syn': matchesIf('0', 'RFC 5961 §4 SYN checks are always on'),
  'net.inet.tcp.drop_synfin': matchesIf('0', 'SYN+FIN is processed as RFC 9293 says, never dropped'),
  'net.inet.tcp.blackhole': matchesIf('0', 'segments to closed ports get a RST'),
  'net.inet.tcp.rexmit_drop_options': matchesIf('0', 'SYN retransmissions keep their options'),
  'net.inet.tcp.hostcache.purgenow': () => 'matches: the TOE keeps no per-host cache',
  'net.inet.tcp.ecn.enable': (v) => `no TOE equivalent for ${v}: the TOE does not negotiate ECN`,
  'net.inet.tcp.keepinit': () => 'no TOE equivalent: SYN-SENT gives up after fw.maxSynRetries',
  'net.inet.tcp.rexmit_slop': () => 'no TOE equivalent: RTO bounds are fw.minRtoUs / fw.maxRtoUs',
  'net.inet.tcp.recvspace': () => 'not mapped: buffer sizes fall under the bufferSizes tolerance (fw.rcvbuf is fixed)',
  'net.inet.tcp.sendspace': () => 'not mapped: buffer sizes fall under the bufferSizes tolerance (fw.sndbuf is fixed)',
  'kern.ipc.maxsockbuf': () => 'not mapped: buffer sizes fall under the bufferSizes tolerance',
};

const SYSCTL = /^\s*sysctl\s+(?:-w\s+)?([\w.]+)=(\S+)\s*$/;

/** The TOE configuration equivalent to the sysctls `text` sets up before its first packet or call. */
export function sysctlConfig(text: string, defines: Iterable<string> = []): SysctlMapping {
  const parsed = parseScript(text);
  if (!parsed.ok) return { target: {}, notes: [] };
  let script = parsed.script;
  try { script = resolveConditionals(script, defines); } catch { return { target: {}, notes: [] }; }
  const o = { toe: {}, fw: {} } as Required<Pick<ToeTargetOptions, 'toe' | 'fw'>>;
  const notes: string[] = [];
  let setup = true;
  for (const ev of script.events) {
    if (ev.kind !== 'shell' && ev.kind !== 'python') { setup = false; continue; }
    if (ev.kind !== 'shell') continue;
    const m = SYSCTL.exec(ev.command);
    if (!m) continue;
    const [, name, value] = m as unknown as [string, string, string];
    const where = `line ${ev.loc.line}: sysctl ${name}=${value}`;
    if (!setup) { notes.push(`${where}: after setup, ignored (the TOE is configured once, at boot)`); continue; }
    const rule = SYSCTL_RULES[name];
    notes.push(`${where}: ${rule ? rule(value, o) : 'unknown to the TOE target, ignored'}`);
  }
  const target: ToeTargetOptions = {};
  if (Object.keys(o.toe).length > 0) target.toe = o.toe;
  if (Object.keys(o.fw).length > 0) target.fw = o.fw;
  return { target, notes };
}

/** `base` with `extra` layered on top (hardware and firmware parameters merged field by field). */
export function mergeTargetOptions(base: ToeTargetOptions = {}, extra: ToeTargetOptions = {}): ToeTargetOptions {
  return { toe: { ...base.toe, ...extra.toe }, fw: { ...base.fw, ...extra.fw } };
}
