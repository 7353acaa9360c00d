// TCP options (RFC 9293 §3.2, RFC 7323, RFC 2018). A header's option area parses into a list
// that writes back to the same bytes: NOPs and EOL are list entries, bytes after EOL are kept
// on the EOL entry when they are not all zero, and a known kind with an unexpected length is
// kept as an 'unknown' option so nothing is lost.

import { be16, be32, put16, put32 } from './bytes.ts';
import { fail, type Parsed } from './errors.ts';

export const TCPOPT_EOL = 0;
export const TCPOPT_NOP = 1;
export const TCPOPT_MSS = 2;
export const TCPOPT_WSCALE = 3;
export const TCPOPT_SACK_PERMITTED = 4;
export const TCPOPT_SACK = 5;
export const TCPOPT_TIMESTAMPS = 8;

export interface SackBlock {
  left: number;
  right: number;
}

export type TcpOption =
  /** End of option list. `padding`: the bytes after it, present only when some are non-zero. */
  | { type: 'eol'; padding?: Uint8Array }
  | { type: 'nop' }
  | { type: 'mss'; mss: number }
  /** Shift count as sent; RFC 7323 caps the effective value at 14, that is the receiver's job. */
  | { type: 'wscale'; shift: number }
  | { type: 'sack-permitted' }
  /** One to four blocks (the 40-byte option space limits it). */
  | { type: 'sack'; blocks: SackBlock[] }
  | { type: 'timestamps'; tsval: number; tsecr: number }
  /** Any other kind (2..255), or a known kind with a length other than its defined one. */
  | { type: 'unknown'; kind: number; data: Uint8Array };

/**
 * Parse an option area (the header bytes from offset 20 to data offset * 4).
 * `base` is added to error offsets so they point into the caller's buffer.
 */
export function parseTcpOptions(area: Uint8Array, base = 0): Parsed<TcpOption[]> {
  const opts: TcpOption[] = [];
  let i = 0;
  while (i < area.length) {
    const kind = area[i]!;
    if (kind === TCPOPT_EOL) {
      const rest = area.subarray(i + 1);
      opts.push(rest.some((b) => b !== 0) ? { type: 'eol', padding: rest.slice() } : { type: 'eol' });
      break;
    }
    if (kind === TCPOPT_NOP) {
      opts.push({ type: 'nop' });
      i += 1;
      continue;
    }
    if (i + 1 >= area.length) {
      return fail('tcp-bad-option', base + i, `option kind ${kind} has no length byte before the end of the header`);
    }
    const len = area[i + 1]!;
    if (len < 2 || i + len > area.length) {
      return fail('tcp-bad-option', base + i + 1,
        `option kind ${kind} has length ${len}; it must be >= 2 and fit in the ${area.length - i} option bytes left`);
    }
    opts.push(decodeOption(kind, area.subarray(i + 2, i + len)));
    i += len;
  }
  return { ok: true, value: opts };
}

function decodeOption(kind: number, d: Uint8Array): TcpOption {
  switch (kind) {
    case TCPOPT_MSS:
      if (d.length === 2) return { type: 'mss', mss: be16(d, 0) };
      break;
    case TCPOPT_WSCALE:
      if (d.length === 1) return { type: 'wscale', shift: d[0]! };
      break;
    case TCPOPT_SACK_PERMITTED:
      if (d.length === 0) return { type: 'sack-permitted' };
      break;
    case TCPOPT_SACK:
      if (d.length > 0 && d.length % 8 === 0) {
        const blocks: SackBlock[] = [];
        for (let o = 0; o < d.length; o += 8) blocks.push({ left: be32(d, o), right: be32(d, o + 4) });
        return { type: 'sack', blocks };
      }
      break;
    case TCPOPT_TIMESTAMPS:
      if (d.length === 8) return { type: 'timestamps', tsval: be32(d, 0), tsecr: be32(d, 4) };
      break;
  }
  return { type: 'unknown', kind, data: d.slice() };
}

/** Encoded size of one option in bytes. */
export function tcpOptionLength(opt: TcpOption): number {
  switch (opt.type) {
    case 'eol': return 1 + (opt.padding?.length ?? 0);
    case 'nop': return 1;
    case 'mss': return 4;
    case 'wscale': return 3;
    case 'sack-permitted': return 2;
    case 'sack': return 2 + 8 * opt.blocks.length;
    case 'timestamps': return 10;
    case 'unknown': return 2 + opt.data.length;
  }
}

/** Encoded size of a list, before padding to a multiple of 4. */
export function tcpOptionsLength(opts: readonly TcpOption[]): number {
  return opts.reduce((n, o) => n + tcpOptionLength(o), 0);
}

/** Write options at out[offset..], no padding; returns the offset just past them. */
export function writeTcpOptions(opts: readonly TcpOption[], out: Uint8Array, offset = 0): number {
  let o = offset;
  for (const opt of opts) {
    switch (opt.type) {
      case 'eol':
        out[o++] = TCPOPT_EOL;
        if (opt.padding) {
          out.set(opt.padding, o);
          o += opt.padding.length;
        }
        break;
      case 'nop':
        out[o++] = TCPOPT_NOP;
        break;
      case 'mss':
        o = head(out, o, TCPOPT_MSS, 4);
        o = put16(out, o, opt.mss);
        break;
      case 'wscale':
        o = head(out, o, TCPOPT_WSCALE, 3);
        out[o++] = opt.shift;
        break;
      case 'sack-permitted':
        o = head(out, o, TCPOPT_SACK_PERMITTED, 2);
        break;
      case 'sack':
        o = head(out, o, TCPOPT_SACK, 2 + 8 * opt.blocks.length);
        for (const b of opt.blocks) o = put32(out, put32(out, o, b.left), b.right);
        break;
      case 'timestamps':
        o = head(out, o, TCPOPT_TIMESTAMPS, 10);
        o = put32(out, put32(out, o, opt.tsval), opt.tsecr);
        break;
      case 'unknown':
        if (opt.kind < 2 || opt.kind > 255 || opt.data.length > 253) {
          throw new Error(`TCP option kind ${opt.kind} with ${opt.data.length} data bytes cannot be encoded`);
        }
        o = head(out, o, opt.kind, 2 + opt.data.length);
        out.set(opt.data, o);
        o += opt.data.length;
        break;
    }
  }
  return o;
}

function head(out: Uint8Array, o: number, kind: number, len: number): number {
  out[o] = kind;
  out[o + 1] = len;
  return o + 2;
}
