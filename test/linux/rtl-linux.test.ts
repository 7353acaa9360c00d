// The RTL TOE (toe_top in Verilator with the firmware on its cores, sim/toe_rtl) against the Linux kernel's TCP
// through a TAP device in a private network namespace: handshake, 64 KiB each way at once byte-exact (SHA-256 on
// both ends), clean close, with the RTL TOE as server and as client. The RTL runs about a thousand times slower
// than real time; its simulated time runs as fast as it can while the kernel keeps real time (rtl-tap-link.ts), so
// the transfers are small. A pcap of each run (wall-clock stamps) goes to waves/linux/. Skipped (with the reason)
// where namespaces or TUN are not available to this process.
import * as path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { FwConfig } from '../../firmware/config.ts';
import { counterAddr } from '../../blocks/toe_top/csr-map.ts';
import { counterName, TOE_CSR_BASE, TOP_COUNTERS } from '../../blocks/toe_top/toe-top.ts';
import { skbDefaults, skbGeometry } from '../../blocks/skb/params.ts';
import { parseFrame } from '../../sim/packet/index.ts';
import { TOE_IP } from '../../sim/tap/lab.ts';
import { netnsUnavailable } from '../../sim/tap/netns.ts';
import { RtlLinuxLab } from '../../sim/tap/rtl-lab.ts';
import type { RtlToe } from '../../sim/toe_rtl/toe.ts';
import { wavesDir } from '../../sim/verilator/paths.ts';
import { exchange, rtlLab } from './exchange.ts';
import { wireViolations } from './wire-check.ts';
import { corruptOnePayloadByte } from './corrupt.ts';

const KiB = 1024;
const why = netnsUnavailable();
if (why) console.warn(`test/linux (RTL) skipped: ${why}`);

// The TOE's timers run in the RTL's simulated time, where one millisecond takes about a second of wall time and the
// kernel answers within microseconds: a 2 ms minimum RTO is ~2 s of the kernel's time; TIME-WAIT 1 ms (~1 s).
const FW: Partial<FwConfig> = {
  initialRtoUs: 20_000, minRtoUs: 2_000, maxRtoUs: 100_000, persistMinUs: 2_000, persistMaxUs: 20_000, timeWaitUs: 1_000,
};

/** A TOE CSR counter or level, read by the host over AXI4-Lite. */
function csr(toe: RtlToe, name: string): number {
  const i = TOP_COUNTERS.findIndex((c) => counterName(c) === name);
  if (i < 0) throw new Error(`no counter ${name}`);
  return toe.host.mmio.readNow(TOE_CSR_BASE + counterAddr(i));
}

describe.skipIf(why !== undefined)('RTL TOE <-> Linux TCP through a TAP device', () => {
  let lab: RtlLinuxLab | undefined;
  afterEach(() => { lab?.close(); lab = undefined; });

  const pcapPath = (name: string) => path.join(wavesDir(), 'linux', `${name}.pcap`);
  // rx_dispatch always holds one spare receive block, allocated ahead of the next segment.
  const poolBlocks = skbGeometry(skbDefaults).blocks;

  for (const role of ['server', 'client'] as const) {
    it(`RTL TOE as ${role}: handshake, 64 KiB each way byte-exact, clean close`, async () => {
      const wall0 = performance.now();
      lab = await RtlLinuxLab.open({ toe: { fw: FW }, link: { pcap: true } });
      const l = lab, toe = l.toe;
      const name = `rtl-${role}`;
      try {
        const r = await exchange(rtlLab(l), role, 64 * KiB, 5100 + (role === 'server' ? 1 : 2), { timeoutMs: 25_000 });
        expect(r.peer.received).toBe(64 * KiB);
        expect(r.peer.sha256, 'what the kernel received').toBe(r.toeSent);
        expect(r.peer.sentSha256).toBe(r.kernelSent);
        expect(r.toeGot, 'what the TOE received').toBe(r.kernelSent);
        expect(r.sock.state).toBe('closed');
        expect(r.sock.error).toBeUndefined();
        expect(r.sock.sendsFailed).toBe(0);
        expect(l.link.stats.bad, l.link.stats.badDetail.join('\n')).toBe(0);
        expect(wireViolations(l.link.pcap!.packets, TOE_IP, toe.fwCfg.rcvbuf).slice(0, 5)).toEqual([]);
        expect({ orphanBytes: toe.host.orphanBytes, rxErrors: toe.host.rxErrors }).toEqual({ orphanBytes: 0, rxErrors: 0 });
        // Every connection and skb block of the RTL free again (the firmware's table too).
        expect({ conns: csr(toe, 'top_conns_in_use'), rxFree: csr(toe, 'top_rx_pool_free'), txFree: csr(toe, 'top_tx_pool_free') })
          .toEqual({ conns: 0, rxFree: poolBlocks - 1, txFree: poolBlocks });
        expect(toe.fwConns.inUse).toBe(0);
        // The kernel has no static entry for the TOE: it resolved it with ARP, answered by the RTL's arp_responder.
        expect(csr(toe, 'arp_replies'), 'ARP requests answered by the RTL').toBeGreaterThan(0);
        expect(csr(toe, 'arp_malformed')).toBe(0);
        const k = l.kernelTcp();
        expect(k.InErrs, 'kernel saw segments with errors').toBe(0);
        expect(k.OutRsts, 'kernel sent a reset').toBe(0);
        const st = l.link.stats;
        console.log(`RTL TOE as ${role}: kernel->TOE ${r.rxMs.toFixed(0)} ms, TOE->kernel acked ${r.txMs.toFixed(0)} ms, ` +
          `closed after ${r.totalMs.toFixed(0)} ms of wall time (${(performance.now() - wall0).toFixed(0)} ms with set-up); ` +
          `RTL simulated ${(toe.nowNs / 1e6).toFixed(2)} ms (${toe.sim.cycle} cycles); ` +
          `frames to kernel ${st.toKernel}, from kernel ${st.fromKernel}; kernel retransmits ${k.RetransSegs}, ` +
          `TOE retransmits ${toe.txFirmware.stats.retransmits}; pcap ${pcapPath(name)}`);
      } finally {
        l.link.pcap?.writeFile(pcapPath(name));
      }
    }, 60_000);
  }

  // Loss recovery against the kernel: chosen data frames dropped each way (mid-stream, so both sides recover by
  // SACK-driven fast retransmit rather than by timeout). Byte-exact, clean close, nothing left allocated.
  it('RTL TOE as client, data frames 8, 9 and 20 lost each way: 64 KiB each way byte-exact, clean close', async () => {
    lab = await RtlLinuxLab.open({ toe: { fw: FW }, link: { pcap: true } });
    const l = lab, toe = l.toe;
    const lose = new Set([8, 9, 20]);
    const seen = { toKernel: 0, toToe: 0 }, dropped = { toKernel: 0, toToe: 0 };
    const lossy = (dir: keyof typeof seen) => (frame: Uint8Array) => {
      const p = parseFrame(frame);
      if (!p.ok || p.value.kind !== 'tcp' || p.value.payload.length === 0 || !lose.has(++seen[dir])) return frame;
      dropped[dir]++;
      return undefined;
    };
    l.link.mangle = lossy('toKernel');
    l.link.mangleIn = lossy('toToe');
    const name = 'rtl-client-lossy';
    try {
      const r = await exchange(rtlLab(l), 'client', 64 * KiB, 5104, { timeoutMs: 25_000 });
      expect(dropped).toEqual({ toKernel: 3, toToe: 3 });
      expect(r.peer.sha256, 'what the kernel received').toBe(r.toeSent);
      expect(r.toeGot, 'what the TOE received').toBe(r.kernelSent);
      expect(r.sock.state).toBe('closed');
      expect(r.sock.error).toBeUndefined();
      expect(l.link.stats.bad, l.link.stats.badDetail.join('\n')).toBe(0);
      expect(wireViolations(l.link.pcap!.packets, TOE_IP, toe.fwCfg.rcvbuf).slice(0, 5)).toEqual([]);
      expect({ conns: csr(toe, 'top_conns_in_use'), rxFree: csr(toe, 'top_rx_pool_free'), txFree: csr(toe, 'top_tx_pool_free') })
        .toEqual({ conns: 0, rxFree: poolBlocks - 1, txFree: poolBlocks });
      const tx = toe.txFirmware.stats;
      expect(tx.retransmits, 'the TOE resent what was lost').toBeGreaterThanOrEqual(3);
      const k = l.kernelTcp();
      expect(k.RetransSegs, 'the kernel resent what was lost').toBeGreaterThanOrEqual(3);
      console.log(`RTL lossy: closed after ${r.totalMs.toFixed(0)} ms of wall time, RTL simulated ${(toe.nowNs / 1e6).toFixed(2)} ms; ` +
        `TOE retransmits ${tx.retransmits} (fast ${tx.fastRetransmits}, SACK ${tx.sackRetransmits}, timeouts ${tx.timeouts}); ` +
        `kernel retransmits ${k.RetransSegs}; TOE held out of order ${toe.rxFirmware.stats.oooHeld}; pcap ${pcapPath(name)}`);
    } finally {
      l.link.pcap?.writeFile(pcapPath(name));
    }
  }, 60_000);

  // The harness must be able to fail: one payload byte flipped on its way to the kernel (checksum recomputed, so
  // only the end-to-end hash can notice) has to show up as a SHA-256 mismatch.
  it('a byte corrupted on the wire is caught by the end-to-end SHA-256', async () => {
    lab = await RtlLinuxLab.open({ toe: { fw: FW } });
    const corrupt = corruptOnePayloadByte(TOE_IP);
    lab.link.mangle = corrupt.mangle;
    const r = await exchange(rtlLab(lab), 'server', 16 * KiB, 5103, { timeoutMs: 25_000 });
    expect(corrupt.count()).toBe(1);
    expect(r.peer.received).toBe(16 * KiB);
    expect(r.peer.sha256).not.toBe(r.toeSent);
    expect(r.toeGot).toBe(r.kernelSent);
  }, 60_000);
});
