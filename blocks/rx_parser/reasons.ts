// Why the RX parser did what it did with a frame: one code per frame, shared by the RTL and the tests.

/**
 * The reason code of a frame (4 bits). Every frame gets exactly one code, and the per-reason counter of that
 * code counts it once.
 *
 * Codes are decided in this order; the first that applies wins.
 *  - From the first 24 bytes (the frame's class; known after byte 23, or at the end of a shorter frame):
 *    1. fewer than 14 bytes                                  TRUNCATED
 *    2. ethertype 0x0806                                     ARP        (slow path)
 *    3. ethertype not 0x0800 (VLAN tags included)            NON_IPV4   (slow path)
 *    4. fewer than 15 bytes                                  TRUNCATED
 *    5. IP version not 4                                     NON_IPV4   (slow path)
 *    6. IHL < 5                                              BAD_IHL
 *    7. fewer than 24 bytes                                  TRUNCATED
 *    8. MF set or fragment offset non-zero                   FRAGMENT   (slow path)
 *    9. protocol not 6                                       NON_TCP    (slow path)
 *  - Slow-path codes (ARP, NON_IPV4, NON_TCP, FRAGMENT) are final: the whole frame goes to the slow-path
 *    port with the code (a MAC error on such a frame is flagged there, in tuser bit 4).
 *  - Every other frame: a MAC error (tuser bit 0 on any beat) gives MAC_ERROR; a drop code from 1..9 stays;
 *    a TCP candidate then goes through (IH = IHL*4, TH = data offset*4, TL = IP total length, FL = frame bytes):
 *    10. FL < 14 + IH + 20 (IP header or fixed TCP header cut) TRUNCATED
 *    11. TL < IH                                             BAD_IHL (header past the end of the datagram)
 *    12. TL < IH + 20                                        BAD_TOTAL_LEN (no room for a TCP header)
 *    13. data offset < 5                                     BAD_DATA_OFFSET
 *    14. IH + TH > TL                                        BAD_DATA_OFFSET (TCP header past the end)
 *    15. FL < 14 + IH + TH (TCP options cut)                 TRUNCATED
 *    16. FL < 14 + TL (datagram longer than the frame)       BAD_TOTAL_LEN
 *    17. tuser bit 1 on any beat (rx_checksum upstream found the IPv4 or TCP checksum wrong)   BAD_CHECKSUM
 *    otherwise                                               OK (bytes after 14 + TL are Ethernet padding)
 * TCP options are not a reason: a malformed option ends option parsing, keeps what was parsed before it
 * (as Linux does) and sets the metadata's opt_malformed bit.
 */
export enum RxReason {
  OK = 0,
  ARP = 1,
  NON_IPV4 = 2,
  NON_TCP = 3,
  FRAGMENT = 4,
  BAD_IHL = 5,
  BAD_TOTAL_LEN = 6,
  BAD_DATA_OFFSET = 7,
  TRUNCATED = 8,
  MAC_ERROR = 9,
  BAD_CHECKSUM = 10,
}

/** Bits of a reason code on ports (metadata, slow-path tuser, counter select). */
export const RX_REASON_BITS = 4;

/** Every reason code, in numeric order (the counter read port's addresses). */
export const RX_REASONS: readonly RxReason[] = Object.values(RxReason).filter((v): v is RxReason => typeof v === 'number');

/** Frames of these classes go whole to the slow-path port (the firmware answers ARP, ICMP, ...). */
export const SLOW_PATH_REASONS: readonly RxReason[] = [RxReason.ARP, RxReason.NON_IPV4, RxReason.NON_TCP, RxReason.FRAGMENT];

export const isSlowPath = (r: RxReason): boolean => SLOW_PATH_REASONS.includes(r);

export const rxReasonName = (r: RxReason): string => RxReason[r] ?? `reason ${r}`;
