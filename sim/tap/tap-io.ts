// Frames between a TOE and the kernel's TAP device, for both links (tap-link.ts: the TS model, paced to the wall
// clock; rtl-tap-link.ts: the RTL, behind it): counting, the test hooks that rewrite or drop frames, the pcap
// record, and the check of every frame the TOE sends. The links differ only in how time runs.
import * as fs from 'node:fs';
import type { TapAddon } from './addon.ts';
import { toeFrameProblem } from './frame-check.ts';

export interface TapIoStats {
  toKernel: number; fromKernel: number; bytesToKernel: number; bytesFromKernel: number; writeErrors: number;
  /** Frames the TOE sent that did not parse or had a bad checksum (must stay 0). */
  bad: number;
  badDetail: string[];
}

export const newTapIoStats = (): TapIoStats => ({ toKernel: 0, fromKernel: 0, bytesToKernel: 0, bytesFromKernel: 0, writeErrors: 0, bad: 0, badDetail: [] });

/** A test hook: the frame rewritten, or undefined to drop it. */
export type Mangle = ((frame: Uint8Array) => Uint8Array | undefined) | undefined;

/** A frame the TOE sent: checked, passed through the hook, recorded, written to the TAP (a failed write is a loss). */
export function sendToKernel(fd: number, original: Uint8Array, stats: TapIoStats, mangle: Mangle, record: (f: Uint8Array) => void): void {
  const why = toeFrameProblem(original);
  if (why) { stats.bad++; if (stats.badDetail.length < 20) stats.badDetail.push(why); }
  const frame = mangle ? mangle(original) : original;
  if (!frame) return;
  record(frame);
  try {
    fs.writeSync(fd, frame);
    stats.toKernel++;
    stats.bytesToKernel += frame.length;
  } catch {
    stats.writeErrors++; // lost, as on a real wire: TCP retransmits
  }
}

/** Every frame the kernel has queued, each a copy (the TOEs keep views into it), through the hook to `deliver`. */
export function drainKernel(addon: TapAddon, fd: number, buf: Uint8Array, stats: TapIoStats, mangleIn: Mangle,
  record: (f: Uint8Array) => void, deliver: (f: Uint8Array) => void): void {
  for (;;) {
    const n = addon.readFrame(fd, buf);
    if (n === 0) return;
    const original = buf.slice(0, n);
    stats.fromKernel++;
    stats.bytesFromKernel += n;
    const frame = mangleIn ? mangleIn(original) : original;
    if (!frame) continue;
    record(frame);
    deliver(frame);
  }
}
