// Reasons a frame from the wire is rejected. Parsers return these instead of throwing:
// wire input is untrusted, and a hardware test wants to compare reason codes.

export type ParseErrorReason =
  | 'eth-truncated' // fewer than 14 bytes, or a VLAN tag cut short
  | 'arp-truncated' // fewer than 28 bytes of ARP body
  | 'arp-unsupported' // not Ethernet/IPv4 ARP (htype 1, ptype 0x0800, hlen 6, plen 4)
  | 'ipv4-truncated' // fewer than 20 bytes, or fewer than IHL*4
  | 'ipv4-bad-version' // version field is not 4
  | 'ipv4-bad-ihl' // IHL < 5
  | 'ipv4-bad-total-length' // total length < IHL*4, or more than the bytes present
  | 'ipv4-fragment' // MF set or fragment offset non-zero
  | 'ipv4-not-tcp' // protocol is not 6
  | 'tcp-truncated' // fewer than 20 bytes of TCP header
  | 'tcp-bad-data-offset' // data offset < 5
  | 'tcp-data-offset-past-end' // data offset * 4 beyond the end of the IPv4 payload
  | 'tcp-bad-option'; // an option's length byte is < 2 or runs past the header

export interface ParseError {
  reason: ParseErrorReason;
  /** Human-readable explanation with the numbers involved. */
  message: string;
  /** Byte offset, from the start of the buffer given to the parser, of the offending field. */
  offset: number;
}

export type Parsed<T> = { ok: true; value: T } | { ok: false; error: ParseError };

export function fail(reason: ParseErrorReason, offset: number, message: string): { ok: false; error: ParseError } {
  return { ok: false, error: { reason, offset, message: `${reason} at byte ${offset}: ${message}` } };
}
