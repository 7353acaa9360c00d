// Firmware parameters (what a driver would write into the cores' configuration words at boot).
export interface FwConfig {
  /** Connection-table entries (indices 0 .. maxConns-1). */
  maxConns: number;
  /** Our MSS option (payload bytes per segment without TCP options). */
  mss: number;
  /** Our window-scale shift, offered in SYNs; -1: do not offer the option. */
  wscale: number;
  sack: boolean;
  /** With SACK: report duplicate segments as D-SACK blocks (RFC 2883). */
  dsack: boolean;
  timestamps: boolean;
  /** Receive buffer per connection (bytes): the largest window advertised. */
  rcvbuf: number;
  /** Send buffer per connection: bytes queued and not yet acknowledged. */
  sndbuf: number;
  /** RFC 896 / RFC 9293 §3.7.4: hold back a small segment while data is unacknowledged. */
  nagle: boolean;
  /** RFC 6298: initial RTO, lower and upper bounds (microseconds). */
  initialRtoUs: number;
  minRtoUs: number;
  maxRtoUs: number;
  /** Retransmissions of one segment (or of the SYN) before the connection is aborted. */
  maxRetries: number;
  maxSynRetries: number;
  /** Persist (zero-window probe) timer bounds, microseconds. */
  persistMinUs: number;
  persistMaxUs: number;
  /** TIME-WAIT duration, 2 * MSL (microseconds). */
  timeWaitUs: number;
  /** Out-of-order segments held per connection; more are dropped (the sender retransmits). */
  maxOoo: number;
  /** Initial congestion window in segments; 0: RFC 5681's min(4*MSS, max(2*MSS, 4380)). */
  initialWindowSegments: number;
  /** Initial send sequence numbers: called once per connection with the time in microseconds. */
  iss: (nowUs: number, conn: number) => number;
  /** First ephemeral port for active opens. */
  ephemeralBase: number;
}

/** RFC 6528-style ISS: a 4 µs clock plus a keyed per-connection offset (here a fixed odd multiplier). */
export const defaultIss = (nowUs: number, conn: number): number => ((nowUs >>> 2) + Math.imul(conn + 1, 0x9e3779b1)) >>> 0;

export const DEFAULT_FW_CONFIG: FwConfig = {
  maxConns: 64,
  mss: 1460,
  wscale: 4,
  sack: true,
  dsack: true,
  timestamps: true,
  rcvbuf: 256 * 1024,
  sndbuf: 256 * 1024,
  nagle: false,
  initialRtoUs: 1_000_000,
  minRtoUs: 200_000,
  maxRtoUs: 60_000_000,
  maxRetries: 12,
  maxSynRetries: 5,
  persistMinUs: 200_000,
  persistMaxUs: 60_000_000,
  timeWaitUs: 60_000_000,
  maxOoo: 256,
  initialWindowSegments: 0,
  iss: defaultIss,
  ephemeralBase: 49152,
};
