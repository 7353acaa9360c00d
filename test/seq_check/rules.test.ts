// One hand-written case per RFC rule, with the expected verdict spelled out, run through the model and the block.
import { afterAll, describe, expect, it } from 'vitest';
import { simBackends } from '../backends.ts';
import { SeqVerdict as V } from '../../blocks/seq_check/interface.ts';
import { checkSegment, type SegCase, type SegVerdict } from '../../sim/tcp/seq-check-model.ts';
import { runCases, seqCheckSim } from './driver.ts';

// Window [1000, 2000); 1000 bytes in flight [5000, 6000); the peer's largest window 3000 (ACK floor 2000).
const base: SegCase = {
  tag: 0, seq: 1000, ack: 5000, len: 100, wnd: 4000,
  ctl_syn: false, ctl_ack: true, ctl_fin: false, ctl_rst: false,
  rcv_nxt: 1000, rcv_wnd: 1000, snd_una: 5000, snd_nxt: 6000, snd_wnd: 4000, snd_wscale: 0,
  snd_wl1: 900, snd_wl2: 5000, max_snd_wnd: 3000,
};

interface Rule { rule: string; seg: Partial<SegCase>; want: Partial<SegVerdict> }
const accepted = (first_seq: number, trim_front: number, accept_len: number) => ({ first_seq, trim_front, accept_len });
const nothing = { first_seq: 0, trim_front: 0, accept_len: 0, fin: false };

const rules: Rule[] = [
  // RFC 9293 §3.10.7.4, the four cases of the acceptability test.
  { rule: 'LEN=0 WND=0: SEQ = RCV.NXT is acceptable', seg: { len: 0, rcv_wnd: 0 }, want: { verdict: V.IN_ORDER, seq_ok: true, ...accepted(1000, 0, 0), ack_ok: true } },
  { rule: 'LEN=0 WND=0: SEQ past RCV.NXT is not', seg: { len: 0, rcv_wnd: 0, seq: 1001 }, want: { verdict: V.SEND_ACK, seq_ok: false, ...nothing, ack_ok: false } },
  { rule: 'LEN=0 WND=0: SEQ before RCV.NXT is an old duplicate', seg: { len: 0, rcv_wnd: 0, seq: 999 }, want: { verdict: V.DUPLICATE, seq_ok: false } },
  { rule: 'LEN=0 WND>0: last sequence number of the window', seg: { len: 0, seq: 1999 }, want: { verdict: V.OUT_OF_ORDER, seq_ok: true, ...accepted(1999, 0, 0) } },
  { rule: 'LEN=0 WND>0: SEQ at the right edge', seg: { len: 0, seq: 2000 }, want: { verdict: V.SEND_ACK, seq_ok: false } },
  { rule: 'LEN=0 WND>0: keep-alive (SEQ = RCV.NXT - 1)', seg: { len: 0, seq: 999 }, want: { verdict: V.DUPLICATE, seq_ok: false } },
  { rule: 'LEN>0 WND=0: never acceptable, but the ACK of a zero-window probe is processed', seg: { rcv_wnd: 0, ack: 5500 },
    want: { verdict: V.SEND_ACK, seq_ok: false, ...nothing, ack_ok: true, ack_advance: true } },
  { rule: 'LEN>0 WND=0: a segment not covering RCV.NXT gets no ACK processing', seg: { rcv_wnd: 0, seq: 1001, ack: 5500 },
    want: { verdict: V.SEND_ACK, ack_ok: false, ack_advance: false } },
  { rule: 'LEN>0 WND>0: in order', seg: {}, want: { verdict: V.IN_ORDER, seq_ok: true, ...accepted(1000, 0, 100) } },
  { rule: 'LEN>0 WND>0: first byte in the window, tail beyond it trimmed', seg: { seq: 1900, len: 200 }, want: { verdict: V.OUT_OF_ORDER, ...accepted(1900, 0, 100) } },
  { rule: 'LEN>0 WND>0: last byte in the window, old front trimmed', seg: { seq: 900, len: 200 }, want: { verdict: V.IN_ORDER, ...accepted(1000, 100, 100) } },
  { rule: 'LEN>0 WND>0: last byte just before RCV.NXT is a duplicate', seg: { seq: 900, len: 100 }, want: { verdict: V.DUPLICATE, seq_ok: false, ...nothing } },
  { rule: 'LEN>0 WND>0: first byte at the right edge', seg: { seq: 2000, len: 10 }, want: { verdict: V.SEND_ACK, seq_ok: false } },
  { rule: 'LEN>0 WND>0: neither end in the window (the test is literal)', seg: { seq: 900, len: 1200 }, want: { verdict: V.SEND_ACK, seq_ok: false } },
  // SYN and FIN occupy sequence space.
  { rule: 'FIN alone on the last window slot', seg: { seq: 1999, len: 0, ctl_fin: true }, want: { verdict: V.OUT_OF_ORDER, ...accepted(1999, 0, 0), fin: true } },
  { rule: 'FIN alone at the right edge', seg: { seq: 2000, len: 0, ctl_fin: true }, want: { verdict: V.SEND_ACK, fin: false } },
  { rule: 'FIN after data that fills the window is not accepted', seg: { seq: 1950, len: 50, ctl_fin: true }, want: { verdict: V.OUT_OF_ORDER, ...accepted(1950, 0, 50), fin: false } },
  { rule: 'old data, new FIN', seg: { seq: 900, len: 100, ctl_fin: true }, want: { verdict: V.IN_ORDER, seq_ok: true, ...accepted(1000, 100, 0), fin: true } },
  { rule: 'FIN at RCV.NXT with a zero window: unacceptable, ACK processed', seg: { len: 0, ctl_fin: true, rcv_wnd: 0 }, want: { verdict: V.SEND_ACK, fin: false, ack_ok: true } },
  // Wrap-safe comparisons.
  { rule: 'wrap: segment just below 2^32, window across the wrap', seg: { rcv_nxt: 0xffffff00, rcv_wnd: 0x200, seq: 0xfffffff0, len: 0x20, snd_wl1: 0 },
    want: { verdict: V.OUT_OF_ORDER, ...accepted(0xfffffff0, 0, 0x20) } },
  { rule: 'wrap: segment past 0 inside a window that wrapped', seg: { rcv_nxt: 0xffffff00, rcv_wnd: 0x200, seq: 0x50, len: 0x10 }, want: { verdict: V.OUT_OF_ORDER, ...accepted(0x50, 0, 0x10) } },
  { rule: 'wrap: right edge after the wrap', seg: { rcv_nxt: 0xffffff00, rcv_wnd: 0x200, seq: 0x100, len: 0x10 }, want: { verdict: V.SEND_ACK } },
  { rule: 'wrap: old segment numerically above RCV.NXT + WND', seg: { rcv_nxt: 0xffffff00, rcv_wnd: 0x200, seq: 0xfffffe00, len: 0x100 }, want: { verdict: V.DUPLICATE } },
  { rule: 'wrap: front trim across 0', seg: { rcv_nxt: 0x10, seq: 0xfffffff0, len: 0x40 }, want: { verdict: V.IN_ORDER, ...accepted(0x10, 0x20, 0x20) } },
  { rule: 'wrap: SND.UNA < SEG.ACK across 0', seg: { snd_una: 0xfffffff0, snd_nxt: 0x10, ack: 0x5, snd_wl2: 0xfffffff0 }, want: { verdict: V.IN_ORDER, ack_ok: true, ack_advance: true, wnd_update: true } },
  { rule: 'wrap: ACK numerically below SND.NXT but past it', seg: { snd_una: 0xfffffff0, snd_nxt: 0x10, ack: 0x11 }, want: { verdict: V.SEND_ACK, ack_unsent: true } },
  // RFC 5961 §3.2: RST.
  { rule: 'RST exactly at RCV.NXT resets', seg: { ctl_rst: true, len: 0 }, want: { verdict: V.RESET, ...nothing, ack_ok: false } },
  { rule: 'RST at RCV.NXT without ACK bit resets', seg: { ctl_rst: true, ctl_ack: false, len: 0 }, want: { verdict: V.RESET } },
  { rule: 'RST in the window but not at RCV.NXT: challenge ACK', seg: { ctl_rst: true, seq: 1500 }, want: { verdict: V.CHALLENGE_ACK, ...nothing } },
  { rule: 'RST beyond the window: silently dropped', seg: { ctl_rst: true, seq: 2000 }, want: { verdict: V.DROP } },
  { rule: 'RST before RCV.NXT: silently dropped', seg: { ctl_rst: true, seq: 999, len: 0 }, want: { verdict: V.DROP } },
  { rule: 'RST with a zero window at RCV.NXT resets', seg: { ctl_rst: true, rcv_wnd: 0 }, want: { verdict: V.RESET } },
  { rule: 'RST with a zero window elsewhere is dropped', seg: { ctl_rst: true, rcv_wnd: 0, seq: 1001 }, want: { verdict: V.DROP } },
  { rule: 'RST+SYN at RCV.NXT: the RST check comes first', seg: { ctl_rst: true, ctl_syn: true }, want: { verdict: V.RESET } },
  // RFC 5961 §4.2: SYN.
  { rule: 'SYN in the window: challenge ACK', seg: { ctl_syn: true, len: 0 }, want: { verdict: V.CHALLENGE_ACK, ...nothing, ack_ok: false } },
  { rule: 'SYN far outside the window: still a challenge ACK', seg: { ctl_syn: true, seq: 0x80000000 }, want: { verdict: V.CHALLENGE_ACK } },
  { rule: 'SYN+ACK in a synchronised state: challenge ACK', seg: { ctl_syn: true, ctl_ack: true, seq: 999 }, want: { verdict: V.CHALLENGE_ACK } },
  // RFC 9293 fifth check: ACK bit and ACK field.
  { rule: 'no ACK bit, acceptable: dropped', seg: { ctl_ack: false }, want: { verdict: V.DROP, seq_ok: true, ack_ok: false } },
  { rule: 'no ACK bit, unacceptable: the first check still sends an ACK', seg: { ctl_ack: false, seq: 3000 }, want: { verdict: V.SEND_ACK } },
  { rule: 'ACK in (SND.UNA, SND.NXT) advances', seg: { ack: 5500 }, want: { verdict: V.IN_ORDER, ack_ok: true, ack_advance: true } },
  { rule: 'ACK = SND.NXT advances', seg: { ack: 6000 }, want: { verdict: V.IN_ORDER, ack_advance: true, ack_unsent: false } },
  { rule: 'ACK of unsent data: send ACK, drop the segment and its data', seg: { ack: 6001 }, want: { verdict: V.SEND_ACK, ack_unsent: true, ack_ok: false, ...nothing } },
  { rule: 'ACK = SND.UNA with data: not a duplicate ACK (carries data)', seg: { ack: 5000 }, want: { verdict: V.IN_ORDER, ack_ok: true, ack_advance: false, dup_ack: false } },
  { rule: 'pure ACK = SND.UNA, window unchanged, data outstanding: duplicate ACK', seg: { len: 0 }, want: { verdict: V.IN_ORDER, dup_ack: true, ack_advance: false } },
  { rule: 'pure ACK = SND.UNA but the window changed: a window update, not a duplicate', seg: { len: 0, wnd: 4001 }, want: { dup_ack: false, wnd_update: true, seg_wnd: 4001 } },
  { rule: 'pure ACK = SND.UNA with nothing outstanding: not a duplicate', seg: { len: 0, snd_nxt: 5000 }, want: { dup_ack: false, ack_ok: true } },
  { rule: 'pure ACK = SND.UNA with FIN: not a duplicate', seg: { len: 0, ctl_fin: true }, want: { dup_ack: false, fin: true } },
  { rule: 'ACK below SND.UNA within MAX.SND.WND: ignored, data still taken', seg: { ack: 4000 }, want: { verdict: V.IN_ORDER, ack_ok: true, ack_advance: false, wnd_update: false, ...accepted(1000, 0, 100) } },
  { rule: 'RFC 5961 §5.2: ACK = SND.UNA - MAX.SND.WND is still acceptable', seg: { ack: 2000 }, want: { verdict: V.IN_ORDER, ack_ok: true, ack_too_old: false } },
  { rule: 'RFC 5961 §5.2: ACK below SND.UNA - MAX.SND.WND: send ACK, drop', seg: { ack: 1999 }, want: { verdict: V.SEND_ACK, ack_too_old: true, ack_ok: false, ...nothing } },
  // Window update rule and scaling.
  { rule: 'window update: SND.WL1 < SEG.SEQ', seg: { snd_wl1: 999 }, want: { wnd_update: true } },
  { rule: 'window update: SND.WL1 = SEG.SEQ and SND.WL2 <= SEG.ACK', seg: { snd_wl1: 1000, snd_wl2: 5000 }, want: { wnd_update: true } },
  { rule: 'no window update: SND.WL1 = SEG.SEQ and SND.WL2 > SEG.ACK', seg: { snd_wl1: 1000, snd_wl2: 5001 }, want: { wnd_update: false, ack_ok: true } },
  { rule: 'no window update: an older segment (SND.WL1 > SEG.SEQ)', seg: { snd_wl1: 1001 }, want: { wnd_update: false } },
  { rule: 'window scale: 100 << 3', seg: { wnd: 100, snd_wscale: 3 }, want: { seg_wnd: 800 } },
  { rule: 'window scale above 14 counts as 14', seg: { wnd: 65535, snd_wscale: 15 }, want: { seg_wnd: 65535 * 16384 } },
];

describe('seq_check model: hand-written RFC cases', () => {
  it.each(rules.map((r) => [r.rule, r] as const))('%s', (_name, r) => {
    expect(checkSegment({ ...base, ...r.seg })).toMatchObject(r.want);
  });
});

describe.each(simBackends())('seq_check block: hand-written RFC cases (%s)', async (backend) => {
  const sim = await seqCheckSim(backend);
  afterAll(() => sim.close());
  const cases = rules.map((r, i) => ({ ...base, ...r.seg, tag: i }));
  const got = runCases(sim, cases).verdicts;
  it.each(rules.map((r, i) => [r.rule, i] as const))('%s', (_name, i) => {
    expect(got[i]).toMatchObject(rules[i]!.want);
    expect(got[i]).toEqual(checkSegment(cases[i]!));
  });
});
