// A sparse byte-addressed memory (4 KiB pages allocated on first write; unwritten bytes read as zero), for the
// host's RAM and the NIC's buffer memory in simulation.

const PAGE = 4096;

export class SparseMemory {
  private readonly pages = new Map<number, Uint8Array>();

  constructor(readonly addrBits = 64) {}

  private page(n: number, create: boolean): Uint8Array | undefined {
    let p = this.pages.get(n);
    if (!p && create) { p = new Uint8Array(PAGE); this.pages.set(n, p); }
    return p;
  }

  read(addr: number | bigint, len: number): Uint8Array {
    const out = new Uint8Array(len);
    let a = Number(addr);
    for (let i = 0; i < len;) {
      const n = Math.floor(a / PAGE), off = a % PAGE, take = Math.min(len - i, PAGE - off);
      const p = this.page(n, false);
      if (p) out.set(p.subarray(off, off + take), i);
      i += take; a += take;
    }
    return out;
  }

  write(addr: number | bigint, bytes: Uint8Array): void {
    let a = Number(addr);
    for (let i = 0; i < bytes.length;) {
      const n = Math.floor(a / PAGE), off = a % PAGE, take = Math.min(bytes.length - i, PAGE - off);
      this.page(n, true)!.set(bytes.subarray(i, i + take), off);
      i += take; a += take;
    }
  }

  /** One beat of `bytes` bytes at a beat-aligned address, as a little-endian integer. */
  readBeat(addr: number, bytes: number): bigint {
    const b = this.read(addr, bytes);
    let v = 0n;
    for (let i = bytes - 1; i >= 0; i--) v = (v << 8n) | BigInt(b[i]!);
    return v;
  }

  /** Writes the strobed bytes of a little-endian beat at a beat-aligned address. */
  writeBeat(addr: number, bytes: number, data: bigint, strb: bigint): void {
    const n = Math.floor(addr / PAGE), off = addr % PAGE;
    if (off + bytes > PAGE) throw new Error('writeBeat: a beat crosses a page');
    const p = this.page(n, true)!;
    for (let i = 0; i < bytes; i++) if ((strb >> BigInt(i)) & 1n) p[off + i] = Number((data >> BigInt(8 * i)) & 0xffn);
  }

  /** Every byte written so far, page by page (for "nothing else changed" checks). */
  snapshot(): Map<number, Uint8Array> {
    return new Map([...this.pages].map(([k, v]) => [k, v.slice()]));
  }

  /** Byte addresses whose value differs from `before` (a snapshot), excluding [start, end) ranges. */
  changedOutside(before: Map<number, Uint8Array>, allowed: readonly (readonly [number, number])[]): number[] {
    const bad: number[] = [];
    const keys = new Set([...before.keys(), ...this.pages.keys()]);
    for (const k of keys) {
      const a = before.get(k), b = this.pages.get(k);
      for (let i = 0; i < PAGE; i++) {
        if ((a?.[i] ?? 0) === (b?.[i] ?? 0)) continue;
        const addr = k * PAGE + i;
        if (!allowed.some(([s, e]) => addr >= s && addr < e)) bad.push(addr);
      }
    }
    return bad;
  }
}
