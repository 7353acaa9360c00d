// Real Linux traffic through seq_check: the receiving side of ../shared/pcaps/linux-tcp-200k-transfer.pcap,
// every arriving segment checked against a TCB that the model's verdicts keep up to date.
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { parseFrame, readPcap, type TcpFrame } from '../../sim/packet/index.ts';
import { SeqVerdict, verdictName } from '../../blocks/seq_check/interface.ts';
import { simBackends } from '../backends.ts';
import { replay } from './replay.ts';
import { runCases, seqCheckSim } from './driver.ts';

const projectRoot = fileURLToPath(new URL('../../', import.meta.url));
const pcapPath = resolve(projectRoot, '../shared/pcaps/linux-tcp-200k-transfer.pcap');
const available = existsSync(pcapPath);
if (!available) console.log(`skipping the seq_check capture replay: ${pcapPath} not found (../shared is optional)`);

const TRANSFER = 200_000;

describe.skipIf(!available)('seq_check on the receiving side of a real Linux transfer', () => {
  const frames: TcpFrame[] = [];
  for (const p of available ? readPcap(readFileSync(pcapPath)).packets : []) {
    const parsed = parseFrame(p.data);
    if (parsed.ok && parsed.value.kind === 'tcp') frames.push(parsed.value);
  }
  const r = available ? replay(frames) : undefined;
  const withRetransmissions = available ? replay(frames, 7) : undefined;

  it('the model takes every data segment in order (or as a duplicate), drops nothing and sees the whole transfer', () => {
    const { cases, verdicts, payloadLens } = r!;
    expect(cases.length).toBeGreaterThan(100);
    const counts: Record<string, number> = {};
    verdicts.forEach((v, i) => {
      counts[verdictName(v.verdict)] = (counts[verdictName(v.verdict)] ?? 0) + 1;
      const ok = v.verdict === SeqVerdict.IN_ORDER || (payloadLens[i]! > 0 && v.verdict === SeqVerdict.DUPLICATE);
      if (!ok) throw new Error(`segment ${i} ${JSON.stringify(cases[i])}: ${verdictName(v.verdict)} ${JSON.stringify(v)}`);
      // Linux never sends more than the window: no trimming on a clean transfer.
      if (v.verdict === SeqVerdict.IN_ORDER) expect(v.accept_len + v.trim_front, `segment ${i}`).toBe(payloadLens[i]);
      expect(v.ack_ok || !cases[i]!.ctl_ack, `segment ${i} has an unacceptable ACK`).toBe(true);
    });
    expect(counts.IN_ORDER).toBeGreaterThan(100);
    // The sender's 200,000 bytes and its FIN arrive; the receiver's own data and FIN are acknowledged.
    expect(r!.delivered).toBe(TRANSFER);
    expect(verdicts.some((v) => v.fin)).toBe(true);
    expect(r!.tcb.sndUna).toBe(r!.tcb.sndNxt);
    expect(verdicts.filter((v) => v.ack_advance).length).toBeGreaterThan(2);
  });

  it('a repeated data segment is a DUPLICATE (send an ACK, keep nothing) and the stream is unchanged', () => {
    const { verdicts, retransmitted } = withRetransmissions!;
    const duplicates = verdicts.filter((v) => v.verdict === SeqVerdict.DUPLICATE);
    expect(retransmitted).toBeGreaterThan(10);
    expect(duplicates.length).toBe(retransmitted);
    expect(duplicates.every((v) => v.accept_len === 0 && !v.seq_ok)).toBe(true);
    expect(verdicts.every((v) => v.verdict === SeqVerdict.IN_ORDER || v.verdict === SeqVerdict.DUPLICATE)).toBe(true);
    expect(withRetransmissions!.delivered).toBe(TRANSFER);
  });

  describe.each(simBackends())('through the block (%s)', async (backend) => {
    const sim = await seqCheckSim(backend);
    afterAll(() => sim.close());
    it('gives the model\'s verdict for every arriving segment', () => {
      const got = runCases(sim, r!.cases, { gap: 0.1, backpressure: 0.2, seed: 3 }).verdicts;
      expect(got).toEqual(r!.verdicts);
      const again = runCases(sim, withRetransmissions!.cases, { seed: 4 }).verdicts;
      expect(again).toEqual(withRetransmissions!.verdicts);
    });
  });
});
