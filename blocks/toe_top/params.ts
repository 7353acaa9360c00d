// toe_top's parameters: the MAC width, the number of connections, and each block's own.
import { skbDefaults, type SkbParams } from '../skb/params.ts';
import { timersDefaults, type TcpTimersParams } from '../timers/params.ts';
import { txEngineDefaults, type TxEngineParams } from '../tx_engine/params.ts';
import { hostGlueDefaults, type HostGlueParams } from '../host_glue/params.ts';

export interface ToeTopParams {
  /** MAC and internal datapath bits (64 = 10 GbE at 156.25 MHz). */
  width: number;
  /** Connections: conn_table, timers, ack_gen, skb queues, tx_engine. */
  conns: number;
  /** Learned neighbour (IP -> MAC) entries in cmd_exec. */
  neighbours: number;
  /** Each skb pool (received data; send queues). */
  skb: SkbParams;
  timers: TcpTimersParams;
  txEngine: TxEngineParams;
  host: HostGlueParams;
}

export const toeTopDefaults: ToeTopParams = {
  width: 64,
  conns: 64,
  neighbours: 8,
  skb: skbDefaults,
  // Microsecond ticks in 32 bits: the firmware's 60 s TIME-WAIT and its RTOs fit.
  timers: { ...timersDefaults, tickBits: 32 },
  txEngine: txEngineDefaults,
  host: hostGlueDefaults,
};
