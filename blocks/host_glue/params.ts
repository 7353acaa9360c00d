// host_glue's parameters: the host interface's (DMA engine + ring engine) plus the pending-send table.
import { dmaDefaults } from '../host/dma-params.ts';
import { ringEngineDefaults } from '../host/ring-engine.ts';
import type { HostPathParams } from '../host/tx-path.ts';
import { skbDefaults, type SkbParams } from '../skb/params.ts';

export interface HostGlueParams {
  /** The host interface's: DMA engine and ring engine (blocks/host). */
  host: HostPathParams;
  /**
   * Pending send requests held at once (a power of two). TX descriptor `index` lives in slot index mod sends
   * until its SEND_DONE note; a descriptor whose slot is still busy waits (the ring engine stops fetching).
   */
  sends: number;
  /** The skb manager the receive side reads (its ports and geometry). */
  skb: SkbParams;
}

export const hostGlueDefaults: HostGlueParams = { host: { ...dmaDefaults, ...ringEngineDefaults }, sends: 16, skb: skbDefaults };
