// The Tcb layout in hardware: the 640-bit word the TCB memory holds, and the byte enables of a masked write.
import { cat, type Sig } from '../../dsl/index.ts';
import { packLayout, unpackLayout } from '../host/layout-rtl.ts';
import { Tcb, WRITABLE_FIELDS, type TcbField } from './tcb.ts';

/** The TCB word from field signals (absent fields and reserved bytes are zero). */
export const packTcb = (values: Partial<Record<TcbField, Sig>>): Sig => packLayout(Tcb, values);

/** Every field of a TCB word. */
export const unpackTcb = (word: Sig): Record<TcbField, Sig> => unpackLayout(Tcb, word);

/**
 * The memory's byte enables (one per byte of the layout) for a write of the fields selected by `mask`
 * (bit i = WRITABLE_FIELDS[i]), or of every byte when `all` is high (an insert).
 */
export function tcbByteEnables(mask: Sig, all: Sig): Sig {
  const owner = new Array<number>(Tcb.bytes).fill(-1);
  for (const f of Tcb.fields) {
    const bit = (WRITABLE_FIELDS as readonly string[]).indexOf(f.name);
    for (let b = f.offset >> 3; b < (f.offset + f.width + 7) >> 3; b++) owner[b] = bit;
  }
  const en: Sig[] = [];
  for (let b = Tcb.bytes - 1; b >= 0; b--) {
    const o = owner[b]!;
    en.push(o < 0 ? all : all.lor(mask.bit(o)));
  }
  return cat(...en);
}

