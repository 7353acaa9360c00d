// Port accessors: get/set closures over a typed array that aliases the port's storage in the model.
// Numbers up to 32 bits, bigint above. Inputs are masked to the width (Verilator expects the bits
// above a port's width to be zero).

export interface Port<T extends number | bigint = number | bigint> {
  readonly name: string;
  readonly width: number;
  readonly dir: 'in' | 'out' | 'inout';
  readonly signed: boolean;
  /** The raw storage: Uint8/16/32Array (<=32 bits), BigUint64Array (<=64), Uint32Array words LSB first (wider). */
  readonly array: Uint8Array | Uint16Array | Uint32Array | BigUint64Array;
  get(): T;
  set(v: number | bigint): void;
}

export interface PortLayout {
  name: string;
  width: number;
  dir: 'in' | 'out' | 'inout';
  bytes: number;
  buffer: ArrayBuffer;
}

const toNum = (w: number, v: bigint): number => Number(BigInt.asUintN(w, v));
const toBig = (w: number, v: number | bigint): bigint => BigInt.asUintN(w, typeof v === 'bigint' ? v : BigInt(v));

export function makePort(p: PortLayout, signed: boolean): Port {
  const { name, width: w, dir } = p;
  if (w <= 32) {
    const a = p.bytes === 1 ? new Uint8Array(p.buffer) : p.bytes === 2 ? new Uint16Array(p.buffer) : new Uint32Array(p.buffer);
    const exact = w === 8 || w === 16 || w === 32; // the typed array store wraps for us
    const mask = w === 32 ? -1 : (1 << w) - 1;
    const sh = 32 - w;
    const set = exact
      ? (v: number | bigint) => {
          a[0] = typeof v === 'number' ? v : toNum(w, v);
        }
      : (v: number | bigint) => {
          a[0] = (typeof v === 'number' ? v : toNum(w, v)) & mask;
        };
    const get = signed ? () => (a[0]! << sh) >> sh : () => a[0]!;
    return { name, width: w, dir, signed, array: a, get, set };
  }
  if (w <= 64) {
    const a = new BigUint64Array(p.buffer);
    const set =
      w === 64
        ? (v: number | bigint) => {
            a[0] = typeof v === 'bigint' ? v : BigInt(v);
          }
        : (v: number | bigint) => {
            a[0] = toBig(w, v);
          };
    const get = signed ? () => BigInt.asIntN(w, a[0]!) : () => a[0]!;
    return { name, width: w, dir, signed, array: a, get, set };
  }
  const a = new Uint32Array(p.buffer);
  const n = a.length;
  const getU = (): bigint => {
    let r = 0n;
    for (let i = n - 1; i >= 0; i--) r = (r << 32n) | BigInt(a[i]!);
    return r;
  };
  const set = (v: number | bigint) => {
    let x = toBig(w, v);
    for (let i = 0; i < n; i++) {
      a[i] = Number(x & 0xffffffffn);
      x >>= 32n;
    }
  };
  const get = signed ? () => BigInt.asIntN(w, getU()) : getU;
  return { name, width: w, dir, signed, array: a, get, set };
}
