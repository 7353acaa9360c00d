// The Linux capture (../shared/pcaps/linux-tcp-200k-transfer.pcap) as ToeRx sees it on the receiving host:
// the frames that arrive there, in batches between the receiver's own transmissions (after which the firmware
// writes the TCB fields its sending moves: SND.NXT and the advertised right edge), with the reference verdicts of
// the seq_check replay (test/seq_check/replay.ts).
import { RxMode } from '../../firmware/api.ts';
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { projectRoot } from '../../gen/root.ts';
import { parseFrame, readPcap, TcpFlags, type TcpFrame, type TcpHeader } from '../../sim/packet/index.ts';
import { checkSegment, type SegCase, type SegVerdict } from '../../sim/tcp/seq-check-model.ts';
import type { TcbFields, Tuple } from '../../blocks/conn_table/tcb.ts';
import { ReceiverTcb } from '../seq_check/tcb.ts';
import { replay } from '../seq_check/replay.ts';

export const pcapPath = resolve(projectRoot(), '../shared/pcaps/linux-tcp-200k-transfer.pcap');
export const captureAvailable = existsSync(pcapPath);
export const TRANSFER = 200_000;

export interface Batch {
  /** Firmware WRITE before the batch (the receiver sent something since the last batch). */
  write?: Partial<TcbFields>;
  frames: Uint8Array[];
}

export interface Plan {
  /** The receiver's 4-tuple (local = the receiver). */
  tuple: Tuple;
  /** The peer's SYN: it arrives before the firmware has inserted the connection. */
  syn: Uint8Array;
  /** The TCB the handshake establishes. */
  initial: Partial<TcbFields>;
  batches: Batch[];
  /** One per frame of the batches, in order. */
  cases: SegCase[];
  verdicts: SegVerdict[];
  /** RCV.NXT and SND.UNA after each case. */
  after: { rcv_nxt: number; snd_una: number }[];
  final: ReceiverTcb;
  /** The peer's initial sequence number (the transfer's first byte is ISN + 1). */
  isn: number;
}

export function loadCapture(): { raw: Uint8Array[]; frames: TcpFrame[] } {
  const raw = readPcap(readFileSync(pcapPath)).packets.map((p) => p.data.slice());
  const frames = raw.map((f) => {
    const p = parseFrame(f);
    if (!p.ok || p.value.kind !== 'tcp') throw new Error('the capture holds a frame that is not TCP');
    return p.value;
  });
  return { raw, frames };
}

const tcbFieldsOf = (t: ReceiverTcb): Partial<TcbFields> => ({
  rcv_nxt: t.rcvNxt, rcv_adv: t.rightEdge, snd_una: t.sndUna, snd_nxt: t.sndNxt, snd_wnd: t.sndWnd,
  snd_wscale: t.sndWscale, rcv_wscale: t.rcvWscale, snd_wl1: t.sndWl1, snd_wl2: t.sndWl2, max_snd_wnd: t.maxSndWnd,
});

/** The receiving side's plan; its verdicts are checked against replay() so the two can never drift apart. */
export function planCapture(raw: Uint8Array[], frames: TcpFrame[]): Plan {
  const r = replay(frames);
  const first = frames[r.sources[0]!]!;
  const incoming = (f: TcpFrame) => f.ip.dst === first.ip.dst && f.tcp.dstPort === first.tcp.dstPort;
  const isSyn = (f: TcpFrame) => (f.tcp.flags & TcpFlags.SYN) !== 0;
  const peerSyn = frames.findIndex((f) => incoming(f) && isSyn(f));
  const ownSyn = frames.find((f) => !incoming(f) && isSyn(f))!;
  const tcb = new ReceiverTcb(frames[peerSyn]!.tcp as TcpHeader, ownSyn.tcp as TcpHeader);
  const plan: Plan = {
    tuple: { local_ip: first.ip.dst, remote_ip: first.ip.src, local_port: first.tcp.dstPort, remote_port: first.tcp.srcPort },
    syn: raw[peerSyn]!, initial: tcbFieldsOf(tcb), batches: [], cases: [], verdicts: [], after: [], final: tcb,
    isn: frames[peerSyn]!.tcp.seq,
  };
  let sent = true;
  frames.forEach((f, i) => {
    if (isSyn(f)) return;
    if (!incoming(f)) { tcb.sent(f.tcp as TcpHeader, f.payload.length); sent = true; return; }
    if (!plan.batches.length) plan.initial = tcbFieldsOf(tcb);
    else if (sent) plan.batches.push({ write: { rcv_adv: tcb.rightEdge, snd_nxt: tcb.sndNxt }, frames: [] });
    if (!plan.batches.length) plan.batches.push({ frames: [] });
    sent = false;
    plan.batches.at(-1)!.frames.push(raw[i]!);
    const c = tcb.caseFor(f.tcp as TcpHeader, f.payload.length, 0);
    const v = checkSegment(c);
    const rcvNxtBefore = tcb.rcvNxt;
    tcb.arrived(c, v);
    // A FIN (or RST) leaves the fast path: the hardware hands the segment to the RX core and does not move
    // RCV.NXT; the stand-in firmware then delivers it (RCV.NXT past the data and the FIN) and puts the
    // connection back on the fast path before the next frame, as firmware/rx-core.ts does.
    const toFirmware = (f.tcp.flags & (TcpFlags.FIN | TcpFlags.RST)) !== 0;
    plan.cases.push(c); plan.verdicts.push(v); plan.after.push({ rcv_nxt: toFirmware ? rcvNxtBefore : tcb.rcvNxt, snd_una: tcb.sndUna });
    if (toFirmware) plan.batches.push({ write: { rcv_nxt: tcb.rcvNxt, rx_mode: RxMode.FAST }, frames: [] });
  });
  const same = r.verdicts.length === plan.verdicts.length && r.verdicts.every((v, k) => JSON.stringify({ ...v, tag: 0 }) === JSON.stringify(plan.verdicts[k]));
  if (!same) throw new Error('planCapture: the plan\'s verdicts differ from replay()');
  return plan;
}
