/**
 * packetdrill's sequence-space conventions for the one connection a script tests.
 *
 * - Remote side (the script): sequence numbers are absolute. An inbound `S 0:0(0)` puts seq 0 on
 *   the wire, and outbound ack numbers and SACK blocks are compared as written.
 * - Local side (the target): sequence numbers are relative to its ISN. The offset
 *   (actual ISN - script ISN, usually script ISN 0) is learned from the target's SYN or SYN-ACK;
 *   outbound seq is compared after subtracting it, inbound ack and SACK blocks get it added.
 * - Timestamps: the script's TS val of each outbound packet is remembered against the actual one,
 *   so an inbound `TS ecr <script val>` echoes the value the target really sent. An ecr that was
 *   never sent is interpolated from the first pair (packetdrill's tcp_ts_ecr_scaled).
 * All arithmetic is modulo 2^32.
 */
import { seqAdd } from '../../packet/index.ts';

export class ConnectionMap {
  /** actual local ISN - script local ISN, once the target's SYN/SYN-ACK was matched. */
  localOffset: number | null = null;
  /** The target's ISN in script space (the seq written on its SYN/SYN-ACK line), 0 until learned. */
  localScriptIsn = 0;
  /** The remote's ISN (absolute), from the SYN or SYN-ACK the script injected. */
  remoteIsn: number | null = null;
  /** The script side's TCP port (inbound source). */
  remotePort: number;
  /** The target's TCP port: the bound port (passive) or learned from its SYN (active). */
  localPort: number;
  private readonly tsScriptToActual = new Map<number, number>();
  private firstTs: { script: number; actual: number } | null = null;

  constructor(localPort: number, remotePort: number) {
    this.localPort = localPort;
    this.remotePort = remotePort;
  }

  /** Learn the target's ISN from the SYN or SYN-ACK it sent (`scriptSeq` as written, usually 0). */
  learnLocalIsn(actualSeq: number, scriptSeq: number): void {
    this.localOffset = seqAdd(actualSeq, -scriptSeq);
    this.localScriptIsn = scriptSeq >>> 0;
  }

  /** Script (relative) local sequence number -> wire value. Offset 0 until learned. */
  localToWire(scriptSeq: number): number {
    return seqAdd(scriptSeq, this.localOffset ?? 0);
  }

  /** Wire local sequence number -> script (relative) value. */
  localFromWire(wireSeq: number): number {
    return seqAdd(wireSeq, -(this.localOffset ?? 0));
  }

  /** Record an outbound TS val pair (script value as written, actual value from the wire). */
  noteTsVal(script: number, actual: number): void {
    this.tsScriptToActual.set(script >>> 0, actual >>> 0);
    if (!this.firstTs) this.firstTs = { script: script >>> 0, actual: actual >>> 0 };
  }

  /** The actual TS val a script TS val stands for (mapped, else interpolated), or null if unknown. */
  tsToWire(scriptVal: number): number | null {
    const exact = this.tsScriptToActual.get(scriptVal >>> 0);
    if (exact !== undefined) return exact;
    if (!this.firstTs) return null;
    return seqAdd(this.firstTs.actual, scriptVal - this.firstTs.script);
  }

  /** Actual TS val mapped into script space (first pair as baseline), for tick-based checks. */
  tsFromWire(actualVal: number): number | null {
    if (!this.firstTs) return null;
    return seqAdd(this.firstTs.script, actualVal - this.firstTs.actual);
  }
}
