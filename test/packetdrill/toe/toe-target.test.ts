/**
 * The TOE as a PacketdrillTarget, driven directly: time and frames (emission times, nextActivityUs),
 * the socket layer's errno rules, and the pass-list comparison used by the conformance test.
 */
import { describe, expect, it } from 'vitest';
import { DEFAULT_NETWORK, type RunResult } from '../../../sim/packetdrill/runner/index.ts';
import { buildTcpFrame, parseFrame, TcpFlags } from '../../../sim/packet/index.ts';
import { ToeTarget } from '../../../sim/packetdrill/toe-target.ts';
import { comparePassList, failureReason, makePassList, runToeConformance, scopePassList } from '../../../sim/packetdrill/toe-conformance.ts';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const net = { ...DEFAULT_NETWORK };
const value = <T>(r: { ok: true; value: T } | { ok: false; errno: string }): T => {
  if (!r.ok) throw new Error(`call failed: ${r.errno}`);
  return r.value;
};
const errno = (r: { ok: boolean; errno?: string }) => (r.ok ? 'ok' : r.errno);

/** A SYN from the script's side to the target's port 8080. */
function syn(seq = 1000): Uint8Array {
  return buildTcpFrame({
    srcMac: net.remoteMac, dstMac: net.localMac, srcIp: net.remoteIp, dstIp: net.localIp, srcPort: 40000, dstPort: 8080,
    seq, ack: 0, flags: TcpFlags.SYN, window: 65535, options: [{ type: 'mss', mss: 1000 }],
  });
}

describe('ToeTarget: time and wire', () => {
  it('is idle until asked; frames carry the simulated time they left the MAC', () => {
    const t = new ToeTarget(net);
    expect(t.now()).toBe(0);
    expect(t.nextActivityUs()).toBeNull();
    t.runUntil(1000);
    const fd = value(t.socket());
    expect(errno(t.connect(fd, { ip: net.remoteIp, port: 8080 }))).toBe('EINPROGRESS');
    const next = t.nextActivityUs()!;
    expect(next).toBeGreaterThan(1000);
    expect(next).toBeLessThan(1010); // the host command and the SYN are microseconds away, not a step of 20
    t.runUntil(1100);
    const out = t.takeOutbound();
    expect(out).toHaveLength(1);
    expect(out[0]!.timeUs).toBeGreaterThanOrEqual(1000);
    expect(out[0]!.timeUs).toBeLessThan(1010);
    const f = parseFrame(out[0]!.frame);
    expect(f.ok && f.value.kind === 'tcp' && f.value.tcp.flags & TcpFlags.SYN).toBeTruthy();
    expect(t.takeOutbound()).toEqual([]);
    // The SYN's retransmission timer (initial RTO 1 s) is the next thing the TOE does on its own:
    // nextActivityUs() jumps there in a few steps instead of 50,000 steps of 20 µs.
    let steps = 0, again: ReturnType<typeof t.takeOutbound> = [];
    for (let at = t.nextActivityUs(); at !== null && again.length === 0 && steps < 100; at = t.nextActivityUs(), steps++) {
      t.runUntil(at);
      again = t.takeOutbound();
    }
    expect(again).toHaveLength(1);
    expect(steps).toBeLessThan(10);
    expect(Math.abs(again[0]!.timeUs - out[0]!.timeUs - 1_000_000)).toBeLessThanOrEqual(2);
  });

  it('a SYN injected at the instant listen() returns finds the port open', () => {
    const t = new ToeTarget(net);
    const fd = value(t.socket());
    expect(errno(t.bind(fd, { ip: net.localIp, port: 8080 }))).toBe('ok');
    expect(errno(t.listen(fd, 1))).toBe('ok');
    t.injectFrame(syn());
    t.runUntil(t.now() + 50);
    const f = parseFrame(t.takeOutbound()[0]!.frame);
    expect(f.ok && f.value.kind === 'tcp' ? f.value.tcp.flags & (TcpFlags.SYN | TcpFlags.ACK | TcpFlags.RST) : -1).toBe(TcpFlags.SYN | TcpFlags.ACK);
  });

  it('without listen() the same SYN is refused with RST|ACK', () => {
    const t = new ToeTarget(net);
    t.injectFrame(syn());
    t.runUntil(50);
    const f = parseFrame(t.takeOutbound()[0]!.frame);
    expect(f.ok && f.value.kind === 'tcp' ? f.value.tcp.flags : -1).toBe(TcpFlags.RST | TcpFlags.ACK);
  });
});

describe('ToeTarget: socket errors', () => {
  it('reports each misuse with the errno Linux gives', () => {
    const t = new ToeTarget(net);
    expect(errno(t.recv(42, 10, { peek: false }))).toBe('EBADF');
    const fd = value(t.socket());
    expect(value(t.socket())).toBe(fd + 1);
    expect(errno(t.recv(fd, 10, { peek: false }))).toBe('ENOTCONN');
    expect(errno(t.send(fd, new Uint8Array(1)))).toBe('ENOTCONN');
    expect(errno(t.shutdown(fd, 'SHUT_WR'))).toBe('ENOTCONN');
    expect(errno(t.accept(fd))).toBe('EINVAL');
    expect(errno(t.listen(fd, 1))).toBe('EDESTADDRREQ');
    expect(errno(t.bind(fd, { ip: '10.0.0.9', port: 80 }))).toBe('EADDRNOTAVAIL');
    expect(value(t.getsockopt(fd, 'TCP_MAXSEG'))).toBe(536);
    expect(value(t.getsockopt(fd, 'SO_RCVBUF'))).toBe(256 * 1024);
    expect(value(t.getsockopt(fd, 'SO_ERROR'))).toBe(0);
    expect(errno(t.close(fd))).toBe('ok');
    expect(errno(t.close(fd))).toBe('EBADF');
  });

  it('options the TOE fixes at boot are refused with ENOPROTOOPT and a note', () => {
    const t = new ToeTarget(net);
    const fd = value(t.socket());
    expect(errno(t.setsockopt(fd, 'TCP_NODELAY', 1))).toBe('ok'); // Nagle is off in the default firmware
    expect(errno(t.setsockopt(fd, 'TCP_NODELAY', 0))).toBe('ENOPROTOOPT');
    expect(errno(t.setsockopt(fd, 'SO_RCVBUF', 4096))).toBe('ENOPROTOOPT');
    expect(errno(t.setsockopt(fd, 'TCP_MAXSEG', 1000))).toBe('ENOPROTOOPT');
    expect(t.notes()).toHaveLength(3);
    expect(t.notes()[1]).toMatch(/SO_RCVBUF.*rcvbuf/);
    const nagle = new ToeTarget(net, { fw: { nagle: true } });
    expect(errno(nagle.setsockopt(value(nagle.socket()), 'TCP_NODELAY', 0))).toBe('ok');
  });

  it('a refused connect() reports ECONNREFUSED once, through connect or SO_ERROR', () => {
    const t = new ToeTarget(net);
    const fd = value(t.socket());
    t.connect(fd, { ip: net.remoteIp, port: 8080 });
    t.runUntil(100);
    const s = parseFrame(t.takeOutbound()[0]!.frame);
    if (!s.ok || s.value.kind !== 'tcp') throw new Error('no SYN');
    t.injectFrame(buildTcpFrame({
      srcMac: net.remoteMac, dstMac: net.localMac, srcIp: net.remoteIp, dstIp: net.localIp, srcPort: 8080, dstPort: s.value.tcp.srcPort,
      seq: 0, ack: (s.value.tcp.seq + 1) >>> 0, flags: TcpFlags.RST | TcpFlags.ACK, window: 0,
    }));
    expect(value(t.getsockopt(fd, 'SO_ERROR'))).toBe(111);
    expect(value(t.getsockopt(fd, 'SO_ERROR'))).toBe(0);
    expect(errno(t.connect(fd, { ip: net.remoteIp, port: 8080 }))).toBe('EISCONN');
  });
});

describe('pass-list comparison', () => {
  const res = (file: string, status: RunResult['status']): RunResult => ({
    file, status, notes: [], wire: [], endTimeUs: 0, eventsRun: 1, tolerance: '',
    ...(status === 'fail' ? { failure: { kind: 'packet', line: 3, source: '', scriptTimeUs: 100, timeUs: 120, message: 'outbound packet field ack: expected 1001, actual 1002' } } : {}),
    ...(status === 'unsupported' ? { unsupported: [{ category: 'syscall', construct: 'poll()', reason: 'x', line: 1, col: 1 }] } : {}),
  });

  it('a listed script that fails or is unsupported regresses; a new pass is only reported', () => {
    const list = makePassList([res('a.pkt', 'pass'), res('b.pkt', 'pass'), res('c.pkt', 'pass'), res('d.pkt', 'fail')]);
    expect(list.passed).toEqual(['a.pkt', 'b.pkt', 'c.pkt']);
    const cmp = comparePassList([res('a.pkt', 'pass'), res('b.pkt', 'fail'), res('d.pkt', 'pass'), res('e.pkt', 'unsupported')], list);
    expect(cmp.regressed.map((r) => r.file)).toEqual(['b.pkt']);
    expect(cmp.missing).toEqual(['c.pkt']);
    expect(cmp.newlyPassing).toEqual(['d.pkt']);
    expect(comparePassList([res('a.pkt', 'unsupported')], makePassList([res('a.pkt', 'pass')])).regressed).toHaveLength(1);
  });

  it('a run of one subfolder is compared with that part of the list', () => {
    const list = makePassList([res('suite/x/a.pkt', 'pass'), res('suite/x/b.pkt', 'pass'), res('suite/y/c.pkt', 'pass')]);
    const scoped = scopePassList(list, [res('a.pkt', 'pass'), res('b.pkt', 'fail')]);
    expect(scoped.passed).toEqual(['a.pkt', 'b.pkt']);
    expect(comparePassList([res('a.pkt', 'pass'), res('b.pkt', 'fail')], scoped).regressed.map((r) => r.file)).toEqual(['b.pkt']);
    expect(scopePassList(list, [res('suite/x/a.pkt', 'pass')]).passed).toEqual(list.passed);
  });

  it('failures group by reason with numbers taken out', () => {
    expect(failureReason(res('b.pkt', 'fail'))).toBe('packet: outbound packet field ack: expected N, actual N');
    expect(failureReason(res('e.pkt', 'unsupported'))).toBe('unsupported: poll()');
  });

  const suite = path.resolve(fileURLToPath(new URL('../../../', import.meta.url)), '../shared/conformance/freebsd-tcp-testsuite/state-event-engine');
  it.skipIf(!existsSync(suite))('a TOE that no longer offers timestamps regresses listed scripts', () => {
    const good = runToeConformance(suite, { filter: (f) => f.startsWith('rcv-rst-established') });
    const list = makePassList(good.run.results);
    expect(list.passed.length).toBeGreaterThan(2);
    const bad = runToeConformance(suite, { filter: (f) => f.startsWith('rcv-rst-established'), target: { fw: { timestamps: false } } });
    expect(comparePassList(bad.run.results, list).regressed.length).toBe(list.passed.length);
  });
});
