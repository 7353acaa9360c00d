// Generated traffic for ToeRx: a few connections, segments drawn around each one's current state (in order,
// overlapping, duplicate, out of order, beyond the window; RST, SYN, FIN, no ACK, odd ACKs), segments for
// unknown connections, frames with a bad checksum and ARP frames; with the model's expectation for each.
import { buildArpRequest, buildTcpFrame, seqAdd, TcpFlags } from '../../sim/packet/index.ts';
import { RxReason } from '../../blocks/rx_parser/reasons.ts';
import { TcbState, rcvWindow, type TcbFields, type Tuple } from '../../blocks/conn_table/tcb.ts';
import { ToeRxModel, type Expected, type SegIn } from './model.ts';

export const LOCAL_IP = 0x0a000001;
export const LOCAL_MAC = '02:00:00:00:00:01';
export const PEER_MAC = '02:00:00:00:00:02';

export type Rng = () => number;
const int = (rng: Rng, lo: number, hi: number) => lo + Math.floor(rng() * (hi - lo + 1));

export const tupleOf = (k: number): Tuple => ({ local_ip: LOCAL_IP, remote_ip: 0x0a000100 + k, local_port: 80 + (k % 2), remote_port: 40000 + k });

/** A random synchronised TCB (state as given). */
export function randomTcb(rng: Rng, tuple: Tuple, state: number = TcbState.ESTABLISHED): TcbFields {
  const rcvNxt = int(rng, 0, 2 ** 32 - 1), sndUna = int(rng, 0, 2 ** 32 - 1);
  const sndWnd = int(rng, 0, 65535);
  return {
    ...tuple, state, snd_wscale: int(rng, 0, 3), rcv_wscale: 0, ts_ok: 0, sack_ok: 0, mss: 1460,
    snd_una: sndUna, snd_nxt: seqAdd(sndUna, int(rng, 0, 3000)), snd_wnd: sndWnd, snd_wl1: seqAdd(rcvNxt, -1), snd_wl2: sndUna,
    iss: seqAdd(sndUna, -1), rcv_nxt: rcvNxt, rcv_adv: seqAdd(rcvNxt, rng() < 0.1 ? 0 : int(rng, 2000, 65535)), irs: seqAdd(rcvNxt, -1),
    ts_recent: 0, max_snd_wnd: sndWnd, rx_mode: 0, sack_mode: 0, rcv_mss: 1460, rcvbuf: 65535, remote_mac: 0, rcv_defer: 0,
  };
}

/** A segment drawn around the connection's current state. */
export function segmentFor(rng: Rng, t: TcbFields): SegIn {
  const len = rng() < 0.25 ? 0 : int(rng, 1, 200);
  const r = rng();
  let seq: number;
  if (r < 0.45) seq = seqAdd(t.rcv_nxt, rng() < 0.2 && len > 1 ? -int(rng, 1, len - 1) : 0); // in order (maybe overlapping)
  else if (r < 0.6) seq = seqAdd(t.rcv_nxt, -len - int(rng, 0, 500)); // entirely old
  else if (r < 0.75) seq = seqAdd(t.rcv_nxt, int(rng, 1, Math.max(1, Math.min(rcvWindow(t), 3000)))); // out of order
  else seq = seqAdd(t.rcv_nxt, int(rng, -70000, 70000));
  const outstanding = (t.snd_nxt - t.snd_una + 2 ** 32) % 2 ** 32;
  const ack = rng() < 0.85 ? seqAdd(t.snd_una, int(rng, 0, outstanding)) : seqAdd(t.snd_una, int(rng, -100000, 100000));
  const f = rng();
  return {
    seq, ack, len, wnd: int(rng, 0, 65535),
    rst: f < 0.05, syn: f >= 0.05 && f < 0.08, ack_flag: !(f >= 0.08 && f < 0.13), fin: rng() < 0.1,
  };
}

export function frameOf(tuple: Tuple, s: SegIn, rng: Rng): Uint8Array {
  const flags = (s.syn ? TcpFlags.SYN : 0) | (s.ack_flag ? TcpFlags.ACK : 0) | (s.fin ? TcpFlags.FIN : 0) | (s.rst ? TcpFlags.RST : 0);
  const payload = Uint8Array.from({ length: s.len }, () => int(rng, 0, 255));
  return buildTcpFrame({
    srcMac: PEER_MAC, dstMac: LOCAL_MAC, srcIp: tuple.remote_ip, dstIp: tuple.local_ip,
    srcPort: tuple.remote_port, dstPort: tuple.local_port, seq: s.seq, ack: s.ack, flags, window: s.wnd, payload,
  });
}


/** What one frame should give: a record (reason and, for OK, the model's expectation) or nothing (slow path). */
export interface Item { frame: Uint8Array; record?: { reason: number; expected?: Expected }; seg?: { tuple: Tuple; s: SegIn } }

/** `n` frames over the model's connections (in `tuples`), drawn with `rng`; the model follows along. */
export function traffic(rng: Rng, model: ToeRxModel, tuples: Tuple[], n: number, mix = { unknown: 0.08, badChecksum: 0.08, arp: 0.04 }): Item[] {
  const items: Item[] = [];
  for (let i = 0; i < n; i++) {
    const r = rng();
    const tuple = tuples[int(rng, 0, tuples.length - 1)]!;
    if (r < mix.arp) {
      items.push({ frame: buildArpRequest({ srcMac: PEER_MAC, srcIp: tuple.remote_ip, targetIp: LOCAL_IP }) });
    } else if (r < mix.arp + mix.unknown) {
      const stranger = { ...tuple, remote_port: 1000 + int(rng, 0, 999) };
      const s = segmentFor(rng, model.tcbOf(tuple)!);
      items.push({ frame: frameOf(stranger, s, rng), record: { reason: RxReason.OK, expected: model.arrive(stranger, s) }, seg: { tuple: stranger, s } });
    } else if (r < mix.arp + mix.unknown + mix.badChecksum) {
      const frame = frameOf(tuple, segmentFor(rng, model.tcbOf(tuple)!), rng);
      frame[14 + 20 + 16]! ^= 0x5a; // the TCP checksum field
      items.push({ frame, record: { reason: RxReason.BAD_CHECKSUM } });
    } else {
      const s = segmentFor(rng, model.tcbOf(tuple)!);
      items.push({ frame: frameOf(tuple, s, rng), record: { reason: RxReason.OK, expected: model.arrive(tuple, s) }, seg: { tuple, s } });
    }
  }
  return items;
}

/** The same traffic's expectations under another model (same connections, same segments). */
export function reexpect(items: Item[], model: ToeRxModel): Item[] {
  return items.map((i) => (i.seg ? { ...i, record: { reason: i.record!.reason, expected: model.arrive(i.seg.tuple, i.seg.s) } } : i));
}
