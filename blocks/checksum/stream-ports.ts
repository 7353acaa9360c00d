// The checksum units' stream ports, typed for a width-dependent tkeep (absent on an 8-bit bus) and a
// mode-dependent tuser: the fields are optional, and present exactly when the Stream was declared with them.
import type { Sig, Wire } from '../../dsl/index.ts';

/** An AXI4-Stream input (the module is the sink). */
export interface SinkPorts { tdata: Sig; tkeep?: Sig; tlast: Sig; tuser?: Sig; tvalid: Sig; tready: Wire }
/** An AXI4-Stream output (the module is the source). */
export interface SourcePorts { tdata: Wire; tkeep?: Wire; tlast: Wire; tuser?: Wire; tvalid: Wire; tready: Sig }
