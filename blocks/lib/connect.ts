// Wiring an AXI4-Stream between two port bundles (module io or an instance's ports, whichever side is assignable).
import type { Sig, Wire } from '../../dsl/index.ts';

export const STREAM_FORWARD = ['tdata', 'tkeep', 'tlast', 'tuser', 'tvalid'] as const;

/**
 * Drives the sink's forward signals (`keys`, default all of them) from the source and the source's tready from the
 * sink. A signal only one side has (tkeep on an 8-bit bus, an optional tuser) is left for the caller to drive.
 */
export function connectStream(sink: object, source: object, keys: readonly string[] = STREAM_FORWARD): void {
  const to = sink as Record<string, Wire | undefined>, from = source as Record<string, Sig | undefined>;
  for (const k of keys) if (to[k] && from[k]) to[k]!.set(from[k]!);
  (from.tready as unknown as Wire).set(to.tready as unknown as Sig);
}
