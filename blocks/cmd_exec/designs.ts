// cmd_exec's designs, as they appear in rtl_out/.
import { design, type DesignEntry } from '../../gen/design.ts';
import { CmdExec } from './cmd-exec.ts';

export const designs: DesignEntry[] = [
  design('cmd_exec', 'firmware command executor: both cores\' command queues round-robin, one command at a time as Toe.exec (conn_table insert-at-index/delete/read/masked write, tcp_timers, ack_gen events and SACK blocks, skb free/enqueue/drain, tx_engine and host_glue requests, MAIL/TIMER events), receive window reopened as the host consumes data (rx_read -> advertised right edge rcv_adv moved, WND_OPEN events), end of stream to host_glue (eof_notify), 8-entry learned neighbour table, refusal counters; 64 connections, 128 skb blocks',
    CmdExec, {}),
];
