// The example corpus: small, complete designs that show the DSL and are tested on both simulators.
import { design, type DesignEntry } from '../gen/design.ts';
import { Counter } from './counter.ts';

export const exampleDesigns: DesignEntry[] = [
  design('counter', '32-bit counter with enable, clear and wrap pulse', Counter, { width: 32 }),
];
