// The RX checksum verifier's per-frame verdict: four bits on tuser of the frame's last beat (tuser is zero on
// every other beat). Shared by the hardware and by software that reads it (tests, the host model).

/** Bit positions in tuser. A "checked" bit clear means the frame is not of that kind: its "ok" bit is clear too. */
export const Verdict = {
  /** Ethertype 0x0800 (untagged IPv4). */
  IPV4_CHECKED: 0,
  /** IPv4 header well formed (version 4, IHL >= 5, header and datagram inside the frame) and its checksum verifies. */
  IPV4_OK: 1,
  /** IPv4 protocol 6, not a fragment. */
  TCP_CHECKED: 2,
  /** TCP checksum (with pseudo-header) verifies over a well-formed IPv4 datagram with room for a TCP header. */
  TCP_OK: 3,
} as const;

export const VERDICT_BITS = 4;

export interface VerdictValue { ipv4Checked: boolean; ipv4Ok: boolean; tcpChecked: boolean; tcpOk: boolean }

export function decodeVerdict(user: number): VerdictValue {
  const bit = (i: number) => ((user >>> i) & 1) === 1;
  return { ipv4Checked: bit(Verdict.IPV4_CHECKED), ipv4Ok: bit(Verdict.IPV4_OK), tcpChecked: bit(Verdict.TCP_CHECKED), tcpOk: bit(Verdict.TCP_OK) };
}

export function encodeVerdict(v: VerdictValue): number {
  return (+v.ipv4Checked << Verdict.IPV4_CHECKED) | (+v.ipv4Ok << Verdict.IPV4_OK) | (+v.tcpChecked << Verdict.TCP_CHECKED) | (+v.tcpOk << Verdict.TCP_OK);
}
