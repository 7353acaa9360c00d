// Optional pcap capture of every AXI4-Stream frame a test moves through a simulation: with TOE_PCAP=DIR set, each
// Sim records the frames its stream agents and bulk runs send and receive, and writes one pcap per test and stream
// (DIR/<test name>.<stream prefix>.pcap, Ethernet link type) when the Sim closes. Frames that are not Ethernet
// (payload or metadata streams) still open in Wireshark, shown as malformed Ethernet.
import path from 'node:path';
import { PcapWriter } from './packet/index.ts';

export class StreamCapture {
  private readonly writers = new Map<string, PcapWriter>();

  constructor(private readonly dir: string, private readonly fallbackName: string) {}

  /** The capture folder from TOE_PCAP, if set. */
  static folder(): string | undefined { return process.env.TOE_PCAP || undefined; }

  /** Records one frame on stream `prefix` at simulated time `timePs`. */
  record(prefix: string, data: Uint8Array, timePs: number): void {
    const test = currentTestName() ?? this.fallbackName;
    const key = `${test.replace(/[^A-Za-z0-9_.-]+/g, '_').slice(0, 120)}.${prefix}`;
    let w = this.writers.get(key);
    if (!w) this.writers.set(key, w = new PcapWriter());
    const ns = Math.round(timePs / 1000);
    w.add(data, { sec: Math.floor(ns / 1e9), nsec: ns % 1e9 });
  }

  /** Writes every stream's pcap; returns the paths. */
  flush(): string[] {
    const out: string[] = [];
    for (const [key, w] of this.writers) {
      if (w.packets.length === 0) continue;
      const file = path.join(this.dir, `${key}.pcap`);
      w.writeFile(file);
      out.push(file);
    }
    this.writers.clear();
    return out;
  }
}

function currentTestName(): string | undefined {
  const g = globalThis as { expect?: { getState?: () => { currentTestName?: string } } };
  return g.expect?.getState?.().currentTestName;
}
