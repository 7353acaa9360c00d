// toe_top end to end at the register level: the host sets the TOE's addresses over AXI4-Lite; a SYN from the MAC
// reaches the RX core as SEG_NOCONN over its firmware bus; commands the core pushes insert the connection and send
// a SYN-ACK that leaves the MAC with the options asked for; in-order data then takes the fast path (no event)
// and is acknowledged by the hardware; a TIMER_SET fires as a TIMER event on the TX core's bus; an ARP request for
// the TOE is answered, and its sender becomes a neighbour an active open can use.
import { afterAll, describe, expect, it } from 'vitest';
import { simulate } from '../../sim/harness.ts';
import { AxiLiteMaster } from '../../sim/host/axil-master.ts';
import { AxiMemory } from '../../sim/host/axi-memory.ts';
import { SparseMemory } from '../../sim/host/sparse-memory.ts';
import { AxisSink, AxisSource } from '../../sim/stream-models.ts';
import { FwBusDriver } from '../../sim/fw_bus/driver.ts';
import { buildArpReply, buildArpRequest, buildTcpFrame, parseFrame, seqAdd, type TcpFrame } from '../../sim/packet/index.ts';
import { command, Flag, RxMode, TcbField, TimerId, type FwCommand, type FwEvent } from '../../firmware/api.ts';
import { counterName, ToeTop, TOE_CSR_BASE, TOP_COUNTERS } from '../../blocks/toe_top/toe-top.ts';
import { counterAddr, csrAddr } from '../../blocks/toe_top/csr-map.ts';
import { entryOfCommand, eventOfEntry } from '../../sim/toe_rtl/records.ts';

const TOE_MAC = 0x02_00_00_00_00_01n, TOE_IP = 0xc6120001; // 198.18.0.1
const PEER_MAC = [0x02, 0, 0, 0, 0, 2], PEER_IP = 0xc6120002;
const macBytes = (v: bigint) => Array.from({ length: 6 }, (_, i) => Number((v >> BigInt(8 * (5 - i))) & 0xffn));

describe('toe_top smoke (verilator)', async () => {
  const sim = await simulate(ToeTop, {}, { backend: 'verilator' });
  afterAll(() => sim.close());
  sim.reset();
  const host = new AxiLiteMaster(sim, 's_axil');
  const rxCore = new FwBusDriver(new AxiLiteMaster(sim, 'rx_core'));
  const txCore = new FwBusDriver(new AxiLiteMaster(sim, 'tx_core'));
  new AxiMemory(sim, new SparseMemory());
  const macRx = new AxisSource(sim, 'mac_rx');
  const macTx = new AxisSink(sim, 'mac_tx');
  sim.poke('mac_rx_tuser', 0);

  const frameOut = (): TcpFrame => {
    sim.until(() => macTx.frames.length > 0, { timeout: 2000, what: 'a frame on mac_tx' });
    const p = parseFrame(macTx.frames.shift()!.data);
    if (!p.ok || p.value.kind !== 'tcp') throw new Error('mac_tx: not a TCP frame');
    return p.value;
  };
  const eventOn = (core: FwBusDriver): FwEvent => {
    // The core polls EVENT_COUNT (each poll is itself a few bus cycles).
    for (let polls = 0; polls < 20_000; polls++) {
      const e = core.popEvent();
      if (e !== undefined) return eventOfEntry(e);
    }
    throw new Error('no event');
  };
  const push = (core: FwBusDriver, cmd: FwCommand) => expect(core.pushCommand(entryOfCommand(cmd)), cmd.kind).toBe(true);
  const peerFrame = (seq: number, ack: number, flags: number, payload?: Uint8Array, options: TcpFrame['tcp']['options'] = []) =>
    buildTcpFrame({ srcMac: Uint8Array.from(PEER_MAC), dstMac: Uint8Array.from(macBytes(TOE_MAC)), srcIp: PEER_IP, dstIp: TOE_IP, srcPort: 40000, dstPort: 80, seq, ack, flags, window: 65535, options, payload });

  it('the host configures the TOE CSRs', () => {
    host.writeNow(TOE_CSR_BASE + csrAddr('MAC_LO'), Number(TOE_MAC & 0xffffffffn));
    host.writeNow(TOE_CSR_BASE + csrAddr('MAC_HI'), Number(TOE_MAC >> 32n));
    host.writeNow(TOE_CSR_BASE + csrAddr('IP'), TOE_IP);
    expect(host.readNow(TOE_CSR_BASE + csrAddr('ID'))).toBe(0x544f4531);
    expect(host.readNow(TOE_CSR_BASE + csrAddr('IP'))).toBe(TOE_IP);
    expect(host.readNow(0x0000)).toBe(0x544f4548); // host_if's ID through the split
    sim.step(100); // tcp_timers clears its table after reset
  });

  const ISN = 1000, OUR_ISS = 5000, CONN = 3;
  it('a SYN reaches the RX core as SEG_NOCONN; the core\'s commands send a SYN-ACK', () => {
    macRx.send(peerFrame(ISN, 0, Flag.SYN, undefined, [{ type: 'mss', mss: 1460 }, { type: 'sack-permitted' }, { type: 'nop' }, { type: 'wscale', shift: 7 }]));
    const ev = eventOn(rxCore);
    expect(ev).toMatchObject({ kind: 'SEG_NOCONN', remote_ip: PEER_IP, remote_port: 40000, local_port: 80, seq: ISN, flags: Flag.SYN, opt_mss_ok: 1, opt_mss: 1460, opt_ws_ok: 1, opt_ws: 7, opt_sack_ok: 1 });
    push(rxCore, command('CONN_INSERT', { conn: CONN, remote_ip: PEER_IP, remote_port: 40000, local_port: 80 }));
    for (const [field, value] of [[TcbField.RCVBUF, 65535], [TcbField.RCV_MSS, 1460], [TcbField.SND_MSS, 1460], [TcbField.RX_MODE, RxMode.RAW],
      [TcbField.SND_UNA, OUR_ISS], [TcbField.SND_NXT, OUR_ISS], [TcbField.RCV_NXT, ISN + 1], [TcbField.SND_WSCALE, 7], [TcbField.SQ_BASE, OUR_ISS + 1]] as const) {
      push(rxCore, command('TCB_WRITE', { conn: CONN, field, value }));
    }
    push(rxCore, command('TX_SYN', { conn: CONN, seq: OUR_ISS, ack: ISN + 1, flags: Flag.SYN | Flag.ACK, mss: 1460, sack_ok: 1 }));
    const f = frameOut();
    expect({ src: f.ip.src, dst: f.ip.dst, sport: f.tcp.srcPort, dport: f.tcp.dstPort, seq: f.tcp.seq, ack: f.tcp.ack, flags: f.tcp.flags })
      .toEqual({ src: TOE_IP, dst: PEER_IP, sport: 80, dport: 40000, seq: OUR_ISS, ack: ISN + 1, flags: Flag.SYN | Flag.ACK });
    expect(f.tcp.options.some((o) => o.type === 'mss' && o.mss === 1460)).toBe(true);
    expect(f.tcp.options.some((o) => o.type === 'sack-permitted')).toBe(true);
    expect([...f.eth.dst]).toEqual(PEER_MAC); // learned from the SYN
  });

  it('the handshake\'s ACK goes to the core; then in-order data takes the fast path and the hardware ACKs it', () => {
    macRx.send(peerFrame(ISN + 1, OUR_ISS + 1, Flag.ACK));
    const ev = eventOn(rxCore);
    expect(ev).toMatchObject({ kind: 'SEG', conn: CONN, seq: ISN + 1, ack: OUR_ISS + 1 });
    push(rxCore, command('TCB_WRITE', { conn: CONN, field: TcbField.SND_UNA, value: OUR_ISS + 1 }));
    push(rxCore, command('TCB_WRITE', { conn: CONN, field: TcbField.SND_NXT, value: OUR_ISS + 1 }));
    push(rxCore, command('TCB_WRITE', { conn: CONN, field: TcbField.RX_MODE, value: RxMode.FAST }));
    sim.step(50);
    // Two full segments: the second crosses 2 * MSS unacknowledged, so the ACK goes at once.
    const data = Uint8Array.from({ length: 2920 }, (_, i) => (i * 7) & 0xff);
    macRx.send(peerFrame(ISN + 1, OUR_ISS + 1, Flag.ACK, data.subarray(0, 1460)));
    macRx.send(peerFrame(ISN + 1 + 1460, OUR_ISS + 1, Flag.ACK | Flag.PSH, data.subarray(1460)));
    const a = frameOut();
    expect({ seq: a.tcp.seq, ack: a.tcp.ack, flags: a.tcp.flags, len: a.payload.length }).toEqual({ seq: OUR_ISS + 1, ack: seqAdd(ISN + 1, 2920), flags: Flag.ACK, len: 0 });
    expect(rxCore.read('EVENT_COUNT')).toBe(0);
  });

  it('a TIMER_SET from the TX core fires as a TIMER event on its bus', () => {
    // The first data segment opened the send window (65535 << 7): the TX core has that ACK event first.
    expect(eventOn(txCore)).toMatchObject({ kind: 'ACK', conn: CONN, snd_una: OUR_ISS + 1, snd_wnd: 65535 * 128, wnd_changed: 1 });
    expect(txCore.read('EVENT_COUNT')).toBe(0);
    push(txCore, command('TIMER_SET', { conn: CONN, timer: TimerId.RTO, delay_us: 5 }));
    const start = sim.cycle;
    const ev = eventOn(txCore);
    expect(sim.cycle - start).toBeGreaterThanOrEqual(5 * 156);
    expect(ev).toMatchObject({ kind: 'TIMER', conn: CONN, timer: TimerId.RTO });
  });

  it('an ARP request for the TOE is answered from its MAC; the requester is learned and an active open reaches it', () => {
    const counter = (name: string) => host.readNow(TOE_CSR_BASE + counterAddr(TOP_COUNTERS.findIndex((c) => counterName(c) === name)));
    const other = { mac: Uint8Array.from([0x02, 0, 0, 0, 0, 9]), ip: 0xc6120009 };
    macRx.send(buildArpRequest({ srcMac: other.mac, srcIp: other.ip, targetIp: TOE_IP }));
    macRx.send(buildArpRequest({ srcMac: other.mac, srcIp: other.ip, targetIp: TOE_IP + 7 })); // not for us
    sim.until(() => macTx.frames.length > 0, { timeout: 2000, what: 'the ARP reply' });
    expect([...macTx.frames.shift()!.data]).toEqual([...buildArpReply({ srcMac: Uint8Array.from(macBytes(TOE_MAC)), srcIp: TOE_IP, dstMac: other.mac, dstIp: other.ip })]);
    sim.step(100);
    expect({ replies: counter('arp_replies'), notForUs: counter('arp_not_for_us'), malformed: counter('arp_malformed') }).toEqual({ replies: 1, notForUs: 1, malformed: 0 });
    // No NEIGH_* entry for `other`: the connection's MAC comes from the ARP request.
    const conn = 5;
    push(txCore, command('CONN_INSERT', { conn, remote_ip: other.ip, remote_port: 9000, local_port: 41000 }));
    push(txCore, command('TX_SYN', { conn, seq: 7000, ack: 0, flags: Flag.SYN, mss: 1460 }));
    const f = frameOut();
    expect({ dst: [...f.eth.dst], ip: f.ip.dst, flags: f.tcp.flags }).toEqual({ dst: [...other.mac], ip: other.ip, flags: Flag.SYN });
  });
});
