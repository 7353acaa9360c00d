// Big-endian (network order) field access. put* return the offset just past the field.

export function be16(b: Uint8Array, o: number): number {
  return (b[o]! << 8) | b[o + 1]!;
}

export function be32(b: Uint8Array, o: number): number {
  return ((b[o]! << 24) | (b[o + 1]! << 16) | (b[o + 2]! << 8) | b[o + 3]!) >>> 0;
}

export function put16(b: Uint8Array, o: number, v: number): number {
  b[o] = (v >>> 8) & 0xff;
  b[o + 1] = v & 0xff;
  return o + 2;
}

export function put32(b: Uint8Array, o: number, v: number): number {
  b[o] = (v >>> 24) & 0xff;
  b[o + 1] = (v >>> 16) & 0xff;
  b[o + 2] = (v >>> 8) & 0xff;
  b[o + 3] = v & 0xff;
  return o + 4;
}

/** A plain Uint8Array view of the same memory. Node Buffers are Uint8Arrays whose subarray()
 * returns Buffers; parsers call this so that the views they hand out are plain. */
export function plainBytes(bytes: Uint8Array): Uint8Array {
  return bytes.constructor === Uint8Array ? bytes : new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}
