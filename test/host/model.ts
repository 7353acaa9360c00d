// Reference models for the host interface's tests: what a DMA command must do to memory and report, what the
// ring engine must decide about a descriptor. Written from the spec (layouts.ts, the READMEs), not the RTL.
import { createHash } from 'node:crypto';
import { checksumPartial } from '../../sim/packet/index.ts';
import { CplStatus } from '../../blocks/host/layouts.ts';
import type { ErrorRegion } from '../../sim/host/axi-memory.ts';
import type { SparseMemory } from '../../sim/host/sparse-memory.ts';

export const sha = (b: Uint8Array): string => createHash('sha256').update(b).digest('hex');

/** The worst AXI response a transfer of [addr, addr+len) on `beatBytes` beats meets (beats are aligned): 0, 2 or 3. */
export function dmaStatus(addr: number, len: number, beatBytes: number, errors: readonly ErrorRegion[], dir: 'read' | 'write'): number {
  if (len === 0) return 0;
  const first = Math.floor(addr / beatBytes) * beatBytes, end = Math.ceil((addr + len) / beatBytes) * beatBytes;
  let worst = 0;
  for (const e of errors) if ((e.on === dir || e.on === 'both') && e.start < end && e.end > first) worst |= e.resp;
  return worst;
}

/** A DMA command's expected completion: its status and the partial checksum of the bytes it copies. */
export function dmaExpect(src: SparseMemory, srcAddr: number, len: number): { csum: number; hash: string } {
  const bytes = src.read(srcAddr, len);
  return { csum: checksumPartial(bytes), hash: sha(bytes) };
}

/** The ring engine's verdict on a TX/RX descriptor (CplStatus), for a host of `addrBits` and lengths < 2^lenBits. */
export function descStatus(addr: bigint, len: number, addrBits: number, lenBits: number): number {
  if (len === 0) return CplStatus.ZERO_LEN;
  if (len >= 2 ** lenBits || addr + BigInt(len) > 1n << BigInt(addrBits)) return CplStatus.OUT_OF_RANGE;
  return CplStatus.OK;
}

/** Splits `len` payload bytes over posted buffers of the given sizes, in order: each buffer's share. */
export function scatter(len: number, buffers: readonly number[]): number[] {
  const out: number[] = [];
  for (const b of buffers) {
    if (len === 0) break;
    const n = Math.min(len, b);
    out.push(n);
    len -= n;
  }
  return out;
}
