// Classic libpcap files (https://www.tcpdump.org/manpages/pcap-savefile.5.html).
// Reading accepts both byte orders and both the microsecond (0xa1b2c3d4) and nanosecond
// (0xa1b23c4d) magic; writing produces little-endian microsecond files, linktype 1
// (Ethernet), which every version of Wireshark and tcpdump opens.

import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { plainBytes } from './bytes.ts';

export const LINKTYPE_ETHERNET = 1;
const MAGIC_US = 0xa1b2c3d4;
const MAGIC_NS = 0xa1b23c4d;
const FILE_HEADER = 24;
const RECORD_HEADER = 16;

export interface PcapTimestamp {
  sec: number;
  /** Nanoseconds within the second, 0..999,999,999 (microsecond files give multiples of 1000). */
  nsec: number;
}

export interface PcapPacket {
  ts: PcapTimestamp;
  /** Captured bytes (a view into the file buffer when read). */
  data: Uint8Array;
  /** Length on the wire; larger than data.length when the capture was cut at snaplen. */
  origLen: number;
}

export interface PcapFile {
  /** True for the nanosecond-resolution magic. */
  nanosecond: boolean;
  littleEndian: boolean;
  versionMajor: number;
  versionMinor: number;
  snaplen: number;
  linktype: number;
  packets: PcapPacket[];
}

/** Parse a whole pcap file. Throws an Error naming the byte offset when the file is malformed. */
export function readPcap(input: Uint8Array): PcapFile {
  const bytes = plainBytes(input);
  if (bytes.length < FILE_HEADER) throw new Error(`pcap: file is ${bytes.length} bytes, shorter than the 24-byte header`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let le: boolean;
  let magic = view.getUint32(0, true);
  if (magic === MAGIC_US || magic === MAGIC_NS) {
    le = true;
  } else {
    magic = view.getUint32(0, false);
    if (magic !== MAGIC_US && magic !== MAGIC_NS) {
      throw new Error(`pcap: unknown magic 0x${view.getUint32(0, false).toString(16)} at byte 0 (pcapng is not supported)`);
    }
    le = false;
  }
  const nanosecond = magic === MAGIC_NS;
  const file: PcapFile = {
    nanosecond,
    littleEndian: le,
    versionMajor: view.getUint16(4, le),
    versionMinor: view.getUint16(6, le),
    snaplen: view.getUint32(16, le),
    linktype: view.getUint32(20, le),
    packets: [],
  };
  let o = FILE_HEADER;
  while (o < bytes.length) {
    if (bytes.length - o < RECORD_HEADER) {
      throw new Error(`pcap: record ${file.packets.length} at byte ${o}: header cut short (${bytes.length - o} of 16 bytes)`);
    }
    const sec = view.getUint32(o, le);
    const frac = view.getUint32(o + 4, le);
    const inclLen = view.getUint32(o + 8, le);
    const origLen = view.getUint32(o + 12, le);
    if (o + RECORD_HEADER + inclLen > bytes.length) {
      throw new Error(`pcap: record ${file.packets.length} at byte ${o}: ${inclLen} captured bytes, only ${bytes.length - o - RECORD_HEADER} left in file`);
    }
    const data = bytes.subarray(o + RECORD_HEADER, o + RECORD_HEADER + inclLen);
    file.packets.push({ ts: { sec, nsec: nanosecond ? frac : frac * 1000 }, data, origLen });
    o += RECORD_HEADER + inclLen;
  }
  return file;
}

export interface PcapWriteOptions {
  /** Default 262144, as tcpdump. Longer packets are cut, keeping origLen. */
  snaplen?: number;
  /** Default 1 (Ethernet). */
  linktype?: number;
}

/** A little-endian microsecond pcap file. Nanoseconds are truncated to microseconds. */
export function writePcap(packets: readonly PcapPacket[], opts: PcapWriteOptions = {}): Uint8Array {
  const snaplen = opts.snaplen ?? 262144;
  const size = packets.reduce((n, p) => n + RECORD_HEADER + Math.min(p.data.length, snaplen), FILE_HEADER);
  const out = new Uint8Array(size);
  const view = new DataView(out.buffer);
  view.setUint32(0, MAGIC_US, true);
  view.setUint16(4, 2, true);
  view.setUint16(6, 4, true);
  // bytes 8..15: thiszone and sigfigs, always zero
  view.setUint32(16, snaplen, true);
  view.setUint32(20, opts.linktype ?? LINKTYPE_ETHERNET, true);
  let o = FILE_HEADER;
  for (const p of packets) {
    const incl = Math.min(p.data.length, snaplen);
    view.setUint32(o, p.ts.sec, true);
    view.setUint32(o + 4, Math.floor(p.ts.nsec / 1000), true);
    view.setUint32(o + 8, incl, true);
    view.setUint32(o + 12, Math.max(p.origLen, incl), true);
    out.set(p.data.subarray(0, incl), o + RECORD_HEADER);
    o += RECORD_HEADER + incl;
  }
  return out;
}

/**
 * Collects frames, e.g. everything a test sends and receives, and writes them as a pcap:
 *   const w = new PcapWriter(); w.add(frame, { sec: 0, nsec: cycle * 4 }); w.writeFile('out/x.pcap');
 * Without a timestamp, a frame is stamped 1 µs after the previous one (starting at 0), which
 * keeps Wireshark's ordering and time columns readable.
 */
export class PcapWriter {
  readonly packets: PcapPacket[] = [];
  constructor(private readonly opts: PcapWriteOptions = {}) {}

  add(data: Uint8Array, ts?: PcapTimestamp): this {
    const last = this.packets.at(-1)?.ts;
    const stamp = ts ?? (last ? addNs(last, 1000) : { sec: 0, nsec: 0 });
    // Copy: callers often reuse their frame buffers.
    this.packets.push({ ts: stamp, data: new Uint8Array(data), origLen: data.length });
    return this;
  }

  toBytes(): Uint8Array {
    return writePcap(this.packets, this.opts);
  }

  /** Write the file, creating its directory if needed. */
  writeFile(path: string): void {
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, this.toBytes());
  }
}

function addNs(ts: PcapTimestamp, ns: number): PcapTimestamp {
  const total = ts.nsec + ns;
  return { sec: ts.sec + Math.floor(total / 1e9), nsec: total % 1e9 };
}
