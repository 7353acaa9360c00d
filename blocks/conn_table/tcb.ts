// The transmission control block (RFC 9293 §3.3.1), defined once: the RTL stores this layout as one 640-bit
// word per connection (byte 0 of the layout is bits [7:0]) and the firmware encodes and decodes the same bytes
// with the codec below. Every field owns whole bytes, so a field mask maps to the memory's byte enables and a
// masked write never needs a read-modify-write.
import { layout, type FieldDef, type FieldName } from '../host/layouts.ts';
import { decode, encode } from '../host/layout-codec.ts';

/** A field of `width` bits at byte `byte`. */
const at = <N extends string>(name: N, byte: number, width: number): FieldDef<N> => ({ name, offset: byte * 8, width });

export const Tcb = layout('tcb', 80, [
  at('state', 0, 4), // TcbState
  at('snd_wscale', 1, 4), // the peer's window shift (RFC 7323), applied to windows it sends
  at('rcv_wscale', 2, 4), // our window shift, applied to windows we advertise
  at('ts_ok', 3, 1), // RFC 7323 timestamps negotiated
  at('sack_ok', 4, 1), // RFC 2018 SACK permitted by both ends
  at('rx_mode', 5, 2), // firmware/api.ts RxMode: how the hardware routes received segments (FAST, FIRMWARE, RAW)
  at('mss', 6, 16), // the peer's MSS (send MSS)
  at('snd_una', 8, 32),
  at('snd_nxt', 12, 32),
  at('snd_wnd', 16, 32), // scaled
  at('snd_wl1', 20, 32),
  at('snd_wl2', 24, 32),
  at('iss', 28, 32),
  at('rcv_nxt', 32, 32),
  // RCV.NXT + RCV.WND: the advertised right edge (sequence space), not the window. toe_rx moves rcv_nxt only,
  // cmd_exec moves the edge only, so the two writers never share a field; the window is rcvWindow() below.
  at('rcv_adv', 36, 32),
  at('irs', 40, 32),
  at('ts_recent', 44, 32), // RFC 7323 TS.Recent
  at('max_snd_wnd', 48, 32), // the largest window the peer has advertised (RFC 5961 §5)
  // The 4-tuple: the lookup key. Set by insert, read-only afterwards.
  at('local_ip', 52, 32),
  at('remote_ip', 56, 32),
  at('local_port', 60, 16),
  at('remote_port', 62, 16),
  // The TOE's per-connection fields beyond RFC 9293's (firmware/api.ts TcbField), written by the firmware.
  at('sack_mode', 64, 2), // firmware/api.ts SackMode
  at('rcv_mss', 66, 16), // our receive MSS: the delayed-ACK threshold is 2 * rcv_mss
  at('rcvbuf', 68, 32), // receive buffer bytes
  at('remote_mac', 72, 48), // the peer's (next hop's) MAC, resolved at insert
  // Bytes the host consumed that the window has not yet grown by: receiver SWS avoidance (RFC 9293 §3.8.6.2.2) moves
  // the edge only by at least min(rcvbuf / 2, rcv_mss). Written by cmd_exec's window job only; below that threshold.
  at('rcv_defer', 78, 16),
]);

export type TcbField = FieldName<typeof Tcb>;
export const TCB_BITS = Tcb.bytes * 8;

/** The key fields, in the order they are concatenated (most significant first) into the 96-bit tuple. */
export const KEY_FIELDS = ['local_ip', 'remote_ip', 'local_port', 'remote_port'] as const;
export type KeyField = (typeof KEY_FIELDS)[number];
export const TUPLE_BITS = 96;

/**
 * RCV.WND = RCV.ADV - RCV.NXT, wrap-aware, floored at 0 (an edge at or behind RCV.NXT is a closed window). Windows
 * stay below 2^31 (RFC 7323 caps them at 2^30), so the difference read as a signed 32-bit number is the window.
 */
export function rcvWindow(t: { rcv_nxt: number; rcv_adv: number }): number {
  const d = (t.rcv_adv - t.rcv_nxt) | 0;
  return d > 0 ? d : 0;
}

/**
 * The window an ACK sent now announces, in bytes: RCV.WND rounded down to the window-scale unit (the field is
 * RCV.WND >> rcv_wscale). Segments are judged against this edge, the one the peer was told, not the TCB's.
 */
export function announcedWindow(t: { rcv_nxt: number; rcv_adv: number; rcv_wscale: number }): number {
  const unit = 2 ** Math.min(t.rcv_wscale, 14);
  return Math.floor(rcvWindow(t) / unit) * unit;
}

/** The fields a write may change, in field-mask bit order (bit 0 = state). The key fields are not among them. */
export const WRITABLE_FIELDS = Tcb.fields.map((f) => f.name).filter((n): n is Exclude<TcbField, KeyField> =>
  !(KEY_FIELDS as readonly string[]).includes(n));
export type WritableField = (typeof WRITABLE_FIELDS)[number];
export const MASK_BITS = WRITABLE_FIELDS.length;

/** RFC 9293 §3.3.2 connection states. CLOSED is 0, so a freshly inserted TCB is CLOSED. */
export enum TcbState {
  CLOSED = 0,
  LISTEN = 1,
  SYN_SENT = 2,
  SYN_RECEIVED = 3,
  ESTABLISHED = 4,
  FIN_WAIT_1 = 5,
  FIN_WAIT_2 = 6,
  CLOSE_WAIT = 7,
  CLOSING = 8,
  LAST_ACK = 9,
  TIME_WAIT = 10,
}

/** A connection's 4-tuple. */
export interface Tuple { local_ip: number; remote_ip: number; local_port: number; remote_port: number }
/** Every TCB field as a number (all fit in 32 bits). */
export type TcbFields = Record<TcbField, number>;

/** The 96-bit lookup key: {local_ip, remote_ip, local_port, remote_port}, local_ip in the top bits. */
export function tupleBits(t: Tuple): bigint {
  return (BigInt(t.local_ip >>> 0) << 64n) | (BigInt(t.remote_ip >>> 0) << 32n) | (BigInt(t.local_port) << 16n) | BigInt(t.remote_port);
}

export const tupleOf = (f: Tuple): Tuple =>
  ({ local_ip: f.local_ip, remote_ip: f.remote_ip, local_port: f.local_port, remote_port: f.remote_port });

/** An all-zero TCB (state CLOSED) for a tuple: what insert writes. */
export function freshTcb(t: Tuple): TcbFields {
  const f = Object.fromEntries(Tcb.fields.map((x) => [x.name, 0])) as TcbFields;
  return { ...f, ...tupleOf(t) };
}

/** The field mask for a set of writable fields. */
export function fieldMask(fields: readonly WritableField[]): number {
  let m = 0;
  for (const f of fields) m |= 1 << WRITABLE_FIELDS.indexOf(f);
  return m >>> 0;
}

/** The writable fields a mask selects. */
export const maskedFields = (mask: number): WritableField[] => WRITABLE_FIELDS.filter((_, i) => (mask >>> i) & 1);

/** `base` with the fields selected by `mask` taken from `update`: what a masked write leaves in the TCB. */
export function applyMask(base: TcbFields, update: Partial<TcbFields>, mask: number): TcbFields {
  const out = { ...base };
  for (const f of maskedFields(mask)) out[f] = update[f] ?? 0;
  return out;
}

/** The TCB's 80 bytes, as the RTL stores them and the firmware reads them over its bus. */
export const encodeTcb = (f: Partial<TcbFields>): Uint8Array => encode(Tcb, f);

export function decodeTcb(bytes: Uint8Array, at = 0): TcbFields {
  const d = decode(Tcb, bytes, at);
  return Object.fromEntries(Object.entries(d).map(([k, v]) => [k, Number(v)])) as TcbFields;
}

/** The TCB as one 640-bit word (byte 0 in bits [7:0]), as the RTL memory holds it. */
export function tcbWord(f: Partial<TcbFields>): bigint {
  const b = encodeTcb(f);
  let w = 0n;
  for (let i = b.length - 1; i >= 0; i--) w = (w << 8n) | BigInt(b[i]!);
  return w;
}

export function tcbFromWord(w: bigint): TcbFields {
  const b = new Uint8Array(Tcb.bytes);
  for (let i = 0; i < b.length; i++) b[i] = Number((w >> BigInt(8 * i)) & 0xffn);
  return decodeTcb(b);
}
