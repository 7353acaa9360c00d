// What sending and receiving one message of a given size costs, for `toe bench toe`: TOE clock cycles, the
// host's operations on the rings, and the firmware cores' cycles, on a fresh connection (A sends to B).
//
// "Host work" in the model is what the host API does: a send is one send-buffer descriptor plus one command-ring
// entry with its doorbell, and one completion (SEND_DONE) to read; a receive is one read of the receive queue per
// time the TOE signals data (HostStack reads as soon as data arrives), each a DMA of the data into the user
// buffer done by the TOE and one completion for the host to read. The model has no host CPU: no system call,
// interrupt, cache miss or driver instruction is counted.
import { HostNote } from '../firmware/api.ts';
import { busy, connectPair, makeBenchPair, pattern, type PairOptions, type Side } from './toe-pair.ts';
import { seqAdd } from '../sim/packet/index.ts';

export interface HostWork {
  /** Descriptors written by the host (send buffers and command-ring entries); each command rings a doorbell. */
  descriptors: number;
  doorbells: number;
  /** Completions the host reads (HOST_NOTE completions, and one per read of received data). */
  completions: number;
}

export interface CostResult {
  bytes: number;
  /** Send: doorbell -> SEND_DONE completion (the user's buffer is free: where a send() call returns). */
  sendNs: number;
  /** Doorbell -> the last byte acknowledged by the peer. */
  sendAckedNs: number;
  sendHost: HostWork;
  /** Cycles of A's two firmware cores (at their own clock) during the transfer. */
  sendFwCycles: number;
  /** Receive: the first data segment's last byte in at B's MAC -> the last byte in B's user buffer. */
  recvNs: number;
  /** Doorbell at A -> the last byte in B's user buffer. */
  endToEndNs: number;
  recvHost: HostWork;
  /** Data reads at B (each one DMA into the user buffer and its completion). */
  recvReads: number;
  recvFwCycles: number;
  coreHz: number;
}

function snapshot(s: Side) {
  return { commands: s.commands, sendBuffers: s.sendBuffers, notes: s.notes.length, reads: s.userData.length };
}

function work(s: Side, before: ReturnType<typeof snapshot>): HostWork {
  const commands = s.commands - before.commands;
  return {
    descriptors: commands + s.sendBuffers - before.sendBuffers,
    doorbells: commands,
    completions: s.notes.length - before.notes + s.userData.length - before.reads,
  };
}

export function transferCost(bytes: number, o: PairOptions = {}): CostResult {
  const p = makeBenchPair(o);
  const { ca, cb } = connectPair(p);
  const hw = p.a.toe.hwConn(ca.conn)!;
  const endSeq = seqAdd(hw.sndNxt, bytes);
  const sa = snapshot(p.a), sb = snapshot(p.b);
  const fa = busy(p.a.toe), fb = busy(p.b.toe);
  const arrivalsBefore = p.b.arrivals.length;
  const t0 = p.sched.now;
  p.a.toe.host.send(ca, pattern(bytes, 7));
  let tRecv = -1, tAcked = -1;
  p.run(() => {
    if (tRecv < 0 && cb.received === bytes) tRecv = p.sched.now;
    if (tAcked < 0 && hw.sndUna === endSeq) tAcked = p.sched.now;
    return tRecv >= 0 && tAcked >= 0 && ca.sendsPending === 0;
  }, 10_000);
  const done = p.a.notes.find((n) => n.note === HostNote.SEND_DONE && n.t >= t0);
  if (!done || done.value !== bytes) throw new Error(`toe bench cost: no SEND_DONE for ${bytes} bytes`);
  const firstIn = p.b.arrivals.slice(arrivalsBefore).find((a) => a.payload > 0)!;
  const fa1 = busy(p.a.toe), fb1 = busy(p.b.toe);
  return {
    bytes,
    sendNs: done.t - t0,
    sendAckedNs: tAcked - t0,
    sendHost: work(p.a, sa),
    sendFwCycles: fa1.rxCycles - fa.rxCycles + fa1.txCycles - fa.txCycles,
    recvNs: tRecv - firstIn.t,
    endToEndNs: tRecv - t0,
    recvHost: work(p.b, sb),
    recvReads: p.b.userData.length - sb.reads,
    recvFwCycles: fb1.rxCycles - fb.rxCycles + fb1.txCycles - fb.txCycles,
    coreHz: p.a.toe.cfg.coreHz,
  };
}
