// The firmware bus's hardware-side ports: the event input, the command output and the TCB/CSR window.
import { Bool, Struct, UInt } from '../../dsl/index.ts';
import { Handshake } from '../host/handshake.ts';
import { WINDOW_ADDR_BITS, WINDOW_TAG_BITS } from './regmap.ts';

/** One event from the hardware (input side: a sink, ready is an output). */
export const EventPort = (bits: number) => Handshake({ data: UInt(bits) });

/** One command to the hardware (output side: a source). */
export const CommandPort = (bits: number) => Handshake({ data: UInt(bits) });

/**
 * A window request (output: the bus is the source). `addr` is a word index into the window; `tag` must be
 * returned with the response. `wstrb` is the AXI write strobe as received (reads carry 0).
 */
export const WindowRequest = Handshake({
  addr: UInt(WINDOW_ADDR_BITS), write: Bool, wdata: UInt(32), wstrb: UInt(4), tag: UInt(WINDOW_TAG_BITS),
});

/**
 * A window response (input; no ready: the bus takes every response). One per accepted request, reads and
 * writes alike, carrying the request's tag; `err` answers the AXI access SLVERR. A response whose tag is not
 * the outstanding request's (one that came after its request timed out) is discarded.
 */
export const WindowResponse = Struct({ valid: Bool, rdata: UInt(32), err: Bool, tag: UInt(WINDOW_TAG_BITS) });
