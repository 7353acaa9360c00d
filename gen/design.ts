// A design: a named top-level generator with its parameters, as listed by `toe list` and written to rtl_out/.
import type { ModuleDef } from '../dsl/index.ts';

export interface DesignEntry {
  /** Folder name under rtl_out/ and the name used on the command line. */
  name: string;
  /** One line on what it is. */
  description: string;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  def: ModuleDef<any, any>;
  params?: Record<string, unknown>;
}

export const design = <P, IO>(
  name: string, description: string, def: ModuleDef<P, IO>, params?: Partial<P>,
): DesignEntry => ({ name, description, def: def as unknown as DesignEntry['def'], params: params as Record<string, unknown> | undefined });
