/**
 * Runner behaviour that follows packetdrill where the first version did not: a call made while a
 * blocking call is pending waits for it; a SYN injected mid-connection keeps the peer's ISN; a
 * target's own notes reach RunResult.notes; a target that throws fails only its script in
 * runDirectory.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseScriptOrThrow } from '../../../sim/packetdrill/index.ts';
import { formatResult, runDirectory, runScript } from '../../../sim/packetdrill/runner/index.ts';
import type { SysResult } from '../../../sim/packetdrill/runner/index.ts';
import { lineOf, PASSIVE, run, script } from './helpers.ts';
import { MiniTcp, SilentTarget } from './mini-tcp.ts';

/** accept() succeeds only from `readyUs` on, whatever happens on the wire. */
class LateAccept extends SilentTarget {
  constructor(private readonly readyUs: number) { super(); }
  override accept(): SysResult { return this.now() >= this.readyUs ? { ok: true, value: 4 } : { ok: false, errno: 'EAGAIN' }; }
  override nextActivityUs(): number | null { return this.now() < this.readyUs ? this.readyUs : null; }
}

describe('a call while a blocking call is pending', () => {
  const text = script(`
    0 socket(..., SOCK_STREAM, IPPROTO_TCP) = 3
    +0 bind(3, ..., ...) = 0
    +0 listen(3, 1) = 0
    +0...0.150 accept(3, ..., ...) = 4
    0.150 getsockopt(3, SOL_SOCKET, SO_ERROR, [0], [4]) = 0
  `);
  const runWith = (readyUs: number) => runScript(parseScriptOrThrow(text, 't.pkt'), () => new LateAccept(readyUs));

  it('waits for the blocked call to return (2 ms late, within tolerance), then runs', () => {
    const r = runWith(152_000);
    expect(r.status, formatResult(r)).toBe('pass');
    expect(r.endTimeUs).toBe(152_000);
  });

  it('fails the blocked call at its deadline when it never returns', () => {
    const r = runWith(400_000);
    expect(r.failure, formatResult(r)).toMatchObject({ kind: 'syscall', line: lineOf(text, 'accept(') });
    expect(r.failure!.message).toContain('did not return');
  });
});

describe('a SYN injected mid-connection', () => {
  const text = script(`
    0 socket(..., SOCK_STREAM, IPPROTO_TCP) = 3
    +0 setsockopt(3, SOL_SOCKET, SO_REUSEADDR, [1], 4) = 0
    +0 bind(3, ..., ...) = 0
    +0 listen(3, 1) = 0
    +.1 < S 0:0(0) win 32792 <mss 1000,nop,wscale 7>
    +0 > S. 0:0(0) ack 1 win 65535 <mss 1460,nop,wscale 8>
    +.1 < . 1:1(0) ack 1 win 257
    +0 accept(3, ..., ...) = 4
    +.1 < S 5000:5000(0) win 257
    +.1 < P. 1:1001(1000) ack 1 win 257
    +0 > . 1:1(0) ack 1001
    +0 read(4, ..., 1000) = 1000
  `);

  it('keeps the ISN of the SYN that opened the connection (the data read is checked against it)', () => {
    const r = run(text);
    expect(r.status, formatResult(r)).toBe('pass');
  });

  it('the check can fail: with the SYN taken as a new ISN, the data read would not match', () => {
    // The same script with the first SYN at 5000 too: the data (injected from 1) no longer matches.
    const wrong = run(text.replace('< S 0:0(0)', '< S 5000:5000(0)').replace('> S. 0:0(0) ack 1', '> S. 0:0(0) ack 5001')
      .replace('< . 1:1(0) ack 1 win', '< . 5001:5001(0) ack 1 win'));
    expect(wrong.status).toBe('fail');
  });
});

describe('target notes', () => {
  it('notes() of the target are appended to RunResult.notes', () => {
    class Noting extends MiniTcp { notes(): readonly string[] { return ['setsockopt refused: fixed at boot']; } }
    const r = runScript(parseScriptOrThrow(PASSIVE, 't.pkt'), (net) => new Noting(net));
    expect(r.status, formatResult(r)).toBe('pass');
    expect(r.notes.at(-1)).toBe('setsockopt refused: fixed at boot');
  });

  it('a target without notes() adds none', () => {
    const r = runScript(parseScriptOrThrow(PASSIVE, 't.pkt'), (net) => new MiniTcp(net));
    expect(r.notes).toEqual([]);
  });
});

describe('runDirectory and a target that throws', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'pd-throw-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('fails that script with the error and runs the others', () => {
    writeFileSync(path.join(dir, 'a-passes.pkt'), PASSIVE);
    writeFileSync(path.join(dir, 'b-throws.pkt'), PASSIVE.replace('+0 close(4) = 0', '+0 shutdown(4, SHUT_WR) = 0'));
    writeFileSync(path.join(dir, 'c-passes.pkt'), PASSIVE);
    class Throwing extends MiniTcp { override shutdown(): SysResult { throw new Error('model invariant broken'); } }
    const d = runDirectory(dir, (net) => new Throwing(net));
    expect(d.results.map((r) => [r.file, r.status])).toEqual([['a-passes.pkt', 'pass'], ['b-throws.pkt', 'fail'], ['c-passes.pkt', 'pass']]);
    expect(d.results[1]!.failure).toMatchObject({ kind: 'target' });
    expect(d.results[1]!.failure!.message).toContain('model invariant broken');
    expect(d.counts).toMatchObject({ passed: 2, failed: 1 });
  });
});
