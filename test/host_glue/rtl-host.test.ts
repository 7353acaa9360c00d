// RtlHost (sim/toe_rtl/host.ts): HostStack's socket API over host_glue's real rings, against host_glue alone with a
// scripted stand-in for the cores (cores-standin.ts). Directed: listen, connect (ok, refused), accept, sends of
// several sizes copied by COPY_IN, received data with the peer's FIN (eof after the last byte, also when the host
// posts buffers late), CONN_FREED, close / abort / unlisten; random: sends and receives on two sockets at once.
import { afterAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { simulate, type Sim } from '../../sim/harness.ts';
import { simBackends } from '../backends.ts';
import { HostGlue } from '../../blocks/host_glue/host-glue.ts';
import { CplFlags, CplKind, RingId } from '../../blocks/host/layouts.ts';
import { CloseReason, HostNote, HostStatus } from '../../firmware/api.ts';
import type { Completion } from '../../sim/host/driver.ts';
import { RtlHost, type HostSocket } from '../../sim/toe_rtl/host.ts';
import { CoresStandIn } from './cores-standin.ts';

const bytesOf = (n: number, seed: number) => Uint8Array.from({ length: n }, (_, i) => (i * 97 + (i >> 8) + seed) & 255);

/** Problems with the FIN completion of `conn`: there is exactly one, and no RX data of `conn` comes after it. */
export function finOrderProblems(cpls: readonly Completion[], conn: number): string[] {
  const rx = cpls.filter((c) => c.kind === CplKind.RX && c.ring === RingId.RX && c.conn === conn);
  const fins = rx.map((c, i) => [c, i] as const).filter(([c]) => c.flags & CplFlags.FIN);
  if (fins.length !== 1) return [`conn ${conn}: ${fins.length} FIN completions`];
  const at = fins[0]![1];
  if (at !== rx.length - 1) return [`conn ${conn}: ${rx.length - 1 - at} data completions after the FIN`];
  if (fins[0]![0].len !== 0) return [`conn ${conn}: FIN completion with len ${fins[0]![0].len}`];
  return [];
}

/** Problems with a socket's received bytes and eof. */
function receiveProblems(s: HostSocket, want: Uint8Array, eof: boolean): string[] {
  const got = s.data(), p: string[] = [];
  if (got.length !== want.length || got.some((b, i) => b !== want[i])) p.push(`conn ${s.conn}: ${got.length} bytes received, ${want.length} sent, or different bytes`);
  if (s.eof !== eof) p.push(`conn ${s.conn}: eof ${s.eof}`);
  return p;
}

describe.each(simBackends())('RtlHost over host_glue (%s)', async (backend) => {
  const sim = await simulate(HostGlue, {}, { backend });
  afterAll(() => sim.close());
  const S = sim as unknown as Sim<unknown>;

  const fresh = (seed: number, autoRead = true) => {
    for (const a of [...sim.agents]) sim.removeAgent(a);
    const host = new RtlHost(S, { memory: { seed, readLatency: 20, writeLatency: 25, wStall: 0.1 } });
    host.autoRead = autoRead;
    const cores = new CoresStandIn(S, seed);
    sim.reset();
    host.init();
    const run = (done: () => boolean, what: string, timeout = 200_000) => {
      const end = sim.cycle + timeout;
      while (!done()) {
        if (sim.cycle > end) throw new Error(`timed out waiting for ${what}`);
        sim.step(8);
        cores.serveSends();
      }
    };
    return { host, cores, run };
  };

  /** A socket made by an ACCEPTED note on `port` (listened on first, unless already). */
  const accepted = (host: RtlHost, cores: CoresStandIn, run: (d: () => boolean, w: string) => void, conn: number, listen = true, port = 80): HostSocket => {
    if (listen) host.listen(port);
    cores.note({ note: HostNote.ACCEPTED, conn, local_port: port, remote_port: 40000 + conn, remote_ip: 0x0a000000 + conn });
    let s: HostSocket | undefined;
    run(() => (s = host.accept(port)) !== undefined, `ACCEPTED ${conn}`);
    return s!;
  };

  it('listen, connect (ok and refused), accept, close, abort, unlisten and CONN_FREED', () => {
    const { host, cores, run } = fresh(1);
    host.listen(80);
    run(() => cores.rx('HOST_LISTEN').length === 1, 'HOST_LISTEN');
    const listen = cores.rx('HOST_LISTEN')[0]!;
    expect(listen.local_port).toBe(80);
    cores.note({ note: HostNote.LISTEN_DONE, req: listen.req, local_port: 80 });
    run(() => host.notes.length === 1, 'LISTEN_DONE');
    expect(host.notes[0]).toMatchObject({ note: HostNote.LISTEN_DONE, req: listen.req, local_port: 80 });

    const a = host.connect('10.1.2.3', 443, 1234);
    const b = host.connect('10.1.2.4', 444, 0);
    run(() => cores.rx('HOST_CONNECT').length === 2, 'HOST_CONNECT');
    const [ca, cb] = cores.rx('HOST_CONNECT');
    expect(ca).toMatchObject({ remote_ip: 0x0a010203, remote_port: 443, local_port: 1234 });
    expect(cb).toMatchObject({ remote_ip: 0x0a010204, remote_port: 444, local_port: 0 });
    expect(a.state).toBe('connecting');
    cores.note({ note: HostNote.CONNECT_DONE, req: cb!.req, status: CloseReason.REFUSED, conn: 0 });
    cores.note({ note: HostNote.CONNECT_DONE, req: ca!.req, status: HostStatus.OK, conn: 5, local_port: 1234, remote_port: 443, remote_ip: 0x0a010203 });
    run(() => a.state !== 'connecting' && b.state !== 'connecting', 'CONNECT_DONE');
    expect([a.state, a.conn, a.freed]).toEqual(['open', 5, false]);
    expect([b.state, b.error, b.freed]).toEqual(['failed', CloseReason.REFUSED, true]);

    const c = accepted(host, cores, run, 7, false);
    expect([c.conn, c.state, c.localPort, c.remotePort, c.remoteIp]).toEqual([7, 'open', 80, 40007, 0x0a000007]);
    expect(host.accept(80)).toBeUndefined();

    host.close(a);
    host.abort(c);
    host.unlisten(80);
    run(() => cores.rxEvents.length === 6, 'HOST_CLOSE, HOST_ABORT, HOST_UNLISTEN');
    expect(cores.rx('HOST_CLOSE')[0]).toMatchObject({ conn: 5 });
    expect(cores.rx('HOST_ABORT')[0]).toMatchObject({ conn: 7 });
    expect(cores.rx('HOST_UNLISTEN')[0]).toMatchObject({ local_port: 80 });
    // Every command's req is its ring index: distinct, in posting order.
    expect(cores.rxEvents.map((e) => (e as { req: number }).req)).toEqual([0, 1, 2, 3, 4, 5]);

    cores.note({ note: HostNote.CONN_FREED, conn: 5, status: CloseReason.NORMAL });
    cores.note({ note: HostNote.CONN_ERROR, conn: 7, status: CloseReason.ABORTED });
    cores.note({ note: HostNote.CONN_FREED, conn: 7, status: CloseReason.ABORTED });
    run(() => a.freed && c.freed, 'CONN_FREED');
    expect([a.state, a.error]).toEqual(['closed', undefined]);
    expect([c.state, c.error]).toEqual(['failed', CloseReason.ABORTED]);
    expect(cores.faults).toEqual([]);
  });

  it('sends of several sizes: the bytes reach the send queue by COPY_IN, SEND_DONE counts them', () => {
    const { host, cores, run } = fresh(2);
    const s = accepted(host, cores, run, 5);
    const sizes = [1, 7, 8, 9, 600, 1500, 1501, 3000, 20_000];
    const all: number[] = [];
    sizes.forEach((n, i) => { const d = bytesOf(n, i); host.send(s, d); all.push(...d); });
    expect(s.sendsPending).toBe(sizes.length);
    run(() => s.sendsPending === 0, 'SEND_DONE of every send');
    expect(cores.tx('HOST_SEND').map((e) => [e.conn, e.len])).toEqual(sizes.map((n) => [5, n]));
    expect(cores.appended.get(5)).toEqual(all);
    expect([s.bytesSent, s.sendsFailed]).toEqual([all.length, 0]);
    expect(cores.faults).toEqual([]);
    expect(host.idle).toBe(true);
  });

  it('a send longer than the TX ring and the pending table can hold waits and still completes in order', () => {
    const { host, cores, run } = fresh(3);
    const s = accepted(host, cores, run, 9);
    cores.piece = 4000;
    const all: number[] = [];
    for (let i = 0; i < 100; i++) { const d = bytesOf(1 + ((i * 37) % 200), i); host.send(s, d); all.push(...d); }
    run(() => s.sendsPending === 0, '100 sends', 400_000);
    expect(cores.appended.get(9)).toEqual(all);
    expect(s.bytesSent).toBe(all.length);
  });

  it('received data then the FIN: the chunks hold every byte, eof comes after the last one', () => {
    const { host, cores, run } = fresh(4);
    const s = accepted(host, cores, run, 7);
    const t = accepted(host, cores, run, 8, false);
    const u = accepted(host, cores, run, 9, false);
    const d7 = bytesOf(5000, 7), d8 = bytesOf(2048, 8);
    let id = cores.deliver(7, 100, d7, 1400);
    id = cores.deliver(8, id, d8);
    // The FINs right behind the notices: the FIN must still wait for the data. Conn 9: a FIN with no data.
    cores.eof.send(7); cores.eof.send(8); cores.eof.send(9); cores.eof.send(8); // a repeated notice is merged
    cores.eof.send(64); // beyond the skb manager's connections: counted
    run(() => s.eof && t.eof && u.eof, 'eof on all three');
    sim.step(500);
    expect([...receiveProblems(s, d7, true), ...receiveProblems(t, d8, true), ...receiveProblems(u, new Uint8Array(0), true)]).toEqual([]);
    expect([7, 8, 9].flatMap((c) => finOrderProblems(host.completions, c))).toEqual([]);
    expect(Number(sim.peek('bad_notify_count' as never))).toBe(1);
    expect(cores.skb.faults).toEqual([]);
    expect(cores.skb.freed.length).toBe(id - 100);
  });

  it('with no buffers posted the FIN waits behind the data; buffers posted later deliver both in order', () => {
    const { host, cores, run } = fresh(5, false);
    const s = accepted(host, cores, run, 3);
    const d = bytesOf(9000, 3);
    cores.deliver(3, 10, d, 2000);
    cores.eof.send(3);
    sim.step(3000);
    expect([s.received, s.eof]).toEqual([0, false]);
    host.read(s, 4096); // two buffers: part of the data, no FIN yet
    run(() => s.received === 4000, 'the first two blocks');
    sim.step(2000);
    expect([s.received, s.eof]).toEqual([4000, false]);
    host.read(s);
    run(() => s.eof, 'eof');
    expect(receiveProblems(s, d, true)).toEqual([]);
    expect(finOrderProblems(host.completions, 3)).toEqual([]);
  });

  it('a FIN whose data was enqueued just after an empty dequeue of the connection still comes after that data', () => {
    const { host, cores, run } = fresh(7);
    const s = accepted(host, cores, run, 4);
    const d = bytesOf(700, 4);
    // A spurious notice makes the feeder dequeue conn 4 (empty); in the cycle that dequeue is taken, the data is
    // enqueued and its notice and the FIN follow, all before the empty answer comes back.
    const [qv, qr, qc] = ['skb_q_valid', 'skb_q_ready', 'skb_q_conn'].map((n) => sim.port(n as never));
    let fired = false;
    sim.addAgent({ sample: () => {
      if (fired || !Number(qv!.get()) || !Number(qr!.get()) || Number(qc!.get()) !== 4) return;
      fired = true;
      cores.deliver(4, 50, d);
      cores.eof.send(4);
    } });
    cores.rqNotify.send({ conn: 4 });
    run(() => s.eof, 'eof');
    expect(fired).toBe(true);
    expect([...receiveProblems(s, d, true), ...finOrderProblems(host.completions, 4)]).toEqual([]);
  });

  it('the checks fail on a FIN ahead of data and on wrong bytes (they can fail)', () => {
    const data = (conn: number, flags = 0): Completion => ({ kind: CplKind.RX, status: 0, ring: RingId.RX, flags, index: 0, conn, len: flags ? 0 : 10, csum: 0 });
    expect(finOrderProblems([data(1), data(1, CplFlags.FIN)], 1)).toEqual([]);
    expect(finOrderProblems([data(1, CplFlags.FIN), data(1)], 1).join()).toMatch(/after the FIN/);
    expect(finOrderProblems([data(1)], 1).join()).toMatch(/0 FIN/);
    const { host, cores, run } = fresh(6);
    const s = accepted(host, cores, run, 2);
    const d = bytesOf(300, 1);
    cores.deliver(2, 1, d);
    cores.eof.send(2);
    run(() => s.eof, 'eof');
    const wrong = d.slice(); wrong[299] ^= 1;
    expect(receiveProblems(s, wrong, true).join()).toMatch(/different bytes/);
    expect(receiveProblems(s, d, false).join()).toMatch(/eof/);
  });

  it('random sends and receives on two sockets at once', () => {
    const traffic = fc.record({
      sends: fc.array(fc.integer({ min: 1, max: 5000 }), { minLength: 0, maxLength: 5 }),
      recv: fc.integer({ min: 0, max: 7000 }), block: fc.integer({ min: 64, max: 2048 }), fin: fc.boolean(),
    });
    fc.assert(fc.property(fc.tuple(traffic, traffic), fc.integer({ min: 0, max: 1000 }), fc.integer({ min: 100, max: 3000 }), (conns, seed, piece) => {
      const { host, cores, run } = fresh(seed);
      cores.piece = piece;
      const socks = [accepted(host, cores, run, 11), accepted(host, cores, run, 12, false)];
      let id = 1;
      const want = conns.map((c, k) => {
        const sent: number[] = [];
        c.sends.forEach((n, i) => { const d = bytesOf(n, seed + i + k); host.send(socks[k]!, d); sent.push(...d); });
        const rx = bytesOf(c.recv, seed * 3 + k);
        if (c.recv) id = cores.deliver(11 + k, id, rx, c.block);
        if (c.fin) cores.eof.send(11 + k);
        return { sent, rx };
      });
      run(() => socks.every((s, k) => s.sendsPending === 0 && s.received === want[k]!.rx.length && s.eof === conns[k]!.fin), 'traffic');
      sim.step(300);
      const problems = socks.flatMap((s, k) => [
        ...receiveProblems(s, want[k]!.rx, conns[k]!.fin),
        ...(conns[k]!.fin ? finOrderProblems(host.completions, s.conn) : []),
        ...((cores.appended.get(s.conn) ?? []).join() === want[k]!.sent.join() ? [] : [`conn ${s.conn}: appended bytes differ`]),
        ...(s.bytesSent === want[k]!.sent.length ? [] : [`conn ${s.conn}: bytesSent ${s.bytesSent}`]),
      ]);
      expect([...problems, ...cores.faults, ...cores.skb.faults]).toEqual([]);
    }), { numRuns: 5, seed: 11 });
  });
});
