// The TOE model against the Linux kernel's TCP stack through a TAP device in a private network namespace:
// handshake, 1 MiB each way at once byte-exact (SHA-256 on both ends), clean close, with the TOE as server and
// as client. A pcap of each run goes to waves/linux/. Skipped (with the reason) where namespaces or TUN are not
// available to this process.
import * as path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { parseFrame } from '../../sim/packet/index.ts';
import { Rng } from '../../sim/toe_model/rng.ts';
import { loadTapAddon } from '../../sim/tap/addon.ts';
import { LinuxLab, TOE_IP } from '../../sim/tap/lab.ts';
import { netnsUnavailable } from '../../sim/tap/netns.ts';
import { wavesDir } from '../../sim/verilator/paths.ts';
import { exchange, modelLab } from './exchange.ts';
import { wireViolations } from './wire-check.ts';
import { corruptOnePayloadByte } from './corrupt.ts';

const MiB = 1 << 20;
const why = netnsUnavailable();
if (why) console.warn(`test/linux skipped: ${why}`);

// Linux-like timers for the TOE (RTO 1 s initial, 200 ms minimum); a short TIME-WAIT so the active close finishes.
const FW = { timeWaitUs: 100_000 };

describe.skipIf(why !== undefined)('TOE model <-> Linux TCP through a TAP device', () => {
  let lab: LinuxLab | undefined;
  afterEach(() => { lab?.close(); lab = undefined; });

  function pcapPath(name: string) { return path.join(wavesDir(), 'linux', `${name}.pcap`); }

  for (const role of ['server', 'client'] as const) {
    it(`TOE as ${role}: handshake, 1 MiB each way byte-exact, clean close`, async () => {
      lab = LinuxLab.open({ toe: { fw: FW }, link: { pcap: true } });
      const l = lab;
      try {
        const r = await exchange(modelLab(l), role, MiB, 5000 + (role === 'server' ? 1 : 2));
        expect(r.peer.received).toBe(MiB);
        expect(r.peer.sha256, 'what the kernel received').toBe(r.toeSent);
        expect(r.peer.sentSha256).toBe(r.kernelSent);
        expect(r.toeGot, 'what the TOE received').toBe(r.kernelSent);
        expect(r.sock.state).toBe('closed');
        expect(r.sock.error).toBeUndefined();
        expect(l.link.stats.bad, l.link.stats.badDetail.join('\n')).toBe(0);
        expect(wireViolations(l.link.pcap!.packets, TOE_IP, l.toe.fwCfg.rcvbuf).slice(0, 5)).toEqual([]);
        expect(l.toe.refusals).toEqual([]);
        expect(l.toe.stats.rxBadChecksum, 'frames from the kernel with a bad checksum').toBe(0);
        expect(l.toe.leaks()).toEqual({ skbsInUse: 0, hwConns: 0, fwConns: 0 });
        const k = l.kernelTcp();
        expect(k.InErrs, 'kernel saw segments with errors').toBe(0);
        expect(k.OutRsts, 'kernel sent a reset').toBe(0);
        const st = l.link.stats;
        const mbps = (2 * MiB * 8) / (Math.max(r.rxMs, r.txMs) * 1e3);
        console.log(`TOE as ${role}: kernel->TOE ${r.rxMs.toFixed(0)} ms, TOE->kernel ${r.txMs.toFixed(0)} ms, ` +
          `closed after ${r.totalMs.toFixed(0)} ms; ${mbps.toFixed(1)} Mb/s both ways together; ` +
          `frames to kernel ${st.toKernel}, from kernel ${st.fromKernel}; model lag max ${(st.maxLagUs / 1000).toFixed(1)} ms; ` +
          `kernel retransmits ${k.RetransSegs}, TOE retransmits ${l.toe.txFirmware.stats.retransmits}; ` +
          `ARP replies ${l.toe.stats.arpReplies}, non-TCP frames ignored ${l.toe.stats.rxBadFrames}; pcap ${pcapPath(`toe-${role}`)}`);
      } finally {
        l.link.pcap?.writeFile(pcapPath(`toe-${role}`));
      }
    }, 60_000);
  }

  // Loss recovery on both sides against each other in real time: the TOE's NewReno and RFC 6298 RTO against the
  // kernel's fast retransmit, RACK/TLP and RTO. With SACK-permitted negotiated the TOE's ACKs carry SACK blocks
  // (RFC 2018) and the kernel resends only the holes (before the TOE sent SACK blocks it recovered by timeout and
  // go-back-N: 50-260 segments resent for ~10 lost); without SACK, mostly by duplicate ACKs. Both byte-exact.
  for (const sack of [true, false]) {
    it(`1% of data frames lost each way (seeded), SACK-permitted ${sack ? 'offered' : 'not offered'}: 1 MiB each way byte-exact, clean close`, async () => {
      lab = LinuxLab.open({ toe: { fw: { ...FW, sack } }, link: { pcap: true } });
      const l = lab;
      const rng = new Rng(7);
      const dropped = { toKernel: 0, toToe: 0 };
      const lossy = (dir: keyof typeof dropped) => (frame: Uint8Array) => {
        const p = parseFrame(frame);
        if (!p.ok || p.value.kind !== 'tcp' || p.value.payload.length === 0 || rng.next() >= 0.01) return frame;
        dropped[dir]++;
        return undefined;
      };
      l.link.mangle = lossy('toKernel');
      l.link.mangleIn = lossy('toToe');
      const name = `toe-client-lossy-${sack ? 'sack' : 'nosack'}`;
      try {
        const r = await exchange(modelLab(l), 'client', MiB, 5004);
        expect(dropped.toKernel).toBeGreaterThan(0);
        expect(dropped.toToe).toBeGreaterThan(0);
        expect(r.peer.sha256, 'what the kernel received').toBe(r.toeSent);
        expect(r.toeGot, 'what the TOE received').toBe(r.kernelSent);
        expect(r.sock.state).toBe('closed');
        expect(l.toe.refusals).toEqual([]);
        expect(l.toe.leaks()).toEqual({ skbsInUse: 0, hwConns: 0, fwConns: 0 });
        expect(wireViolations(l.link.pcap!.packets, TOE_IP, l.toe.fwCfg.rcvbuf).slice(0, 5)).toEqual([]);
        const tx = l.toe.txFirmware.stats;
        const kernelRetrans = l.kernelTcp().RetransSegs!;
        const context = `${JSON.stringify(dropped)}, model lag max ${(l.link.stats.maxLagUs / 1000).toFixed(1)} ms`;
        // Without SACK the kernel's count is not bounded: after a timeout it resends all it has outstanding
        // (go-back-N), and whether a loss ends in a timeout depends on where in the window it falls. With SACK
        // blocks from the TOE it resends the holes, even after a timeout.
        expect(tx.retransmits, `TOE retransmissions (${context})`).toBeLessThanOrEqual(3 * dropped.toKernel + 8);
        if (sack) expect(kernelRetrans, `kernel retransmissions with SACK (${context})`).toBeLessThanOrEqual(3 * dropped.toToe + 8);
        console.log(`lossy, SACK ${sack ? 'on' : 'off'}: dropped ${dropped.toKernel} to the kernel, ${dropped.toToe} to the TOE; ` +
          `closed after ${r.totalMs.toFixed(0)} ms; TOE retransmits ${tx.retransmits} (fast ${tx.fastRetransmits}, timeouts ${tx.timeouts}); ` +
          `kernel retransmits ${kernelRetrans}; TOE held out of order ${l.toe.rxFirmware.stats.oooHeld}; pcap ${pcapPath(name)}`);
      } finally {
        l.link.pcap?.writeFile(pcapPath(name));
      }
    }, 60_000);
  }

  it('the addon refuses bad arguments with a clear error', () => {
    const a = loadTapAddon();
    expect(() => a.openTap('a-name-longer-than-15')).toThrow(/1 to 15 bytes/);
    expect(() => a.openTap('')).toThrow(/1 to 15 bytes/);
    expect(() => a.readFrame(-1, new Uint8Array(4))).toThrow(/read tap/);
    expect(() => a.readFrame(0, [] as unknown as Uint8Array)).toThrow(/Uint8Array/);
    expect(() => a.waitReadable('x' as unknown as number, 0)).toThrow(/integers/);
  });

  // The harness must be able to fail: one payload byte flipped on its way to the kernel (checksum recomputed, so
  // only the end-to-end hash can notice) has to show up as a SHA-256 mismatch.
  it('a byte corrupted on the wire is caught by the end-to-end SHA-256', async () => {
    lab = LinuxLab.open({ toe: { fw: FW } });
    const corrupt = corruptOnePayloadByte(TOE_IP);
    lab.link.mangle = corrupt.mangle;
    const r = await exchange(modelLab(lab), 'server', 64 * 1024, 5003);
    expect(corrupt.count()).toBe(1);
    expect(r.peer.received).toBe(64 * 1024);
    expect(r.peer.sha256).not.toBe(r.toeSent);
    expect(r.toeGot).toBe(r.kernelSent);
  }, 30_000);
});

