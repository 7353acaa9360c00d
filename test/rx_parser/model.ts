// Reference model of the RX parser: what it must output for any frame. The reason rules are those documented
// on RxReason (blocks/rx_parser/reasons.ts); header fields and payload of accepted frames come from
// sim/packet's parseFrame, the project's reference parser.
import { RxReason, isSlowPath } from '../../blocks/rx_parser/reasons.ts';
import { parseFrame, type TcpFrame, type TcpOption } from '../../sim/packet/index.ts';

export type RxMeta = Record<string, bigint>;

export interface RxExpected {
  reason: RxReason;
  /** The slow-path frame (the whole input) and its tuser, for slow-path reasons. */
  slow?: { data: Uint8Array; user: number };
  /**
   * The metadata record of a TCP candidate. For reason OK every field; otherwise reason and has_payload
   * only (the other fields are unspecified).
   */
  meta?: RxMeta;
  /** The payload frame that goes with `meta` (has_payload), also for a late-rejected frame. */
  payload?: Uint8Array;
}

const be16 = (b: Uint8Array, o: number) => (b[o]! << 8) | b[o + 1]!;
const beBig = (b: Uint8Array, o: number, n: number) => {
  let v = 0n;
  for (let i = 0; i < n; i++) v = (v << 8n) | BigInt(b[o + i] ?? 0);
  return v;
};

/** The frame's class from its first 24 bytes (rules 1-9): a code, OK for a TCP candidate. */
export function classOf(f: Uint8Array): RxReason {
  const n = f.length;
  if (n < 14) return RxReason.TRUNCATED;
  const ethertype = be16(f, 12);
  if (ethertype === 0x0806) return RxReason.ARP;
  if (ethertype !== 0x0800) return RxReason.NON_IPV4;
  if (n < 15) return RxReason.TRUNCATED;
  if (f[14]! >> 4 !== 4) return RxReason.NON_IPV4;
  if ((f[14]! & 15) < 5) return RxReason.BAD_IHL;
  if (n < 24) return RxReason.TRUNCATED;
  if ((f[20]! & 0x20) !== 0 || (be16(f, 20) & 0x1fff) !== 0) return RxReason.FRAGMENT;
  if (f[23] !== 6) return RxReason.NON_TCP;
  return RxReason.OK;
}

/** Rules 10-15 for a TCP candidate: OK or a drop code. */
export function tcpHeaderReason(f: Uint8Array): RxReason {
  const ih = (f[14]! & 15) * 4;
  const tl = be16(f, 16);
  if (f.length < 14 + ih + 20) return RxReason.TRUNCATED;
  const dataOffset = f[14 + ih + 12]! >> 4;
  if (tl < ih) return RxReason.BAD_IHL;
  if (tl < ih + 20) return RxReason.BAD_TOTAL_LEN;
  if (dataOffset < 5) return RxReason.BAD_DATA_OFFSET;
  if (ih + dataOffset * 4 > tl) return RxReason.BAD_DATA_OFFSET;
  if (f.length < 14 + ih + dataOffset * 4) return RxReason.TRUNCATED;
  return RxReason.OK;
}

/** The frame's reason code (every rule, MAC error and checksum error included). */
export function reasonOf(f: Uint8Array, macError: boolean, checksumError = false): RxReason {
  const cls = classOf(f);
  if (isSlowPath(cls)) return cls;
  if (macError) return RxReason.MAC_ERROR;
  if (cls !== RxReason.OK) return cls;
  const hdr = tcpHeaderReason(f);
  if (hdr !== RxReason.OK) return hdr;
  if (f.length < 14 + be16(f, 16)) return RxReason.BAD_TOTAL_LEN;
  return checksumError ? RxReason.BAD_CHECKSUM : RxReason.OK;
}

export interface OptionSummary {
  mss?: number;
  wscale?: number;
  sackPermitted: boolean;
  ts?: { val: number; ecr: number };
  sack?: { left: number; right: number }[];
  malformed: boolean;
}

/** Walks an option area as Linux's tcp_parse_options does (a malformed option ends the walk). */
export function walkOptions(area: Uint8Array): OptionSummary {
  const s: OptionSummary = { sackPermitted: false, malformed: false };
  let i = 0;
  while (i < area.length) {
    const kind = area[i]!;
    if (kind === 0) break;
    if (kind === 1) { i++; continue; }
    if (i + 1 >= area.length) { s.malformed = true; break; }
    const len = area[i + 1]!;
    if (len < 2 || i + len > area.length) { s.malformed = true; break; }
    const be32 = (o: number) => Number(beBig(area, i + o, 4));
    if (kind === 2 && len === 4) s.mss = be16(area, i + 2);
    if (kind === 3 && len === 3) s.wscale = area[i + 2]!;
    if (kind === 4 && len === 2) s.sackPermitted = true;
    if (kind === 8 && len === 10) s.ts = { val: be32(2), ecr: be32(6) };
    if (kind === 5 && len >= 10 && (len - 2) % 8 === 0) {
      s.sack = Array.from({ length: (len - 2) / 8 }, (_, b) => ({ left: be32(2 + 8 * b), right: be32(6 + 8 * b) }));
    }
    i += len;
  }
  return s;
}

/** The same summary from sim/packet's decoded option list (for frames parseFrame accepts). */
export function summariseOptions(opts: readonly TcpOption[]): OptionSummary {
  const s: OptionSummary = { sackPermitted: false, malformed: false };
  for (const o of opts) {
    if (o.type === 'mss') s.mss = o.mss;
    if (o.type === 'wscale') s.wscale = o.shift;
    if (o.type === 'sack-permitted') s.sackPermitted = true;
    if (o.type === 'timestamps') s.ts = { val: o.tsval, ecr: o.tsecr };
    if (o.type === 'sack') s.sack = o.blocks.map((b) => ({ ...b }));
  }
  return s;
}

function optionMeta(s: OptionSummary, sackBlocks: number): RxMeta {
  const m: RxMeta = {
    mss_present: BigInt(s.mss !== undefined), mss: BigInt(s.mss ?? 0),
    wscale_present: BigInt(s.wscale !== undefined), wscale: BigInt(s.wscale ?? 0),
    sack_permitted: BigInt(s.sackPermitted),
    ts_present: BigInt(s.ts !== undefined), ts_val: BigInt(s.ts?.val ?? 0), ts_ecr: BigInt(s.ts?.ecr ?? 0),
    sack_count: BigInt(s.sack?.length ?? 0), opt_malformed: BigInt(s.malformed),
  };
  for (let b = 0; b < sackBlocks; b++) {
    m[`sack_left_${b}`] = BigInt(s.sack?.[b]?.left ?? 0);
    m[`sack_right_${b}`] = BigInt(s.sack?.[b]?.right ?? 0);
  }
  return m;
}

const macBig = (mac: Uint8Array) => beBig(mac, 0, 6);

/** The metadata of an accepted frame, from parseFrame's view of it (options walked as the hardware does). */
function acceptedMeta(f: Uint8Array, tcpFrame: TcpFrame | undefined, sackBlocks: number): RxMeta {
  const ih = (f[14]! & 15) * 4;
  const tcpStart = 14 + ih;
  const dataOffset = f[tcpStart + 12]! >> 4;
  const options = walkOptions(f.subarray(tcpStart + 20, tcpStart + dataOffset * 4));
  // parseFrame refuses malformed options; the hardware keeps the fields and the options before them.
  const t = tcpFrame;
  const fields: RxMeta = t
    ? {
      dst_mac: macBig(t.eth.dst), src_mac: macBig(t.eth.src), ethertype: BigInt(t.eth.ethertype),
      ip_src: BigInt(t.ip.src), ip_dst: BigInt(t.ip.dst), ip_total_len: BigInt(t.ip.totalLength), ip_ihl: BigInt(t.ip.ihl),
      ip_checksum: BigInt(t.ip.checksum),
      tcp_src_port: BigInt(t.tcp.srcPort), tcp_dst_port: BigInt(t.tcp.dstPort), tcp_seq: BigInt(t.tcp.seq), tcp_ack: BigInt(t.tcp.ack),
      tcp_flags: BigInt(t.tcp.flags), tcp_window: BigInt(t.tcp.window), tcp_data_offset: BigInt(t.tcp.dataOffset),
      tcp_checksum: BigInt(t.tcp.checksum), tcp_urgent: BigInt(t.tcp.urgentPointer), payload_len: BigInt(t.payload.length),
    }
    : {
      dst_mac: beBig(f, 0, 6), src_mac: beBig(f, 6, 6), ethertype: beBig(f, 12, 2),
      ip_src: beBig(f, 26, 4), ip_dst: beBig(f, 30, 4), ip_total_len: beBig(f, 16, 2), ip_ihl: BigInt(f[14]! & 15),
      ip_checksum: beBig(f, 24, 2),
      tcp_src_port: beBig(f, tcpStart, 2), tcp_dst_port: beBig(f, tcpStart + 2, 2), tcp_seq: beBig(f, tcpStart + 4, 4),
      tcp_ack: beBig(f, tcpStart + 8, 4), tcp_flags: beBig(f, tcpStart + 12, 2) & 0x1ffn, tcp_window: beBig(f, tcpStart + 14, 2),
      tcp_data_offset: BigInt(dataOffset), tcp_checksum: beBig(f, tcpStart + 16, 2), tcp_urgent: beBig(f, tcpStart + 18, 2),
      payload_len: BigInt(be16(f, 16) - ih - dataOffset * 4),
    };
  return { ...fields, ...optionMeta(options, sackBlocks) };
}

/**
 * What the parser outputs for one frame (`macError`: the MAC's tuser bit 0 on its beats; `checksumError`:
 * tuser bit 1, from rx_checksum).
 */
export function expectRx(f: Uint8Array, macError = false, sackBlocks = 1, checksumError = false): RxExpected {
  const reason = reasonOf(f, macError, checksumError);
  const cls = classOf(f);
  if (isSlowPath(cls)) return { reason, slow: { data: f, user: reason | (macError ? 16 : 0) } };
  if (cls !== RxReason.OK) return { reason };

  // A TCP candidate: one metadata record; a payload frame when its headers passed and a payload byte is present.
  const ih = (f[14]! & 15) * 4;
  let payload: Uint8Array | undefined;
  if (tcpHeaderReason(f) === RxReason.OK) {
    const start = 14 + ih + (f[14 + ih + 12]! >> 4) * 4;
    const end = Math.min(14 + be16(f, 16), f.length);
    if (end > start) payload = f.subarray(start, end);
  }
  if (reason !== RxReason.OK) return { reason, meta: { reason: BigInt(reason), has_payload: BigInt(payload !== undefined) }, payload };

  const parsed = parseFrame(f);
  if (parsed.ok && parsed.value.kind !== 'tcp') throw new Error(`model: an accepted frame parses as ${parsed.value.kind}`);
  if (!parsed.ok && parsed.error.reason !== 'tcp-bad-option') throw new Error(`model: an accepted frame fails parseFrame: ${parsed.error.message}`);
  const t = parsed.ok && parsed.value.kind === 'tcp' ? parsed.value : undefined;
  if (t && (payload?.length ?? 0) !== t.payload.length) throw new Error('model: payload length disagrees with parseFrame');
  return { reason, meta: { reason: 0n, has_payload: BigInt(payload !== undefined), ...acceptedMeta(f, t, sackBlocks) }, payload };
}
