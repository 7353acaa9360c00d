/**
 * The sysctl -> TOE configuration table (sim/packetdrill/toe-sysctl.ts) and the known-differences
 * list (known-differences.json, checked by conformance.test.ts): mapping, its effect on a run, and
 * the comparison that makes an unlisted failure fail the conformance test.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { formatResult, type RunResult } from '../../../sim/packetdrill/runner/index.ts';
import {
  compareKnownDifferences, readKnownDifferences, summarizeKnownDifferences,
} from '../../../sim/packetdrill/toe-conformance.ts';
import { sysctlConfig } from '../../../sim/packetdrill/toe-sysctl.ts';
import { runOnToe } from './helpers.ts';

/** A FreeBSD-suite style script: a 40 ms delayed ACK configured through a sysctl. */
const DELACK_SCRIPT = `--tolerance_usecs=5000
 0.00 \`sysctl -w net.inet.tcp.delacktime=40\`
+0.00 \`sysctl -w net.inet.tcp.insecure_rst=1\`
+0.00 socket(..., SOCK_STREAM, IPPROTO_TCP) = 3
+0.00 setsockopt(3, SOL_SOCKET, SO_REUSEADDR, [1], 4) = 0
+0.00 bind(3, ..., ...) = 0
+0.00 listen(3, 1) = 0
+0.00 < S 0:0(0) win 65535 <mss 1460>
+0.00 > S. 0:0(0) ack 1 <mss 1460>
+0.01 < . 1:1(0) ack 1 win 65535
+0.00 accept(3, ..., ...) = 4
+0.00 < P. 1:11(10) ack 1 win 65535
+0.04 > . 1:1(0) ack 11
+0.00 \`sysctl -w net.inet.tcp.delacktime=100\`
`;

describe('sysctl mapping', () => {
  it('maps the setup sysctls with a TOE equivalent and notes every one', () => {
    const m = sysctlConfig(DELACK_SCRIPT);
    expect(m.target).toEqual({ toe: { delackUs: 40_000 } });
    expect(m.notes).toHaveLength(3);
    expect(m.notes[0]).toMatch(/delacktime=40: toe.delackUs = 40000/);
    expect(m.notes[1]).toMatch(/insecure_rst=1: no TOE equivalent/);
    expect(m.notes[2]).toMatch(/delacktime=100: after setup, ignored/);
  });

  it('turns options off as the reference stack would, and leaves defaults alone for =1', () => {
    const text = (lines: string[]) => `${lines.map((l) => `+0 \`sysctl -w ${l}\``).join('\n')}\n+0 socket(..., SOCK_STREAM, IPPROTO_TCP) = 3\n`;
    expect(sysctlConfig(text(['net.inet.tcp.rfc1323=0', 'net.inet.tcp.sack.enable=0'])).target)
      .toEqual({ fw: { timestamps: false, wscale: -1, sack: false, dsack: false } });
    expect(sysctlConfig(text(['net.inet.tcp.rfc1323=1', 'net.inet.tcp.rexmit_initial=3000'])).target)
      .toEqual({ fw: { initialRtoUs: 3_000_000 } });
    expect(sysctlConfig(text(['net.inet.tcp.frobnicate=7'])).notes[0]).toMatch(/unknown to the TOE target/);
  });

  it('the mapped TOE passes the script; the default TOE (200 us delayed ACK) fails it', () => {
    const mapped = runOnToe(DELACK_SCRIPT, 'delack.pkt', sysctlConfig(DELACK_SCRIPT).target);
    expect(mapped.status, formatResult(mapped)).toBe('pass');
    const plain = runOnToe(DELACK_SCRIPT, 'delack.pkt');
    expect(plain.status).toBe('fail');
    expect(plain.failure?.message).toMatch(/timing/);
  });
});

const res = (file: string, status: RunResult['status']): RunResult => ({
  file, status, notes: [], wire: [], endTimeUs: 0, eventsRun: 0, tolerance: '',
  ...(status === 'fail' ? { failure: { kind: 'packet' as const, line: 1, source: '', scriptTimeUs: 0, timeUs: 0, message: 'x' } } : {}),
});

describe('known differences', () => {
  it('an unlisted failure is reported, a listed pass and a vanished entry too', () => {
    const known = {
      'b.pkt': { category: 'deliberate' as const, reason: 'RFC 5961' },
      'c.pkt': { category: 'bug' as const, reason: 'fixed since', rfc: 'RFC 9293' },
      'gone.pkt': { category: 'outside-model' as const, reason: 'ECN' },
    };
    const cmp = compareKnownDifferences([res('a.pkt', 'fail'), res('b.pkt', 'fail'), res('c.pkt', 'pass'), res('d.pkt', 'unsupported'), res('e.pkt', 'pass')], known);
    expect(cmp.unlisted.map((r) => r.file)).toEqual(['a.pkt', 'd.pkt']);
    expect(cmp.nowPassing).toEqual(['c.pkt']);
    expect(cmp.missing).toEqual(['gone.pkt']);
  });

  it('refuses entries without a known category or a reason', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'toe-known-'));
    const write = (j: unknown) => { const f = path.join(dir, 'k.json'); writeFileSync(f, JSON.stringify(j)); return f; };
    expect(() => readKnownDifferences(write({ 'a.pkt': { category: 'quirk', reason: 'x' } }))).toThrow(/category/);
    expect(() => readKnownDifferences(write({ 'a.pkt': { category: 'bug', reason: ' ' } }))).toThrow(/no reason/);
    expect(readKnownDifferences(write({ 'a.pkt': { category: 'bug', reason: 'r', rfc: 'RFC 1' } }))['a.pkt']?.rfc).toBe('RFC 1');
  });

  it('the project list is valid and its summary counts every entry once', () => {
    const known = readKnownDifferences(fileURLToPath(new URL('./known-differences.json', import.meta.url)));
    const summary = summarizeKnownDifferences(known);
    expect(summary.reduce((n, c) => n + c.count, 0)).toBe(Object.keys(known).length);
    for (const c of summary) expect(c.reasons.reduce((n, g) => n + g.scripts.length, 0)).toBe(c.count);
  });
});
