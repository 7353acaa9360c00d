// Checks the packet model against real Linux traffic no one here wrote:
// ../shared/pcaps/linux-tcp-200k-transfer.pcap (see ../shared/README.md).
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import {
  frameChecksums, parseFrame, readPcap, seqAdd, seqDiff, serializeFrame, TcpFlags, writePcap,
  type TcpFrame, type TcpOption,
} from '../../sim/packet/index.ts';

const projectRoot = fileURLToPath(new URL('../../', import.meta.url));
const sharedDir = resolve(projectRoot, '../shared');
const pcapPath = resolve(sharedDir, 'pcaps/linux-tcp-200k-transfer.pcap');
const available = existsSync(pcapPath);
if (!available) console.log(`skipping the real-capture tests: ${pcapPath} not found (../shared is optional)`);

const TRANSFER = 200_000;

// Index of the first difference, or -1. expect().toEqual on large typed arrays is slow.
function firstDifference(a: Uint8Array, b: Uint8Array): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return i;
  return a.length === b.length ? -1 : n;
}

describe.skipIf(!available)('real Linux capture: linux-tcp-200k-transfer.pcap', () => {
  const raw = available ? readFileSync(pcapPath) : new Uint8Array(0);
  const file = available ? readPcap(raw) : undefined;
  const frames: TcpFrame[] = [];
  for (const p of file?.packets ?? []) {
    const r = parseFrame(p.data);
    if (r.ok && r.value.kind === 'tcp') frames.push(r.value);
  }

  it('is a microsecond Ethernet capture whose every frame parses as TCP', () => {
    expect(file!.linktype).toBe(1);
    expect(file!.packets.length).toBeGreaterThan(100);
    for (const [i, p] of file!.packets.entries()) {
      const r = parseFrame(p.data);
      expect(r.ok ? r.value.kind : r.error.message, `frame ${i}`).toBe('tcp');
      expect(p.origLen, `frame ${i} not cut by snaplen`).toBe(p.data.length);
    }
  });

  it('every IPv4 header and TCP checksum verifies', () => {
    for (const [i, f] of frames.entries()) expect(frameChecksums(f), `frame ${i}`).toEqual({ ipv4: true, tcp: true });
  });

  it('re-serialising every frame gives identical bytes, and rewriting the file gives the same file', () => {
    const differing = file!.packets
      .map((p, i) => ({ frame: i, at: firstDifference(serializeFrame(frames[i]!), p.data) }))
      .filter((d) => d.at !== -1);
    expect(differing).toEqual([]);
    expect(firstDifference(writePcap(file!.packets, { snaplen: file!.snaplen }), raw)).toBe(-1);
  });

  it('handshake carries MSS, SACK-permitted, timestamps and window scale both ways', () => {
    const syn = frames.filter((f) => f.tcp.flags & TcpFlags.SYN);
    expect(syn.map((f) => f.tcp.flags & (TcpFlags.SYN | TcpFlags.ACK))).toEqual([TcpFlags.SYN, TcpFlags.SYN | TcpFlags.ACK]);
    for (const f of syn) {
      expect(f.tcp.options.map((o) => o.type).sort()).toEqual(['mss', 'nop', 'sack-permitted', 'timestamps', 'wscale']);
      expect(f.tcp.options.find((o): o is Extract<TcpOption, { type: 'mss' }> => o.type === 'mss')!.mss).toBe(1460);
    }
  });

  it('reassembling the sender\'s payload by sequence number gives the 200,000-byte pattern, then FIN', () => {
    const syn = frames.find((f) => f.tcp.flags === TcpFlags.SYN)!;
    const sender = (f: TcpFrame) => f.ip.src === syn.ip.src && f.tcp.srcPort === syn.tcp.srcPort;
    const start = seqAdd(syn.tcp.seq, 1);
    const stream = new Uint8Array(TRANSFER);
    const covered = new Uint8Array(TRANSFER);
    let finSeq: number | undefined;
    for (const f of frames.filter(sender)) {
      const at = seqDiff(f.tcp.seq, start);
      if (f.payload.length > 0) {
        expect(at, 'segment inside the transfer').toBeGreaterThanOrEqual(0);
        expect(at + f.payload.length).toBeLessThanOrEqual(TRANSFER);
        for (let k = 0; k < f.payload.length; k++) {
          // Retransmitted or overlapping bytes must agree with what arrived before.
          if (covered[at + k] && f.payload[k] !== stream[at + k]) {
            throw new Error(`stream byte ${at + k}: retransmission carries ${f.payload[k]}, first copy ${stream[at + k]}`);
          }
          stream[at + k] = f.payload[k]!;
          covered[at + k] = 1;
        }
      }
      if (f.tcp.flags & TcpFlags.FIN) finSeq = seqAdd(f.tcp.seq, f.payload.length);
    }
    expect(covered.indexOf(0), 'first stream byte that never arrived').toBe(-1);
    const pattern = Uint8Array.from({ length: TRANSFER }, (_, i) => (7 * i + 3) % 256);
    expect(firstDifference(stream, pattern), 'first byte differing from (7i+3) mod 256').toBe(-1);
    expect(finSeq).toBe(seqAdd(start, TRANSFER));
  });
});
