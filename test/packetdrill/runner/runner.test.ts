/**
 * The packetdrill runner against a small honest TCP (mini-tcp.ts): a correct exchange passes, and
 * each kind of difference (flag, seq, ack, window, option, payload, timing, return value, errno,
 * missing or extra packet) fails at the right script line with expected and actual shown.
 */
import { describe, expect, it } from 'vitest';
import { parseScriptOrThrow } from '../../../sim/packetdrill/index.ts';
import { readPcap, parseFrame, TcpFlags, type TcpFrameSpec } from '../../../sim/packet/index.ts';
import { formatResult, runPcap, runScript, summaryJsonLine, summaryTable } from '../../../sim/packetdrill/runner/index.ts';
import { FRAME, lineOf, PASSIVE, run, script } from './helpers.ts';
import { MiniTcp, type MiniTcpConfig } from './mini-tcp.ts';

describe('a correct exchange passes', () => {
  it('passive open, data both ways, ACKs, FIN both ways', () => {
    const r = run(PASSIVE);
    expect(r.status, formatResult(r)).toBe('pass');
    expect(r.eventsRun).toBe(20);
    expect(r.endTimeUs).toBe(610_000);
    // The pcap holds every frame injected and emitted, in time order, and parses back.
    const pcap = readPcap(runPcap(r).toBytes());
    expect(pcap.packets).toHaveLength(11);
    const times = pcap.packets.map((p) => p.ts.sec * 1e6 + p.ts.nsec / 1000);
    expect([...times].sort((a, b) => a - b)).toEqual(times);
    expect(pcap.packets.every((p) => parseFrame(p.data).ok)).toBe(true);
  });

  it('active open with a blocking connect, TS and SACK options, data and close', () => {
    const text = script(`
      0 socket(..., SOCK_STREAM, IPPROTO_TCP) = 3
      +.1...0.200 connect(3, ..., ...) = 0
      +0 > S 0:0(0) win 65535 <mss 1460,sackOK,TS val 100 ecr 0,nop,wscale 8>
      +.1 < S. 5000:5000(0) ack 1 win 5792 <mss 1460,sackOK,TS val 700 ecr 100,nop,wscale 2>
      +0 > . 1:1(0) ack 5001 <nop,nop,TS val 100 ecr 700>
      +.05 write(3, ..., 100) = 100
      +0 > P. 1:101(100) ack 5001 <nop,nop,TS val 150 ecr 700>
      +.01 < . 5001:5001(0) ack 101 win 100 <nop,nop,TS val 710 ecr 150>
      +0 close(3) = 0
      +0 > F. 101:101(0) ack 5001 <nop,nop,TS val 160 ecr 710>
    `);
    const r = run(text, { tsTickUs: 1000 }, {});
    expect(r.status, formatResult(r)).toBe('pass');
  });

  it('ARP requests from the target are answered by the runner, not matched against the script', () => {
    const text = script(`
      0 socket(..., SOCK_STREAM, IPPROTO_TCP) = 3
      +0 fcntl(3, F_SETFL, O_RDWR|O_NONBLOCK) = 0
      +0 connect(3, ..., ...) = -1 EINPROGRESS (Operation now in progress)
      +0 > S 0:0(0) <...>
      +.1 < S. 0:0(0) ack 1 win 5792 <mss 1460>
      +0 > . 1:1(0) ack 1
      +0 fcntl(3, F_GETFL) = 0x802 (flags O_RDWR|O_NONBLOCK)
      +0 connect(3, ..., ...) = -1 EISCONN
      +0 getsockopt(3, SOL_SOCKET, SO_ERROR, [0], [4]) = 0
    `);
    const r = run(text, { arp: true });
    expect(r.status, formatResult(r)).toBe('pass');
    expect(r.wire.filter((w) => parseFrame(w.frame).ok && (parseFrame(w.frame) as { value: { kind: string } }).value.kind === 'arp')).toHaveLength(2);
  });
});

describe('the first mismatch is reported with its line, expected and actual', () => {
  const mutate = (index: number, f: (s: TcpFrameSpec) => void): MiniTcpConfig => ({
    mutate: (s, i) => {
      if (i === index) f(s);
      return s;
    },
  });

  it('a flag', () => {
    const r = run(PASSIVE, mutate(FRAME.synAck, (s) => { s.flags |= TcpFlags.PSH; }));
    expect(r.status).toBe('fail');
    expect(r.failure).toMatchObject({ kind: 'packet', field: 'flags', line: lineOf(PASSIVE, '> S.'), scriptTimeUs: 100_000 });
    expect(r.failure!.message).toContain('expected S., actual SP.');
    expect(r.failure!.actual).toContain('SP. 0:0(0) ack 1');
  });

  it('a sequence number (relative to the target ISN)', () => {
    const r = run(PASSIVE, mutate(FRAME.data, (s) => { s.seq = (s.seq + 1) >>> 0; }));
    expect(r.failure).toMatchObject({ field: 'seq', line: lineOf(PASSIVE, '> P.'), expected: expect.stringContaining('1:2001(2000)') });
    expect(r.failure!.message).toContain('expected 1, actual 2');
  });

  it('an ack number (absolute, the script side)', () => {
    const r = run(PASSIVE, mutate(FRAME.dataAck, (s) => { s.ack = (s.ack + 1) >>> 0; }));
    expect(r.failure).toMatchObject({ field: 'ack', line: lineOf(PASSIVE, 'ack 1001 win 65535') });
    expect(r.failure!.message).toContain('expected 1001, actual 1002');
  });

  it('a window, and the opt-in bufferSizes rule', () => {
    const cfg = { window: 29200 };
    const strict = run(PASSIVE, cfg);
    expect(strict.failure).toMatchObject({ field: 'win', line: lineOf(PASSIVE, '> S.') });
    expect(strict.failure!.message).toContain('expected 65535, actual 29200');
    expect(run(PASSIVE, cfg, { rules: ['bufferSizes'] }).status).toBe('pass');
    // A zero window is still a difference under bufferSizes.
    const zero = run(PASSIVE, mutate(FRAME.data, (s) => { s.window = 0; }), { rules: ['bufferSizes'] });
    expect(zero.failure).toMatchObject({ field: 'win', line: lineOf(PASSIVE, '> P.') });
  });

  it('an option value, an option order, and the opt-in optionOrder rule', () => {
    const value = run(PASSIVE, { mss: 1400 });
    expect(value.failure).toMatchObject({ field: 'options', line: lineOf(PASSIVE, '> S.') });
    expect(value.failure!.message).toContain('expected mss 1460, actual mss 1400');

    const reordered = { synOptions: ({ mss, wscale }: { mss: number; wscale: number | null }) => [{ type: 'wscale' as const, shift: wscale ?? 0 }, { type: 'nop' as const }, { type: 'mss' as const, mss }] };
    const strict = run(PASSIVE, reordered);
    expect(strict.failure).toMatchObject({ field: 'options', expected: expect.stringContaining('<mss 1460,nop,wscale 8>') });
    expect(strict.failure!.message).toContain('actual <wscale 8,nop,mss 1460>');
    expect(run(PASSIVE, reordered, { rules: ['optionOrder'] }).status).toBe('pass');
    // optionOrder ignores order, not values.
    expect(run(PASSIVE, { ...reordered, mss: 1400 }, { rules: ['optionOrder'] }).failure?.field).toBe('options');
  });

  it('a payload byte (data written vs data sent)', () => {
    const r = run(PASSIVE, mutate(FRAME.data, (s) => { s.payload = Uint8Array.from(s.payload!, (b: number, i: number) => (i === 1500 ? b ^ 1 : b)); }));
    expect(r.failure).toMatchObject({ field: 'payload', line: lineOf(PASSIVE, '> P.') });
    expect(r.failure!.message).toContain('byte 1500');
  });

  it('timing: late by more than tolerance_usecs (default 4000), and the option line', () => {
    expect(run(PASSIVE, { latencyUs: 3900 }).status).toBe('pass');
    const late = run(PASSIVE, { latencyUs: 4100 });
    expect(late.failure).toMatchObject({ kind: 'timing', line: lineOf(PASSIVE, '> S.'), timeUs: 104_100, scriptTimeUs: 100_000 });
    expect(late.failure!.message).toContain('expected outbound packet at 0.100000 (±4000 us) but it was sent at 0.104100');
    expect(run(`--tolerance_usecs=10000\n${PASSIVE}`, { latencyUs: 9000 }).status).toBe('pass');
    expect(run(`--tolerance_usecs=2000\n${PASSIVE}`, { latencyUs: 3000 }).failure?.kind).toBe('timing');
  });

  it('timing: a packet much too early', () => {
    const text = PASSIVE.replace('+0 > S. 0:0(0)', '+.05 > S. 0:0(0)');
    const r = run(text);
    expect(r.failure).toMatchObject({ kind: 'timing', scriptTimeUs: 150_000, timeUs: 100_000 });
  });

  it('a missing packet and an unexpected extra packet', () => {
    const missing = run(PASSIVE.replace('+0 close(4) = 0', '+0 shutdown(4, SHUT_RD) = 0'));
    expect(missing.failure).toMatchObject({ kind: 'missing-packet', line: lineOf(PASSIVE, '> F.'), actual: '(no packet)' });
    // The script forgets the ACK of the data: the next expected packet meets it instead.
    const forgot = PASSIVE.replace('+0 > . 2001:2001(0) ack 1001 win 65535\n', '');
    const extra = run(forgot);
    expect(extra.failure).toMatchObject({ kind: 'packet', field: 'ack', line: lineOf(forgot, 'ack 1002') });
  });

  it('a return value and an errno', () => {
    const value = run(PASSIVE.replace('write(4, ..., 2000) = 2000', 'write(4, ..., 2000) = 1000'));
    expect(value.failure).toMatchObject({ kind: 'syscall', line: lineOf(PASSIVE, 'write('), expected: '1000', actual: '2000' });
    const errnoOk = script(`
      0 socket(..., SOCK_STREAM, IPPROTO_TCP) = 3
      +0 bind(3, ..., ...) = 0
      +0 listen(3, 1) = 0
      +0 < S 0:0(0) win 32792 <mss 1000>
      +0 > S. 0:0(0) ack 1 <...>
      +0 < . 1:1(0) ack 1 win 257
      +0 accept(3, ..., ...) = 4
      +.01 shutdown(4, SHUT_WR) = 0
      +0 > F. 1:1(0) ack 1
      +0 < . 1:1(0) ack 2 win 257
      +0 write(4, ..., 1000) = -1 EPIPE (Broken pipe)
      +0 < R. 1:1(0) ack 2 win 0
      +0 read(4, ..., 1000) = -1 ECONNRESET (Connection reset by peer)
    `);
    expect(run(errnoOk).status, formatResult(run(errnoOk))).toBe('pass');
    const wrongErrno = run(errnoOk.replace('-1 EPIPE', '-1 ENOTCONN'));
    expect(wrongErrno.failure).toMatchObject({ kind: 'syscall', expected: '-1 ENOTCONN', actual: '-1 EPIPE', line: lineOf(errnoOk, 'write(') });
    const wantedError = run(errnoOk.replace('= -1 ECONNRESET (Connection reset by peer)', '= 1000'));
    expect(wantedError.failure).toMatchObject({ expected: '1000', actual: '-1 ECONNRESET' });
  });

  it('a getsockopt value', () => {
    const text = PASSIVE.replace('+0 accept(3, ..., ...) = 4', '+0 accept(3, ..., ...) = 4\n+0 getsockopt(4, SOL_TCP, TCP_MAXSEG, [1100], [4]) = 0');
    const r = run(text);
    expect(r.failure).toMatchObject({ kind: 'syscall', field: 'getsockopt TCP_MAXSEG value', actual: '[1000]' });
  });
});

describe('blocking calls resolve at the right simulated time', () => {
  const blockingAccept = script(`
    0 socket(..., SOCK_STREAM, IPPROTO_TCP) = 3
    +0 bind(3, ..., ...) = 0
    +0 listen(3, 1) = 0
    +0...0.200 accept(3, ..., ...) = 4
    +.1 < S 0:0(0) win 32792 <mss 1000,nop,wscale 7>
    +0 > S. 0:0(0) ack 1 <mss 1460,nop,wscale 8>
    +.1 < . 1:1(0) ack 1 win 257
    +.1 write(4, ..., 2000) = 2000
    +0 > P. 1:2001(2000) ack 1
  `);

  it('accept blocks until the handshake completes at 0.200', () => {
    const r = run(blockingAccept);
    expect(r.status, formatResult(r)).toBe('pass');
  });

  it('accept that returns at 0.300 instead of 0.200 fails on its line', () => {
    const r = run(blockingAccept.replace('+.1 < . 1:1(0) ack 1 win 257', '+.2 < . 1:1(0) ack 1 win 257'));
    expect(r.failure).toMatchObject({ kind: 'syscall', line: 4 });
    expect(r.failure!.message).toContain('did not return by 0.204000');
    expect(r.failure!.timeUs).toBeGreaterThan(204_000);
    expect(r.failure!.timeUs).toBeLessThan(210_000);
  });

  it('accept that returns too early fails with a timing error', () => {
    const r = run(blockingAccept.replace('+0...0.200 accept', '+0...0.300 accept'));
    expect(r.failure).toMatchObject({ kind: 'timing', line: 4, scriptTimeUs: 300_000, timeUs: 200_000 });
  });

  it('read blocks until data arrives; a non-blocking read says EAGAIN', () => {
    const text = script(`
      --tolerance_usecs=10000
      0 socket(..., SOCK_STREAM, IPPROTO_TCP) = 3
      +0 bind(3, ..., ...) = 0
      +0 listen(3, 1) = 0
      +.1 < S 0:0(0) win 32792 <mss 1000,nop,wscale 7>
      +0 > S. 0:0(0) ack 1 <mss 1460,nop,wscale 8>
      +.1 < . 1:1(0) ack 1 win 257
      +0 accept(3, ..., ...) = 4
      +0...0.100 read(4, ..., 2000) = 2000
      +.1 < P. 1:2001(2000) ack 1 win 257
      +0 > . 1:1(0) ack 2001
      +0 fcntl(4, F_SETFL, O_RDWR|O_NONBLOCK) = 0
      +0 read(4, ..., 2000) = -1 EAGAIN (Resource temporarily unavailable)
      +0 recv(4, ..., 2000, MSG_PEEK) = -1 EAGAIN
    `);
    const r = run(text);
    expect(r.status, formatResult(r)).toBe('pass');
    // The read would return at 0.300 when the data arrives at 0.300: declaring 0.150 fails.
    const early = run(text.replace('+0...0.100 read', '+0...0.050 read'));
    expect(early.failure).toMatchObject({ kind: 'syscall', line: lineOf(text, '...0.100 read') });
  });

  it('a call waits for a blocked call; one that never returns fails on its own line at its deadline', () => {
    // The handshake that would complete the accept comes after the listen(), which waits for the accept.
    const r = run(blockingAccept.replace('+.1 < S 0:0(0)', '+.05 listen(3, 1) = 0\n+.05 < S 0:0(0)'));
    expect(r.failure).toMatchObject({ kind: 'syscall', line: 4 });
    expect(r.failure!.message).toContain('blocking accept() did not return by 0.204000');
  });
});

describe('sequence-space conventions', () => {
  it('target ISN near 2^32: relative outbound seq and inbound ack wrap correctly', () => {
    for (const isn of [0xffffffff, 0xfffffb00, 0xfffff830]) {
      const r = run(PASSIVE, { isn });
      expect(r.status, `isn ${isn}: ${formatResult(r)}`).toBe('pass');
      const syn = r.wire.map((w) => parseFrame(w.frame)).find((p) => p.ok && p.value.kind === 'tcp' && (p.value.tcp.flags & TcpFlags.SYN) && (p.value.tcp.flags & TcpFlags.ACK));
      expect(syn?.ok && syn.value.kind === 'tcp' && syn.value.tcp.seq).toBe(isn);
    }
  });

  it('script ISN near 2^32: inbound seq and outbound ack are absolute and wrap', () => {
    const text = script(`
      0 socket(..., SOCK_STREAM, IPPROTO_TCP) = 3
      +0 bind(3, ..., ...) = 0
      +0 listen(3, 1) = 0
      +0 < S 4294967000:4294967000(0) win 65535 <mss 1000>
      +0 > S. 0:0(0) ack 4294967001 <mss 1460>
      +0 < . 4294967001:4294967001(0) ack 1 win 257
      +0 accept(3, ..., ...) = 4
      +0 < P. 4294967001:705(1000) ack 1 win 257
      +0 > . 1:1(0) ack 705
      +0 read(4, ..., 1000) = 1000
    `);
    const r = run(text, { isn: 0xfffffff0 });
    expect(r.status, formatResult(r)).toBe('pass');
    expect(run(text.replace('ack 705', 'ack 704')).failure).toMatchObject({ field: 'ack', expected: expect.stringContaining('ack 704') });
  });

  it('data read back is checked against the injected bytes', () => {
    // A target that corrupts one received byte is caught at the read.
    const r = runScript(parseScriptOrThrow(PASSIVE, 'test.pkt'), (net) => {
      const t = new MiniTcp(net);
      const recv = t.recv.bind(t);
      t.recv = (fd, max, o) => {
        const res = recv(fd, max, o);
        if (res.ok && res.value.length > 10) res.value[10] ^= 0x80;
        return res;
      };
      return t;
    });
    expect(r.failure).toMatchObject({ kind: 'syscall', field: 'data read', line: lineOf(PASSIVE, 'read(4, ..., 1000) = 1000') });
  });
});

describe('reports', () => {
  it('summary table and JSON line', () => {
    const results = [run(PASSIVE), run(PASSIVE, { mss: 1400 }), run(`0 socket(..., SOCK_DGRAM, IPPROTO_UDP) = 3\n`)];
    expect(summaryJsonLine(results)).toBe('{"passed":1,"failed":1,"unsupported":1,"total":3}');
    const table = summaryTable(results);
    expect(table).toContain('PASS');
    expect(table).toContain('line 6: options');
    expect(table).toContain('udp: SOCK_DGRAM');
    expect(table.split('\n').at(-1)).toBe('1 passed, 1 failed, 1 unsupported, 3 total');
    const text = formatResult(results[1]!);
    expect(text).toContain('FAIL test.pkt:6:');
    expect(text).toContain('expected: +0 > S. 0:0(0) ack 1 win 65535 <mss 1460,nop,wscale 8>');
    expect(text).toContain('actual:   0.100000 > S. 0:0(0) ack 1 win 65535 <mss 1400,nop,wscale 8>');
  });
});

describe('time forms', () => {
  it('`*` and `a~b` ranges on outbound packets, absolute times', () => {
    const base = script(`
      0 socket(..., SOCK_STREAM, IPPROTO_TCP) = 3
      0 bind(3, ..., ...) = 0
      0 listen(3, 1) = 0
      0.100 < S 0:0(0) win 32792 <mss 1000>
      * > S. 0:0(0) ack 1 <mss 1460>
      0.200 < . 1:1(0) ack 1 win 257
      0.200 accept(3, ..., ...) = 4
      0.300 write(4, ..., 10) = 10
      0.310~0.350 > P. 1:11(10) ack 1
    `);
    // `*` accepts a SYN-ACK 0.5 s late; the handshake then completes late and accept() at 0.200 fails.
    expect(run(base, { latencyUs: 500_000 }).failure).toMatchObject({ kind: 'timing', line: 7, timeUs: 600_000 });
    expect(run(base, { latencyUs: 20_000 }).status).toBe('pass');
    expect(run(base, { latencyUs: 60_000 }).failure).toMatchObject({ kind: 'timing', line: 9 });
    expect(run(base, { latencyUs: 1_000 }).failure).toMatchObject({ kind: 'timing', line: 9, expected: 'in 0.310000~0.350000 (±4000 us)' });
  });
});
