// The real firmware on the RTL TOE: toe_top in Verilator with both cores' firmware (firmware/) running over its
// firmware buses, facing the TS model of the TOE across a link; every frame on the wire is parsed and its
// checksums checked.
import { afterAll, describe, expect, it } from 'vitest';
import { frameChecksums, parseFrame } from '../../sim/packet/index.ts';
import { Scheduler } from '../../sim/toe_model/scheduler.ts';
import { Toe } from '../../sim/toe_model/toe.ts';
import { RtlToe } from '../../sim/toe_rtl/toe.ts';
import { Cosim } from '../../sim/toe_rtl/cosim.ts';
import { CloseReason } from '../../firmware/api.ts';
import { TOP_COUNTERS, counterName, TOE_CSR_BASE } from '../../blocks/toe_top/toe-top.ts';
import { counterAddr } from '../../blocks/toe_top/csr-map.ts';
import { skbGeometry, skbDefaults } from '../../blocks/skb/params.ts';
import { A_IP, A_MAC, B_IP, B_MAC, FAST_TIMERS, pattern, sha256 } from '../firmware/harness.ts';
import type { HostSocket } from '../../sim/toe_model/host.ts';

describe('firmware on the RTL TOE (verilator)', async () => {
  const sched = new Scheduler();
  const rtl = await RtlToe.create({ name: 'rtl', mac: A_MAC, ip: A_IP, neighbours: [[B_IP, B_MAC]], fw: FAST_TIMERS });
  const model = new Toe(sched, { name: 'model', mac: B_MAC, ip: B_IP, neighbours: [[A_IP, A_MAC]], fw: FAST_TIMERS });
  const world = new Cosim(sched, rtl, model, [rtl], { delayNs: 2_000 });
  const wire = { frames: 0, bad: [] as string[] };
  // TOE_PCAP=DIR captures the RTL's MAC frames (sim/stream-capture.ts); TOE_WAVES=1 writes an FST of the run.
  world.link.taps.push((frame, from) => {
    wire.frames++;
    const p = parseFrame(frame);
    if (!p.ok || p.value.kind !== 'tcp') { wire.bad.push(`${from}: not a TCP frame`); return; }
    const s = frameChecksums(p.value);
    if (!s.ipv4 || !s.tcp) wire.bad.push(`${from}: checksum ipv4 ${s.ipv4} tcp ${s.tcp}`);
  });
  afterAll(() => rtl.close());

  it('a connection to a port nobody listens on is refused by the RTL TOE\'s RX core (SEG_NOCONN -> TX_RST)', () => {
    const s = model.host.connect(A_IP, 81);
    world.run(() => s.state !== 'connecting', 50, 'the refusal');
    expect(s.state).toBe('failed');
    expect(s.error).toBe(CloseReason.REFUSED);
    expect(rtl.rxCore.stats.eventsByKind.get('SEG_NOCONN')).toBe(1);
    expect(wire.bad).toEqual([]);
  });

  let ca: HostSocket, cb: HostSocket;
  it('the RTL TOE connects (active open by its RX core) to the model, which accepts', () => {
    model.host.listen(80);
    world.run(() => model.rxCore.idle, 5, 'the listen');
    ca = rtl.host.connect(B_IP, 80);
    let accepted: HostSocket | undefined;
    world.run(() => ca.state !== 'connecting' && (accepted ??= model.host.accept(80)) !== undefined, 20, 'the handshake');
    expect(ca.state).toBe('open');
    cb = accepted!;
    expect(cb.state).toBe('open');
    expect(wire.bad).toEqual([]);
  });

  it('64 KiB each way at once, byte-exact', () => {
    const up = pattern(65536, 1), down = pattern(65536, 2);
    rtl.host.send(ca, up);
    model.host.send(cb, down);
    world.run(() => cb.received >= up.length && ca.received >= down.length, 200, 'both transfers');
    expect(sha256(cb.data())).toBe(sha256(up));
    expect(sha256(ca.data())).toBe(sha256(down));
    expect(wire.bad).toEqual([]);
  });

  /** A TOE CSR counter or level, read by the host. */
  const csr = (name: string): number => {
    const i = TOP_COUNTERS.findIndex((c) => counterName(c) === name);
    if (i < 0) throw new Error(`no counter ${name}`);
    return rtl.host.mmio.readNow(TOE_CSR_BASE + counterAddr(i));
  };
  // rx_dispatch always holds one spare receive block, allocated ahead of the next segment.
  const blocks = skbGeometry(skbDefaults).blocks;
  const rxSpare = 1;

  it('both close; each side sees end of stream; every connection and skb of the RTL TOE is free again', () => {
    rtl.host.close(ca);
    model.host.close(cb);
    world.run(() => ca.eof && cb.eof, 50, 'both ends of stream');
    world.run(() => ca.freed && cb.freed, 200, 'both connections freed (TIME-WAIT)');
    world.settle(5);
    expect({ conns: csr('top_conns_in_use'), rxFree: csr('top_rx_pool_free'), txFree: csr('top_tx_pool_free') })
      .toEqual({ conns: 0, rxFree: blocks - rxSpare, txFree: blocks });
    expect(rtl.fwConns.inUse).toBe(0);
    expect(model.leaks()).toEqual({ skbsInUse: 0, hwConns: 0, fwConns: 0 });
    expect(wire.bad).toEqual([]);
  });

  it('the RTL TOE as server (passive open), 256 KiB from the model under 2% loss and 2% reordering, byte-exact', () => {
    world.link.cfg.loss = 0.02;
    world.link.cfg.reorder = 0.02;
    rtl.host.listen(8080);
    world.settle(0.05);
    const c = model.host.connect(A_IP, 8080);
    let s: HostSocket | undefined;
    world.run(() => c.state !== 'connecting' && (s ??= rtl.host.accept(8080)) !== undefined, 50, 'the handshake');
    const data = pattern(262144, 3);
    model.host.send(c, data);
    world.run(() => s!.received >= data.length, 500, 'the transfer');
    expect(sha256(s!.data())).toBe(sha256(data));
    world.link.cfg.loss = 0;
    world.link.cfg.reorder = 0;
    model.host.close(c);
    rtl.host.close(s!);
    world.run(() => c.freed && s!.freed, 300, 'both freed');
    world.settle(5);
    expect({ conns: csr('top_conns_in_use'), rxFree: csr('top_rx_pool_free'), txFree: csr('top_tx_pool_free') })
      .toEqual({ conns: 0, rxFree: blocks - rxSpare, txFree: blocks });
    expect(world.link.stats.lost).toBeGreaterThan(0);
    expect(wire.bad).toEqual([]);
  });

  it('16 connections at once, half opened by each side, 16 KiB each way on each, byte-exact; then all closed and freed', () => {
    rtl.host.listen(9000);
    model.host.listen(9001);
    world.settle(0.05);
    const opening: { side: 'rtl' | 'model'; s: HostSocket }[] = [];
    for (let k = 0; k < 16; k++) {
      opening.push(k % 2 === 0 ? { side: 'rtl', s: rtl.host.connect(B_IP, 9001) } : { side: 'model', s: model.host.connect(A_IP, 9000) });
    }
    const acceptedByRtl: HostSocket[] = [], acceptedByModel: HostSocket[] = [];
    world.run(() => {
      let x: HostSocket | undefined;
      while ((x = rtl.host.accept(9000))) acceptedByRtl.push(x);
      while ((x = model.host.accept(9001))) acceptedByModel.push(x);
      return opening.every((o) => o.s.state !== 'connecting') && acceptedByRtl.length === 8 && acceptedByModel.length === 8;
    }, 100, '16 handshakes');
    expect(opening.every((o) => o.s.state === 'open')).toBe(true);
    const rtlSide = [...opening.filter((o) => o.side === 'rtl').map((o) => o.s), ...acceptedByRtl];
    const modelSide = [...acceptedByModel, ...opening.filter((o) => o.side === 'model').map((o) => o.s)];
    // A distinct pattern per stream: every stream arrives whole and intact exactly when the received hashes are the
    // sent ones, one for one (the RTL's ephemeral ports are not known to the host API, so no pairing by ports).
    const up = rtlSide.map((_, i) => pattern(16384, 100 + i)), down = modelSide.map((_, i) => pattern(16384, 200 + i));
    rtlSide.forEach((x, i) => rtl.host.send(x, up[i]!));
    modelSide.forEach((x, i) => model.host.send(x, down[i]!));
    world.run(() => modelSide.every((x) => x.received >= 16384) && rtlSide.every((x) => x.received >= 16384), 500, '32 transfers');
    const sorted = (xs: Uint8Array[]) => xs.map(sha256).sort();
    expect(sorted(modelSide.map((x) => x.data()))).toEqual(sorted(up));
    expect(sorted(rtlSide.map((x) => x.data()))).toEqual(sorted(down));
    for (const x of rtlSide) rtl.host.close(x);
    for (const x of modelSide) model.host.close(x);
    world.run(() => [...rtlSide, ...modelSide].every((x) => x.freed), 300, 'all freed');
    world.settle(5);
    expect({ conns: csr('top_conns_in_use'), rxFree: csr('top_rx_pool_free'), txFree: csr('top_tx_pool_free') })
      .toEqual({ conns: 0, rxFree: blocks - rxSpare, txFree: blocks });
    expect(rtl.fwConns.inUse).toBe(0);
    expect(wire.bad).toEqual([]);
  });
});
