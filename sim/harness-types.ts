// Port names of a module, computed from its io value type: a typo in a port name is a TypeScript error.
import type { Sig } from '../dsl/index.ts';

type Join<P extends string, K extends string> = P extends '' ? K : `${P}_${K}`;
type Flat<T, P extends string> =
  T extends Sig ? P
  : T extends readonly (infer E)[] ? Flat<E, Join<P, `${number}`>>
  : { [K in keyof T & string]: Flat<T[K], Join<P, K>> }[keyof T & string];

/** Every flattened port name of a module whose io value is IO, plus its clock and reset ports. */
export type PortName<IO> = Flat<IO, ''> | 'clk' | 'rst' | `${string}_clk` | `${string}_rst`;
