// The connection table's designs, as they appear in rtl_out/.
import { design, type DesignEntry } from '../../gen/design.ts';
import { ConnTable } from './conn-table.ts';

export const designs: DesignEntry[] = [
  design('conn_table', 'connection table: 64 TCBs (RFC 9293 fields + the TOE own, 640-bit words), 4-tuple lookup by 2-bank H3 hash with 4-way buckets + 4-entry stash CAM, 1 lookup/cycle, latency 4; firmware insert/delete/read/masked write, datapath TCB update port, counters',
    ConnTable, {}),
];
