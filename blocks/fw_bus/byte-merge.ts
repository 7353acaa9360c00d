// Byte-lane writes: a register of up to 32 bits updated only in the byte lanes whose wstrb bit is set.
import { cat, mux, type Sig } from '../../dsl/index.ts';

/** `old` with the strobed bytes of `wdata` written over it (old.width <= 32; lanes beyond it are dropped). */
export function mergeBytes(old: Sig, wdata: Sig, wstrb: Sig): Sig {
  const lanes = Math.ceil(old.width / 8);
  const bytes: Sig[] = [];
  for (let i = lanes - 1; i >= 0; i--) {
    const hi = Math.min(old.width, 8 * i + 8) - 1;
    bytes.push(mux(wstrb.bit(i), wdata.slice(hi, 8 * i), old.slice(hi, 8 * i)));
  }
  return cat(...bytes);
}
