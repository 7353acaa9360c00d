import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  classifyScript,
  PacketdrillParseError,
  parseScript,
  parseScriptOrThrow,
  resolveConditionals,
  type Expr,
  type PacketEvent,
  type ParseErrorInfo,
  type Script,
  type ScriptEvent,
  type SyscallEvent,
  type TcpPacket,
} from '../../sim/packetdrill/index.ts';

function parse(text: string): Script {
  const r = parseScript(text, 'test.pkt');
  if (!r.ok) throw new Error(`unexpected parse error: ${JSON.stringify(r.error)}`);
  return r.script;
}

function parseError(text: string): ParseErrorInfo {
  const r = parseScript(text, 'test.pkt');
  if (r.ok) throw new Error(`expected a parse error for ${JSON.stringify(text)}`);
  return r.error;
}

function one(text: string): ScriptEvent {
  const s = parse(text);
  expect(s.events).toHaveLength(1);
  return s.events[0]!;
}

function tcp(text: string): TcpPacket & { direction: PacketEvent['direction'] } {
  const ev = one(text);
  if (ev.kind !== 'packet' || ev.packet.protocol !== 'tcp') throw new Error(`not a TCP packet: ${text}`);
  return { ...ev.packet, direction: ev.direction };
}

function syscall(text: string): SyscallEvent {
  const ev = one(text);
  if (ev.kind !== 'syscall') throw new Error(`not a syscall: ${text}`);
  return ev;
}

const int = (value: number, text = String(value)): Expr => ({ kind: 'int', value, text });
const id = (name: string): Expr => ({ kind: 'ident', name });

describe('options', () => {
  it('parses --name=value lines and bare flags', () => {
    const s = parse('--tolerance_usecs=10000\n--ip_version=ipv4\n--init_scripts="a b"\n--verbose\n0 close(3) = 0\n');
    expect(s.options.map((o) => [o.name, o.value])).toEqual([
      ['tolerance_usecs', '10000'],
      ['ip_version', 'ipv4'],
      ['init_scripts', 'a b'],
      ['verbose', null],
    ]);
    expect(s.options[1]!.loc).toMatchObject({ line: 2, col: 1 });
    expect(classifyScript(s)).toEqual([]);
  });

  it('rejects options after the first event', () => {
    expect(parseError('0 close(3) = 0\n--mtu=1500\n')).toMatchObject({ line: 2, col: 1, token: '--mtu' });
  });
});

describe('time', () => {
  const time = (t: string) => one(`${t} close(3) = 0`).time;

  it('absolute and relative points, in exact microseconds', () => {
    expect(time('0.1')).toEqual({ kind: 'point', at: { relative: false, usecs: 100_000, text: '0.1' } });
    expect(time('+0.1')).toEqual({ kind: 'point', at: { relative: true, usecs: 100_000, text: '0.1' } });
    expect(time('+.01')).toEqual({ kind: 'point', at: { relative: true, usecs: 10_000, text: '.01' } });
    expect(time('+ 0.00')).toEqual({ kind: 'point', at: { relative: true, usecs: 0, text: '0.00' } });
    expect(time('12')).toEqual({ kind: 'point', at: { relative: false, usecs: 12_000_000, text: '12' } });
    expect(time('0.0000015')).toMatchObject({ at: { usecs: 2 } });
  });

  it('wildcard', () => {
    expect(one('* > S 0:0(0) win 65535 <...>').time).toEqual({ kind: 'any' });
  });

  it('ranges a~b', () => {
    expect(time('0.1~0.2')).toEqual({
      kind: 'range',
      start: { relative: false, usecs: 100_000, text: '0.1' },
      end: { relative: false, usecs: 200_000, text: '0.2' },
    });
    expect(time('+0.1~+0.3')).toMatchObject({ kind: 'range', start: { relative: true }, end: { relative: true, usecs: 300_000 } });
  });

  it('blocking ranges a...b, relative and absolute', () => {
    expect(time('+0...0.200')).toEqual({
      kind: 'blocking',
      start: { relative: true, usecs: 0, text: '0' },
      end: { relative: false, usecs: 200_000, text: '0.200' },
    });
    expect(time('0...0.2')).toMatchObject({ kind: 'blocking', start: { relative: false, usecs: 0 }, end: { usecs: 200_000 } });
    expect(time('+.01...0.011')).toMatchObject({ kind: 'blocking', start: { usecs: 10_000 }, end: { usecs: 11_000 } });
  });

  it('rejects a blocking range on a packet and an inverted absolute range', () => {
    expect(parseError('+0...0.1 < . 1:1(0) ack 1 win 10\n').message).toMatch(/only valid for a system call/);
    expect(parseError('0.2~0.1 < . 1:1(0) ack 1 win 10\n').message).toMatch(/ends .* before it starts/);
  });
});

describe('TCP packets', () => {
  it('inbound SYN with options', () => {
    const p = tcp('+0 < S 0:0(0) win 32792 <mss 1000,sackOK,nop,nop,nop,wscale 7>');
    expect(p.direction).toBe('inbound');
    expect(p.flagsText).toBe('S');
    expect(p.flags).toEqual({ syn: true, fin: false, rst: false, psh: false, ack: false, urg: false, ece: false, cwr: false });
    expect(p.seq).toEqual({ kind: 'range', start: 0, end: 0, length: 0 });
    expect(p.ack).toBeNull();
    expect(p.win).toBe(32792);
    expect(p.options).toEqual({
      kind: 'list',
      options: [
        { kind: 'mss', value: 1000, loc: { line: 1, col: 26, offset: 25 } },
        { kind: 'sackOK', loc: expect.any(Object) },
        { kind: 'nop', loc: expect.any(Object) },
        { kind: 'nop', loc: expect.any(Object) },
        { kind: 'nop', loc: expect.any(Object) },
        { kind: 'wscale', shift: 7, loc: expect.any(Object) },
      ],
    });
  });

  it('every flag form', () => {
    const cases: [string, Partial<TcpPacket['flags']>][] = [
      ['S.', { syn: true, ack: true }],
      ['.', { ack: true }],
      ['P.', { psh: true, ack: true }],
      ['F.', { fin: true, ack: true }],
      ['R', { rst: true }],
      ['R.', { rst: true, ack: true }],
      ['SF', { syn: true, fin: true }],
      ['SEW', { syn: true, ece: true, cwr: true }],
      ['S.E', { syn: true, ack: true, ece: true }],
      ['U.', { urg: true, ack: true }],
    ];
    for (const [text, expected] of cases) {
      const seq = text.includes('S') ? '0:0(0)' : '1:1(0)';
      const p = tcp(`+0 > ${text.replace('.E', 'E.')} ${seq} ack 1`);
      const all = { syn: false, fin: false, rst: false, psh: false, ack: false, urg: false, ece: false, cwr: false };
      expect(p.flags, text).toEqual({ ...all, ...expected });
    }
    expect(tcp('+0 > SE. 0:0(0) ack 1').flagsText).toBe('SE.');
  });

  it('outbound data segment with ack, win, urg', () => {
    const p = tcp('+0 > P. 1:1001(1000) ack 1 win 257 urg 5');
    expect(p).toMatchObject({ direction: 'outbound', seq: { kind: 'range', start: 1, end: 1001, length: 1000 }, ack: 1, win: 257, urg: 5, options: null });
  });

  it('fields in any order; duplicates are errors', () => {
    expect(tcp('+0 < . 1:1(0) win 10 ack 7')).toMatchObject({ ack: 7, win: 10 });
    expect(parseError('+0 < . 1:1(0) ack 1 ack 2\n')).toMatchObject({ line: 1, col: 21, token: 'ack' });
  });

  it('sequence wrap-around and the FreeBSD any-sequence form', () => {
    expect(tcp('+0 < . 4294967295:9(10) ack 1 win 1').seq).toEqual({ kind: 'range', start: 4294967295, end: 9, length: 10 });
    expect(tcp('+0.00 > S.     ...(0)     ack 65537 win 65535 <mss 1460,sackOK,eol,eol>').seq).toEqual({ kind: 'any', length: 0 });
    expect(parseError('+0 < . 1:5(3) ack 1\n')).toMatchObject({ line: 1, col: 8, message: expect.stringMatching(/does not match the payload length/) });
  });

  it('TCP option lists: timestamps, sack blocks, eol, any, empty', () => {
    const p = tcp('+0 > S 0:0(0) <mss 1460,sackOK,TS val 100 ecr 0,nop,wscale 8,sack 1:2 3:4,eol>');
    expect(p.options?.kind === 'list' && p.options.options.map(({ loc: _loc, ...o }) => o)).toEqual([
      { kind: 'mss', value: 1460 },
      { kind: 'sackOK' },
      { kind: 'timestamp', val: 100, ecr: 0 },
      { kind: 'nop' },
      { kind: 'wscale', shift: 8 },
      { kind: 'sack', blocks: [{ start: 1, end: 2 }, { start: 3, end: 4 }] },
      { kind: 'eol' },
    ]);
    expect(tcp('+0 > S 0:0(0) <...>').options).toEqual({ kind: 'any' });
    expect(tcp('+0 > S 0:0(0) <>').options).toEqual({ kind: 'list', options: [] });
    expect(tcp('+0 > . 1:1(0) ack 1 <nop,nop,sack 600:700 400:500 200:300>').options).toMatchObject({
      options: [{ kind: 'nop' }, { kind: 'nop' }, { kind: 'sack', blocks: [{ start: 600, end: 700 }, { start: 400, end: 500 }, { start: 200, end: 300 }] }],
    });
  });

  it('fast open and unknown options parse but are unsupported', () => {
    const s = parse('+0 < S 0:0(0) win 1000 <mss 1460,FO abcd1234,md5 xyz>\n+0 < S 0:0(0) win 1 <FOEXP>\n');
    const opts = (s.events[0] as PacketEvent & { packet: TcpPacket }).packet.options;
    expect(opts).toMatchObject({
      options: [{ kind: 'mss' }, { kind: 'fastopen', experimental: false, cookie: 'abcd1234' }, { kind: 'unknown', name: 'md5', text: 'md5 xyz' }],
    });
    expect(classifyScript(s).map((u) => [u.category, u.construct, u.line, u.col])).toEqual([
      ['fastopen', 'FO', 1, 34],
      ['tcp-option', 'md5 xyz', 1, 46],
      ['fastopen', 'FOEXP', 2, 22],
    ]);
  });

  it('ECN codepoint groups are parsed; other IP groups are kept and unsupported', () => {
    expect(tcp('+0 < [ect0] SEW 0:0(0) win 32792 <mss 1000>')).toMatchObject({ ecn: 'ect0', ipGroups: [], flagsText: 'SEW' });
    const s = parse('+0 < (tos 0x2) . 1:1(0) ack 1 win 10\n+0 > [ipv4 192.0.2.1 > 192.168.0.1] . 1:1(0) ack 1\n');
    expect((s.events[0] as PacketEvent).packet.ipGroups).toMatchObject([{ bracket: '(', text: 'tos 0x2' }]);
    expect((s.events[1] as PacketEvent).packet.ipGroups).toMatchObject([{ bracket: '[', text: 'ipv4 192.0.2.1 > 192.168.0.1' }]);
    expect(classifyScript(s).map((u) => [u.category, u.construct])).toEqual([
      ['ip-header', '(tos 0x2)'],
      ['ip-header', '[ipv4 192.0.2.1 > 192.168.0.1]'],
    ]);
  });

  it('rejects malformed segments with the offending token', () => {
    expect(parseError('+0 < S 0:0 win 100\n')).toMatchObject({ line: 1, col: 12, token: 'win', message: 'unexpected "win" (identifier); expected "("' });
    expect(parseError('+0 < S 0:0(0) win abc\n')).toMatchObject({ line: 1, col: 19, token: 'abc' });
    expect(parseError('+0 < X 0:0(0)\n')).toMatchObject({ line: 1, col: 6, token: 'X' });
    expect(parseError('+0 < SS 0:0(0)\n').message).toMatch(/repeated/);
    expect(parseError('+0 > S 0:0(0) <mss 1460,>\n')).toMatchObject({ col: 25, token: '>' });
    expect(parseError('+0 > S 0:0(0) <mss x>\n')).toMatchObject({ col: 20, token: 'x', message: expect.stringMatching(/expected integer/) });
  });
});

describe('non-TCP packets', () => {
  it('udp, icmp, sctp and ipv6 lines parse as unsupported packets', () => {
    const s = parse(
      [
        '+0 < udp (1000)',
        '+0 > icmp unreachable frag_needed mtu 1200 [1:1461(1460)]',
        '+0 < sctp: INIT[flgs=0, tag=1]',
        '+0 < ipv6 2001:db8::1 > 2001:db8::2: . 1:1(0) ack 1',
        '+0 < (tos 0x1) udp (10)',
      ].join('\n'),
    );
    expect(s.events.map((e) => e.kind === 'packet' && e.packet.protocol === 'other' && [e.packet.name, e.packet.text])).toEqual([
      ['udp', '(1000)'],
      ['icmp', 'unreachable frag_needed mtu 1200 [1:1461(1460)]'],
      ['sctp', ': INIT[flgs=0, tag=1]'],
      ['ipv6', '2001:db8::1 > 2001:db8::2: . 1:1(0) ack 1'],
      ['udp', '(10)'],
    ]);
    expect(classifyScript(s).map((u) => u.category)).toEqual(['udp', 'icmp', 'sctp', 'ipv6', 'udp', 'ip-header']);
    expect(classifyScript(s)[1]).toMatchObject({ construct: 'icmp unreachable frag_needed mtu 1200 [1:1461(1460)]', line: 2, col: 1, reason: expect.stringMatching(/only TCP/) });
  });
});

describe('system calls', () => {
  it('plain call with ellipsis and constants', () => {
    const ev = syscall('0 socket(..., SOCK_STREAM, IPPROTO_TCP) = 3');
    expect(ev).toMatchObject({ name: 'socket', args: [{ kind: 'ellipsis' }, id('SOCK_STREAM'), id('IPPROTO_TCP')], result: { value: int(3), errno: null, note: null } });
  });

  it('errno and its explanation', () => {
    expect(syscall('+0 connect(3, ..., ...) = -1 EINPROGRESS (Operation now in progress)').result).toEqual({
      value: int(-1, '-1'),
      errno: 'EINPROGRESS',
      note: 'Operation now in progress',
    });
    expect(syscall("+0 write(4, ..., 1000) = -1 EPIPE (Broken pipe)").result).toMatchObject({ errno: 'EPIPE', note: 'Broken pipe' });
    expect(syscall("+0 bind(3, ..., ...) = -1 EADDRNOTAVAIL (Can't assign requested address)").result.note).toBe("Can't assign requested address");
    expect(syscall('+0 close(3) = -1 EBADF').result).toEqual({ value: int(-1, '-1'), errno: 'EBADF', note: null });
  });

  it('hex result with a note, and binary-or arguments', () => {
    expect(syscall('+0 fcntl(3, F_GETFL) = 0x02 (flags O_RDWR)').result).toEqual({ value: int(2, '0x02'), errno: null, note: 'flags O_RDWR' });
    expect(syscall('+0 fcntl(3, F_SETFL, O_RDWR | O_NONBLOCK) = 0').args[2]).toEqual({ kind: 'binary', op: '|', left: id('O_RDWR'), right: id('O_NONBLOCK') });
  });

  it('arrays (pointers to ints), errno constants in arrays', () => {
    expect(syscall('+0 setsockopt(3, SOL_SOCKET, SO_REUSEADDR, [1], 4) = 0').args[3]).toEqual({ kind: 'array', elements: [int(1)] });
    expect(syscall('+0 getsockopt(4, SOL_SOCKET, SO_ERROR, [ECONNRESET], [4]) = 0').args.slice(3)).toEqual([
      { kind: 'array', elements: [id('ECONNRESET')] },
      { kind: 'array', elements: [int(4)] },
    ]);
    expect(syscall('+0 poll([], 0, 0) = 0').args[0]).toEqual({ kind: 'array', elements: [] });
  });

  it('structs, function-like values, strings, address-of and keyed fields with arguments', () => {
    const ev = syscall('+0 connect(3, {sa_family=AF_INET, sin_port=htons(8080), sin_addr=inet_addr("192.0.2.1")}, 16) = 0');
    expect(ev.args[1]).toEqual({
      kind: 'struct',
      fields: [
        { name: 'sa_family', nameArgs: null, value: id('AF_INET') },
        { name: 'sin_port', nameArgs: null, value: { kind: 'call', callee: 'htons', args: [int(8080)] } },
        { name: 'sin_addr', nameArgs: null, value: { kind: 'call', callee: 'inet_addr', args: [{ kind: 'string', value: '192.0.2.1' }] } },
      ],
    });
    const msg = syscall('+0 sendmsg(4, {msg_name(...)=..., msg_iov(1)=[{iov_base=..., iov_len=1000}], msg_flags=0}, 0) = 1000');
    expect(msg.args[1]).toMatchObject({
      kind: 'struct',
      fields: [
        { name: 'msg_name', nameArgs: [{ kind: 'ellipsis' }], value: { kind: 'ellipsis' } },
        { name: 'msg_iov', nameArgs: [int(1)], value: { kind: 'array', elements: [{ kind: 'struct' }] } },
        { name: 'msg_flags', nameArgs: null, value: int(0) },
      ],
    });
    expect(syscall('+0 getsockname(3, &addr, [16]) = 0').args[1]).toEqual({ kind: 'addressOf', operand: id('addr') });
    expect(syscall('+0 write(3, "a\\"b\\n", -1) = 4').args.slice(1)).toEqual([{ kind: 'string', value: 'a"b\n' }, int(-1, '-1')]);
    expect(syscall('+0 f({...}) = ...').result.value).toEqual({ kind: 'ellipsis' });
  });

  it('arguments may span lines', () => {
    const s = parse('+0 setsockopt(3, SOL_SOCKET,\n     SO_LINGER, {l_onoff=1,\n                 l_linger=0}, 8) = 0\n+0 close(3) = 0\n');
    expect(s.events).toHaveLength(2);
    expect(s.events[0]).toMatchObject({ kind: 'syscall', name: 'setsockopt', loc: { line: 1, col: 1 } });
    expect(s.events[1]!.loc.line).toBe(4);
  });

  it('reports unsupported socket types and fast open flags', () => {
    const s = parse(
      [
        '0 socket(..., SOCK_DGRAM, IPPROTO_UDP) = 3',
        '+0 socket(AF_INET6, SOCK_STREAM, IPPROTO_TCP) = 4',
        '+0 setsockopt(4, SOL_TCP, TCP_FASTOPEN, [1], 4) = 0',
        '+0 sendto(4, ..., 1000, MSG_FASTOPEN, ..., ...) = 1000',
      ].join('\n'),
    );
    expect(classifyScript(s).map((u) => [u.category, u.construct, u.line])).toEqual([
      ['udp', 'SOCK_DGRAM', 1],
      ['udp', 'IPPROTO_UDP', 1],
      ['ipv6', 'AF_INET6', 2],
      ['fastopen', 'TCP_FASTOPEN', 3],
      ['fastopen', 'MSG_FASTOPEN', 4],
    ]);
  });

  it('rejects malformed calls, pointing at the token', () => {
    expect(parseError('+0 close(3) 0\n')).toMatchObject({ line: 1, col: 13, token: '0', message: 'unexpected "0" (integer); expected "="' });
    const e = parseError('+0 socket(..., SOCK_STREAM = 3\n+0 close(3) = 0\n');
    expect(e).toMatchObject({ line: 1, col: 28, token: '=' });
    expect(e.message).toMatch(/unclosed "\(" at line 1 col 10/);
    expect(parseError('+0 write(3, "abc, 3) = 3\n').message).toMatch(/unterminated string/);
  });
});

describe('shell commands and python blocks', () => {
  it('timed and untimed shell commands are parsed and marked skipped', () => {
    const s = parse('`../common/defaults.sh`\n 0.00 `sysctl -w net.inet.tcp.sack.enable=1`\n');
    expect(s.events).toEqual([
      { kind: 'shell', command: '../common/defaults.sh', skipped: true, time: null, loc: { line: 1, col: 1, offset: 0 }, source: '`../common/defaults.sh`' },
      {
        kind: 'shell',
        command: 'sysctl -w net.inet.tcp.sack.enable=1',
        skipped: true,
        time: { kind: 'point', at: { relative: false, usecs: 0, text: '0.00' } },
        loc: { line: 2, col: 2, offset: 25 },
        source: '0.00 `sysctl -w net.inet.tcp.sack.enable=1`',
      },
    ]);
    expect(classifyScript(s)).toEqual([]);
  });

  it('python blocks, single and multi-line', () => {
    const s = parse('+0.00 %{ assert tcpi_state == TCPI_SYN_SENT }%\n+0 %{\nprint(1)\nprint(2)\n}%\n+0 close(3) = 0\n');
    expect(s.events.map((e) => e.kind)).toEqual(['python', 'python', 'syscall']);
    expect(s.events[0]).toMatchObject({ code: 'assert tcpi_state == TCPI_SYN_SENT', skipped: true });
    expect(s.events[1]).toMatchObject({ code: 'print(1)\nprint(2)', loc: { line: 2 } });
    expect(s.events[2]!.loc.line).toBe(6);
    expect(parse('%{ import os }%\n0 close(3) = 0\n').events[0]).toMatchObject({ kind: 'python', time: null, code: 'import os', skipped: true });
    expect(parseError('+0 %{ print 1\n').message).toMatch(/unterminated python block/);
    expect(parseError('0 `echo hi\n')).toMatchObject({ line: 1, col: 3, message: expect.stringMatching(/unterminated shell command/) });
  });
});

describe('preprocessor lines', () => {
  const text = [
    '0 socket(..., SOCK_STREAM, IPPROTO_TCP) = 3',
    '#ifdef STANDARD',
    '+0 close(3) = 0',
    '#else',
    '+0 close(3) = -1 EBADF (Bad file descriptor)',
    '#endif // comment',
    '#ifndef FreeBSD',
    '+0 `true`',
    '#endif',
  ].join('\n');

  it('are parsed as directives, reported unsupported, and can be resolved', () => {
    const s = parse(text);
    expect(s.events).toHaveLength(4);
    expect(s.directives.map((d) => [d.directive, d.argument, d.eventIndex, d.loc.line])).toEqual([
      ['ifdef', 'STANDARD', 1, 2],
      ['else', '', 2, 4],
      ['endif', '', 3, 6],
      ['ifndef', 'FreeBSD', 3, 7],
      ['endif', '', 4, 9],
    ]);
    expect(classifyScript(s).map((u) => [u.category, u.construct, u.line])).toEqual([
      ['preprocessor', '#ifdef STANDARD', 2],
      ['preprocessor', '#ifndef FreeBSD', 7],
    ]);
    const std = resolveConditionals(s, ['STANDARD']);
    expect(std.events.map((e) => e.source)).toEqual(['0 socket(..., SOCK_STREAM, IPPROTO_TCP) = 3', '+0 close(3) = 0', '+0 `true`']);
    expect(classifyScript(std)).toEqual([]);
    const bsd = resolveConditionals(s, ['FreeBSD']);
    expect(bsd.events.map((e) => e.loc.line)).toEqual([1, 5]);
  });

  it('must be balanced', () => {
    expect(parseError('#ifdef X\n0 close(3) = 0\n')).toMatchObject({ line: 1, col: 1, message: expect.stringMatching(/not closed/) });
    expect(parseError('0 close(3) = 0\n#endif\n')).toMatchObject({ line: 2, message: '#endif without #if' });
  });
});

describe('whole scripts', () => {
  const script = [
    '// Test basic connection teardown',
    '--tolerance_usecs=10000',
    '',
    '/* a block',
    '   comment */',
    '`../common/defaults.sh`',
    '',
    '    0 socket(..., SOCK_STREAM, IPPROTO_TCP) = 3',
    ' +.01...0.011 connect(3, ..., ...) = 0',
    '   +0 >  S 0:0(0) <...>',
    '   +0 < S. 0:0(0) ack 1 win 32768 <mss 1000,nop,wscale 6,nop,nop,sackOK>   // trailing comment',
    '   +0 >  . 1:1(0) ack 1',
    '   +0 write(3, ..., 1000) = 1000',
  ].join('\r\n');

  it('gives every event its line, column and source text', () => {
    const s = parse(script);
    expect(s.fileName).toBe('test.pkt');
    expect(s.options).toHaveLength(1);
    expect(s.events.map((e) => [e.kind, e.loc.line, e.loc.col])).toEqual([
      ['shell', 6, 1],
      ['syscall', 8, 5],
      ['syscall', 9, 2],
      ['packet', 10, 4],
      ['packet', 11, 4],
      ['packet', 12, 4],
      ['syscall', 13, 4],
    ]);
    expect(s.events[4]!.source).toBe('+0 < S. 0:0(0) ack 1 win 32768 <mss 1000,nop,wscale 6,nop,nop,sackOK>');
    expect(classifyScript(s)).toEqual([]);
  });

  it('accepts an empty script and one without a final newline', () => {
    expect(parse('')).toEqual({ fileName: 'test.pkt', options: [], events: [], directives: [] });
    expect(parse('// only a comment\n\n')).toMatchObject({ events: [] });
    expect(parse('0 close(3) = 0').events).toHaveLength(1);
  });

  it('parseScriptOrThrow throws PacketdrillParseError with file:line:col', () => {
    expect(() => parseScriptOrThrow(script)).not.toThrow();
    let err: unknown;
    try {
      parseScriptOrThrow('0 close(3) = 0\n+0 < S 0:0(0) win\n', 'x.pkt');
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(PacketdrillParseError);
    const pe = err as PacketdrillParseError;
    expect(pe.message).toBe('x.pkt:2:18: unexpected end of line; expected integer');
    expect([pe.line, pe.col, pe.fileName]).toEqual([2, 18, 'x.pkt']);
    expect(parseScriptOrThrow.bind(null, '@')).toThrow(/^<script>:1:1: unexpected "@"/);
  });

  it('explains a missing time', () => {
    expect(parseError('close(3) = 0\n').message).toMatch(/an event starts with its time/);
  });

  it('reports errors at end of input at the unclosed bracket', () => {
    expect(parseError('0 close(3,\n')).toMatchObject({ line: 1, col: 8, message: expect.stringMatching(/end of input.*unclosed/) });
  });
});

describe('robustness', () => {
  const pieces = [
    '0', '+0', '+.1', '0.5', '*', '~', '...', '<', '>', 'S', 'S.', '.', 'F.', 'R', 'SEW', '0:0(0)', '1:1001(1000)', 'ack', 'win', 'urg', '1',
    '<mss 1460,sackOK,TS val 1 ecr 0,nop,wscale 7>', '<...>', '[ect0]', '(tos 0x2)', 'udp', 'icmp', 'socket', '(', ')', '[', ']', '{', '}',
    ',', '=', '-1', 'EINPROGRESS', '(Operation now in progress)', '"str"', '`cmd`', '%{ x }%', '#ifdef X', '#endif', '--mtu=1500',
    '|', '&', 'SOCK_STREAM', '0x02', '//c', '/* c */', '\n', '\n', '\n', '"', '`', '%{', '@',
  ];
  it('never throws: every input parses or yields a located error', () => {
    const soup = fc.array(fc.constantFrom(...pieces), { maxLength: 40 }).map((a) => a.join(' ').replace(/\\n/g, '\n'));
    fc.assert(
      fc.property(fc.oneof(soup, fc.string({ maxLength: 60 })), (text) => {
        const r = parseScript(text);
        if (!r.ok) {
          expect(r.error.line).toBeGreaterThanOrEqual(1);
          expect(r.error.col).toBeGreaterThanOrEqual(1);
          expect(r.error.message).not.toBe('');
        } else {
          classifyScript(r.script);
        }
      }),
      { numRuns: 400, seed: 42 },
    );
  });
});
