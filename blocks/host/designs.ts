// The host interface's designs, as they appear in rtl_out/.
import { design, type DesignEntry } from '../../gen/design.ts';
import { RingEngine } from './ring-engine.ts';
import { DmaEngine } from './dma-engine.ts';
import { HostIf } from './host-if.ts';

export const designs: DesignEntry[] = [
  design('ring_engine', 'Host descriptor rings (TX/RX/CMD/completion with phase bit), AXI4-Lite doorbells and CSRs, interrupt coalescing, 64-bit AXI4 master', RingEngine, {}),
  design('dma_engine', 'Zero-copy DMA: host↔NIC buffer memory over 64-bit AXI4 bursts, reads in flight with a reorder buffer, realignment, checksum on copy', DmaEngine, {}),
  design('host_if', 'The TOE host interface: ring engine + DMA engine + send/receive paths on one AXI4 master and one AXI4-Lite slave', HostIf, {}),
];
