/**
 * Which parts of a parsed script the simulated NIC cannot run.
 *
 * `classifyScript(script)` lists every unsupported construct with its location and a reason;
 * an empty list means the script only uses what the simulator supports (IPv4 TCP packets, socket
 * system calls, timing). Shell commands and python blocks are not listed: they are parsed and
 * marked `skipped: true` on the event, and a runner simply does not execute them.
 */
import type { Expr, Script, SourceLoc, UnsupportedCategory, UnsupportedConstruct } from './ast.ts';

/** packetdrill options a runner can honour or safely ignore. */
export const KNOWN_OPTIONS: ReadonlySet<string> = new Set([
  'ip_version', 'bind_port', 'connect_port', 'local_ip', 'remote_ip', 'gateway_ip', 'netmask_ip',
  'local_linklocal_ip', 'speed', 'mtu', 'init_scripts', 'tolerance_usecs', 'tolerance_percent',
  'tcp_ts_tick_usecs', 'non_fatal', 'verbose', 'debug', 'dry_run', 'define', 'so_filename', 'so_flags',
  'send_omit_free', 'wire_client', 'wire_server', 'wire_server_ip', 'wire_server_port', 'wire_client_dev',
  'wire_server_dev', 'mss',
]);

const PROTOCOL_CATEGORY: Record<string, UnsupportedCategory> = {
  udp: 'udp', udplite: 'udp', icmp: 'icmp', icmp6: 'icmp', icmpv6: 'icmp', sctp: 'sctp', ipv6: 'ipv6', ip6: 'ipv6',
};

/** Identifiers in system-call arguments that need something other than IPv4 TCP. */
const IDENTIFIER_RULES: { test: RegExp; category: UnsupportedCategory; reason: string }[] = [
  { test: /FASTOPEN/, category: 'fastopen', reason: 'TCP Fast Open is not supported' },
  { test: /^(SOCK_DGRAM|IPPROTO_UDP|IPPROTO_UDPLITE|UDP_\w+)$/, category: 'udp', reason: 'UDP sockets are not supported' },
  { test: /^(AF_INET6|PF_INET6|IPPROTO_IPV6|IPV6_\w+|IPPROTO_ICMPV6)$/, category: 'ipv6', reason: 'IPv6 is not supported' },
  { test: /^(IPPROTO_SCTP|SOCK_SEQPACKET|SCTP_\w+)$/, category: 'sctp', reason: 'SCTP is not supported' },
  { test: /^(IPPROTO_ICMP|ICMP_\w+)$/, category: 'icmp', reason: 'ICMP sockets are not supported' },
  { test: /^SOCK_RAW$/, category: 'packet', reason: 'raw sockets are not supported' },
];

export function classifyScript(script: Script): UnsupportedConstruct[] {
  const out: UnsupportedConstruct[] = [];
  const add = (category: UnsupportedCategory, construct: string, reason: string, loc: SourceLoc): void => {
    out.push({ category, construct, reason, line: loc.line, col: loc.col });
  };

  for (const opt of script.options) {
    const text = `--${opt.name}${opt.value === null ? '' : `=${opt.value}`}`;
    if (!KNOWN_OPTIONS.has(opt.name)) {
      add('option', text, `unknown packetdrill option --${opt.name}`, opt.loc);
    } else if (opt.name === 'ip_version' && opt.value !== 'ipv4') {
      add('ipv6', text, `IP version ${opt.value ?? '(none)'} is not supported (only ipv4)`, opt.loc);
    } else if (/_ip$/.test(opt.name) && opt.value?.includes(':')) {
      add('ipv6', text, 'IPv6 addresses are not supported', opt.loc);
    }
  }

  for (const d of script.directives) {
    if (d.directive === 'else' || d.directive === 'endif' || d.directive === 'elif') continue;
    add('preprocessor', d.source, 'C preprocessor lines are not evaluated (resolveConditionals() can select a branch)', d.loc);
  }

  for (const ev of script.events) {
    if (ev.kind === 'packet') {
      const p = ev.packet;
      if (p.protocol === 'other') {
        const category = PROTOCOL_CATEGORY[p.name] ?? 'packet';
        add(category, `${p.name} ${p.text}`.trim(), `${p.name} packets are not supported (only TCP)`, ev.loc);
      } else {
        for (const opt of p.options?.kind === 'list' ? p.options.options : []) {
          if (opt.kind === 'fastopen') add('fastopen', opt.experimental ? 'FOEXP' : 'FO', 'TCP Fast Open option is not supported', opt.loc);
          else if (opt.kind === 'unknown') add('tcp-option', opt.text, `unknown TCP option '${opt.name}'`, opt.loc);
        }
      }
      for (const g of p.ipGroups) {
        const text = g.bracket === '[' ? `[${g.text}]` : `(${g.text})`;
        add(/\bipv?6\b/.test(g.text) ? 'ipv6' : 'ip-header', text, 'IP header attributes / encapsulation are not supported', g.loc);
      }
    } else if (ev.kind === 'syscall') {
      const seen = new Set<string>();
      const visit = (e: Expr): void => {
        switch (e.kind) {
          case 'ident':
            for (const rule of IDENTIFIER_RULES) {
              if (rule.test.test(e.name) && !seen.has(e.name)) {
                seen.add(e.name);
                add(rule.category, e.name, rule.reason, ev.loc);
              }
            }
            break;
          case 'array':
            e.elements.forEach(visit);
            break;
          case 'struct':
            for (const f of e.fields) {
              if (f.name && /^sin6_/.test(f.name) && !seen.has(f.name)) {
                seen.add(f.name);
                add('ipv6', f.name, 'IPv6 socket addresses are not supported', ev.loc);
              }
              f.nameArgs?.forEach(visit);
              visit(f.value);
            }
            break;
          case 'binary':
            visit(e.left);
            visit(e.right);
            break;
          case 'call':
            if (/^inet6_/.test(e.callee) && !seen.has(e.callee)) {
              seen.add(e.callee);
              add('ipv6', e.callee, 'IPv6 addresses are not supported', ev.loc);
            }
            e.args.forEach(visit);
            break;
          case 'addressOf':
            visit(e.operand);
            break;
          default:
            break;
        }
      };
      ev.args.forEach(visit);
      visit(ev.result.value);
    }
  }
  return out;
}
