/**
 * Scripts the runner cannot run are reported unsupported, with the construct classifyScript
 * names, and are never run; constructs only the runner knows it cannot do (system calls, flags)
 * are reported unsupported when met.
 */
import { describe, expect, it } from 'vitest';
import { formatResult, runScriptText } from '../../../sim/packetdrill/runner/index.ts';
import { script } from './helpers.ts';
import { MiniTcp } from './mini-tcp.ts';

const factory = (net: Parameters<ConstructorParameters<typeof MiniTcp>[0] extends infer N ? (n: N) => void : never>[0]) => new MiniTcp(net);

const HEAD = script(`
  0 socket(..., SOCK_STREAM, IPPROTO_TCP) = 3
  +0 bind(3, ..., ...) = 0
  +0 listen(3, 1) = 0
`);

describe('unsupported scripts', () => {
  it.each([
    ['udp', 'udp', `0 socket(..., SOCK_DGRAM, IPPROTO_UDP) = 3\n+0 < udp (1000)\n`],
    ['icmp', 'icmp', `${HEAD}+0 < icmp unreachable frag_needed mtu 1200 [1:1461(1460)]\n`],
    ['ipv6 option', 'ipv6', `--ip_version=ipv6\n${HEAD}`],
    ['ipv6 socket', 'ipv6', `0 socket(..., SOCK_STREAM, IPPROTO_TCP) = 3\n+0 setsockopt(3, IPPROTO_IPV6, IPV6_V6ONLY, [1], 4) = 0\n`],
    ['fast open option', 'fastopen', `${HEAD}+0 < S 0:10(10) win 32792 <mss 1460,FO abcd1234>\n`],
    ['fast open sockopt', 'fastopen', `${HEAD}+0 setsockopt(3, SOL_TCP, TCP_FASTOPEN, [1], 4) = 0\n`],
  ])('%s', (_name, category, text) => {
    const r = runScriptText(text, 'u.pkt', factory);
    expect(r.status, formatResult(r)).toBe('unsupported');
    expect(r.unsupported!.map((u) => u.category)).toContain(category);
    expect(r.eventsRun).toBe(0);
    expect(r.wire).toHaveLength(0);
    expect(formatResult(r)).toMatch(/^UNSUPPORTED u\.pkt\n {2}u\.pkt:\d+: /);
  });

  it('a system call the runner does not implement is reported where it is met', () => {
    const r = runScriptText(`${HEAD}+0 setsockopt(3, SOL_SOCKET, SO_LINGER, {onoff=1, linger=0}, 8) = 0\n`, 'u.pkt', factory);
    expect(r.status).toBe('unsupported');
    expect(r.unsupported![0]).toMatchObject({ category: 'syscall', construct: 'setsockopt SO_LINGER', line: 4 });
    expect(r.eventsRun).toBe(3);
  });

  it('#ifdef is unsupported unless macros are given', () => {
    const text = `${HEAD}#ifdef STANDARD\n+0 close(3) = 0\n#else\n+0 close(3) = -1 EBADF\n#endif\n`;
    expect(runScriptText(text, 'u.pkt', factory).unsupported?.[0]?.category).toBe('preprocessor');
    expect(runScriptText(text, 'u.pkt', factory, { defines: ['STANDARD'] }).status).toBe('pass');
    expect(runScriptText(text, 'u.pkt', factory, { defines: [] }).failure?.expected).toBe('-1 EBADF');
  });

  it('a parse error is a failure of kind script, with the line', () => {
    const r = runScriptText(`${HEAD}+0 < S 0:0(0) win\n`, 'bad.pkt', factory);
    expect(r.status).toBe('fail');
    expect(r.failure).toMatchObject({ kind: 'script', line: 4 });
  });

  it('ECN groups are ignored with a note', () => {
    const r = runScriptText(`${HEAD}+0 < [ect0] S 0:0(0) win 32792 <mss 1000>\n+0 > S. 0:0(0) ack 1 <...>\n`, 'e.pkt', factory);
    expect(r.status, formatResult(r)).toBe('pass');
    expect(r.notes.join('\n')).toContain('line 4: ECN codepoint [ect0] ignored');
  });
});
