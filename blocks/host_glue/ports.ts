// host_glue's ports to the rest of toe_top: firmware events out, host requests (COPY_IN / HOST_NOTE command
// entries) in, and the send-queue append stream to tx_engine with its answer.
import { Bool, UInt } from '../../dsl/index.ts';
import { Handshake } from '../host/handshake.ts';
import { COMMAND_ENTRY_BITS, EVENT_ENTRY_BITS } from '../lib/fw-record.ts';

/** An event queue entry (packEvent) for one core's fw_bus. */
export const EventPort = Handshake({ data: UInt(EVENT_ENTRY_BITS) });

/** A firmware command entry (COPY_IN or HOST_NOTE, kind code in bits 5..0) from cmd_exec. */
export const HreqPort = Handshake({ data: UInt(COMMAND_ENTRY_BITS) });

/**
 * COPY_IN's bytes for connection `conn`'s send queue, in order: `keep` bits are contiguous from bit 0 (every beat
 * but the last is full); `last` ends the append (its beat may have keep 0 when the copy stopped early).
 */
export const SqAppPort = (dataBits: number) => Handshake({ conn: UInt(16), data: UInt(dataBits), keep: UInt(dataBits / 8), last: Bool });

/** tx_engine's answer to one append, after its `last` beat: bytes it queued, and whether it ran out of blocks. */
export const SqAppDonePort = Handshake({ copied: UInt(32), nomem: Bool });
