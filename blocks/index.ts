// The TOE's hardware blocks as generated designs. Each block folder exports its own list.
import type { DesignEntry } from '../gen/design.ts';
import { designs as rxParser } from './rx_parser/designs.ts';
import { designs as checksum } from './checksum/designs.ts';
import { designs as seqCheck } from './seq_check/designs.ts';
import { designs as ackTx } from './ack_tx/designs.ts';
import { designs as host } from './host/designs.ts';
import { designs as skb } from './skb/designs.ts';
import { designs as rxFront } from './rx_front/designs.ts';
import { designs as fwBus } from './fw_bus/designs.ts';
import { designs as timers } from './timers/designs.ts';
import { designs as connTable } from './conn_table/designs.ts';
import { designs as toeRx } from './toe_rx/designs.ts';
import { designs as rxDispatch } from './rx_dispatch/designs.ts';
import { designs as txEngine } from './tx_engine/designs.ts';
import { designs as hostGlue } from './host_glue/designs.ts';
import { designs as cmdExec } from './cmd_exec/designs.ts';
import { designs as arp } from './arp/designs.ts';
import { designs as toeTop } from './toe_top/designs.ts';

export const blockDesigns: DesignEntry[] = [...rxParser, ...checksum, ...seqCheck, ...ackTx, ...host, ...skb, ...rxFront, ...fwBus, ...timers, ...connTable, ...toeRx, ...rxDispatch, ...txEngine, ...hostGlue, ...cmdExec, ...arp, ...toeTop];
