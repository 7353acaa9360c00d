// Replays a captured transfer on the side that receives the bulk data: each arriving segment becomes a seq_check
// case against a TCB that the model's verdicts keep up to date. Shared by the seq_check capture test and the
// receive-pipeline test (which builds its segments from the RX parser's metadata instead of parseFrame).
import { TcpFlags, type TcpHeader } from '../../sim/packet/index.ts';
import { SeqVerdict } from '../../blocks/seq_check/interface.ts';
import { checkSegment, type SegCase, type SegVerdict } from '../../sim/tcp/seq-check-model.ts';
import { ReceiverTcb } from './tcb.ts';

/** What the replay reads of a segment: a parsed TcpFrame has it, and so does one rebuilt from metadata. */
export interface ReplaySegment {
  ip: { src: number; dst: number };
  tcp: Pick<TcpHeader, 'srcPort' | 'dstPort' | 'seq' | 'ack' | 'flags' | 'window' | 'options'>;
  payload: { length: number };
}

export interface Replay {
  cases: SegCase[];
  verdicts: SegVerdict[];
  payloadLens: number[];
  /** For each case, the index of its segment in the input. */
  sources: number[];
  tcb: ReceiverTcb;
  delivered: number;
  retransmitted: number;
}

const endpoint = (f: ReplaySegment, side: 'src' | 'dst') => `${f.ip[side]}:${side === 'src' ? f.tcp.srcPort : f.tcp.dstPort}`;

/**
 * The model's cases and verdicts for every segment arriving at the receiver (the endpoint that receives the most
 * payload). With `retransmitEvery` = n, every n-th data segment arrives a second time right after the first
 * (a spurious retransmission).
 */
export function replay(frames: readonly ReplaySegment[], retransmitEvery = 0): Replay {
  const bytesTo = new Map<string, number>();
  for (const f of frames) bytesTo.set(endpoint(f, 'dst'), (bytesTo.get(endpoint(f, 'dst')) ?? 0) + f.payload.length);
  const receiver = [...bytesTo.entries()].sort((a, b) => b[1] - a[1])[0]![0];
  const incoming = (f: ReplaySegment) => endpoint(f, 'dst') === receiver;
  const isSyn = (f: ReplaySegment) => (f.tcp.flags & TcpFlags.SYN) !== 0;
  const peerSyn = frames.find((f) => incoming(f) && isSyn(f));
  const ownSyn = frames.find((f) => !incoming(f) && isSyn(f));
  if (!peerSyn || !ownSyn) throw new Error('replay: the capture has no handshake');
  const tcb = new ReceiverTcb(peerSyn.tcp as TcpHeader, ownSyn.tcp as TcpHeader);

  const r: Replay = { cases: [], verdicts: [], payloadLens: [], sources: [], tcb, delivered: 0, retransmitted: 0 };
  const arrive = (f: ReplaySegment, i: number) => {
    const c = tcb.caseFor(f.tcp as TcpHeader, f.payload.length, r.cases.length);
    const v = checkSegment(c);
    tcb.arrived(c, v);
    if (v.verdict === SeqVerdict.IN_ORDER) r.delivered += v.accept_len;
    r.cases.push(c); r.verdicts.push(v); r.payloadLens.push(f.payload.length); r.sources.push(i);
  };
  let dataSegments = 0;
  frames.forEach((f, i) => {
    if (isSyn(f)) return; // the handshake's SYNs belong to the firmware (LISTEN / SYN-SENT)
    if (!incoming(f)) { tcb.sent(f.tcp as TcpHeader, f.payload.length); return; }
    arrive(f, i);
    if (f.payload.length > 0 && retransmitEvery > 0 && ++dataSegments % retransmitEvery === 0) { arrive(f, i); r.retransmitted++; }
  });
  return r;
}
