// The firmware bus's designs, as they appear in rtl_out/.
import { design, type DesignEntry } from '../../gen/design.ts';
import { FwBus } from './fw-bus.ts';
import { defaultFwBusParams } from './params.ts';
import { entryBits } from '../../firmware/api.ts';

export const designs: DesignEntry[] = [
  design('fw_bus', 'Firmware bus for an embedded core: AXI4-Lite slave with a 128-bit event queue, a 128-bit command queue (16 deep each), a TCB/CSR window with timeout, status and counters',
    FwBus, defaultFwBusParams),
  // The TOE's configuration: one queue entry holds the widest event / command record of firmware/api.ts whole.
  design('fw_bus_toe', 'Firmware bus as the TOE instantiates it: event and command entries as wide as the widest firmware/api.ts record (16 deep each)',
    FwBus, { ...defaultFwBusParams, eventBits: entryBits('event'), commandBits: entryBits('command') }),
];
