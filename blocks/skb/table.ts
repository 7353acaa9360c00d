// A table of words with one synchronous write port and synchronous read ports: a block RAM, or (for formal
// verification) registers with the same read-before-write behaviour, whose every word a checker can see.
import { UInt, Vec, when, type ModuleBuilder, type Sig, type SigLike } from '../../dsl/index.ts';
import { select } from './bits.ts';

export interface Table {
  /** Writes data at addr on the clock edge when enable is high. */
  write(addr: Sig, data: Sig, enable: Sig): void;
  /** The word at addr, one cycle later (a same-cycle write is not seen). Holds while enable is low. */
  read(addr: Sig, enable: SigLike): Sig;
  /** Every word, for invariant checkers: only for register tables. */
  readonly words: readonly Sig[] | undefined;
}

export function table(m: ModuleBuilder, name: string, width: number, depth: number, registers: boolean): Table {
  if (!registers) {
    const ram = m.memory(width, depth, { name });
    return {
      write: (addr, data, enable) => ram.write(addr, data, { enable }),
      read: (addr, enable) => ram.read(addr, { enable }),
      words: undefined,
    };
  }
  const words = m.reg(Vec(UInt(width), depth), { name });
  let reads = 0;
  return {
    write: (addr, data, enable) => {
      words.forEach((w, i) => when(enable.land(addr.eq(i)), () => w.set(data)));
    },
    read: (addr, enable) => {
      const data = m.reg(UInt(width), { name: `${name}_rd${reads++}` });
      when(enable, () => data.set(select(words, addr)));
      return data;
    },
    words,
  };
}
