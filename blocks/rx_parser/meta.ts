// The RX parser's header metadata record: field names and widths, defined once for the RTL ports
// (meta_<field>) and for the tests and downstream blocks that read them.
import { Bool, Flip, Struct, UInt, type ScalarT } from '../../dsl/index.ts';

export type FieldList = readonly (readonly [name: string, bits: number])[];

/**
 * Fields known when the frame's last beat has been seen. Multi-byte fields are numbers in network order
 * (dst_mac 0x0242c0a80001 for 02:42:c0:a8:00:01). Every field but reason and has_payload is meaningful
 * only when reason is OK.
 */
export const HEADER_FIELDS = [
  ['reason', 4], // RxReason: OK, MAC_ERROR, TRUNCATED, BAD_IHL, BAD_TOTAL_LEN or BAD_DATA_OFFSET
  ['has_payload', 1], // a payload frame belongs to this record (discard it unless reason is OK)
  ['dst_mac', 48],
  ['src_mac', 48],
  ['ethertype', 16],
  ['ip_src', 32],
  ['ip_dst', 32],
  ['ip_total_len', 16],
  ['ip_ihl', 4],
  ['ip_checksum', 16], // as on the wire
  ['tcp_src_port', 16],
  ['tcp_dst_port', 16],
  ['tcp_seq', 32],
  ['tcp_ack', 32],
  ['tcp_flags', 9], // NS CWR ECE URG ACK PSH RST SYN FIN, NS the top bit
  ['tcp_window', 16],
  ['tcp_data_offset', 4],
  ['tcp_checksum', 16], // as on the wire
  ['tcp_urgent', 16],
  ['payload_len', 16], // ip_total_len - 4*ip_ihl - 4*tcp_data_offset
] as const satisfies FieldList;

/**
 * Fields from the TCP options (parsed like Linux's tcp_parse_options: NOP skipped, EOL ends the list,
 * a known kind with an unexpected length ignored, a later duplicate overrides an earlier one).
 */
export function optionFields(sackBlocks: number): FieldList {
  const blocks: [string, number][] = [];
  for (let b = 0; b < sackBlocks; b++) blocks.push([`sack_left_${b}`, 32], [`sack_right_${b}`, 32]);
  return [
    ['mss_present', 1],
    ['mss', 16],
    ['wscale_present', 1],
    ['wscale', 8], // the shift as sent (RFC 7323 caps its effect at 14: the receiver's job)
    ['sack_permitted', 1],
    ['ts_present', 1],
    ['ts_val', 32],
    ['ts_ecr', 32],
    ['sack_count', 3], // blocks in the SACK option (1..4), 0 when absent
    ...blocks, // the first sackBlocks blocks; zero past sack_count
    ['opt_malformed', 1], // an option's length was < 2 or ran past the header: parsing stopped there
  ];
}

export const fieldBits = (fields: FieldList): number => fields.reduce((s, [, w]) => s + w, 0);

/** All metadata fields in port order. */
export const metaFields = (sackBlocks: number): FieldList => [...HEADER_FIELDS, ...optionFields(sackBlocks)];

/** The metadata port: meta_valid, meta_ready (an input of the parser) and one meta_<field> per field. */
export function metaBundle(sackBlocks: number) {
  const fields: Record<string, ScalarT | ReturnType<typeof Flip<ScalarT>>> = { valid: Bool, ready: Flip(Bool) };
  for (const [name, bits] of metaFields(sackBlocks)) fields[name] = UInt(bits);
  return Struct(fields);
}
