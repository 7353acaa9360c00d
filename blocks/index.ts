// The TOE's hardware blocks as generated designs. Each block folder exports its own list.
import type { DesignEntry } from '../gen/design.ts';
import { designs as seqCheck } from './seq_check/designs.ts';

export const blockDesigns: DesignEntry[] = [...seqCheck];
