// Every design the project generates into rtl_out/: the example corpus and the TOE's blocks.
import type { DesignEntry } from './gen/design.ts';
import { exampleDesigns } from './examples/index.ts';
import { blockDesigns } from './blocks/index.ts';

export const designs: DesignEntry[] = [...exampleDesigns, ...blockDesigns];
