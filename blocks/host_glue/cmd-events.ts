// Command-ring descriptors to the RX core: each becomes a HOST_LISTEN / HOST_CONNECT / HOST_CLOSE / HOST_ABORT /
// HOST_UNLISTEN event with req = the descriptor's ring index (the firmware's HOST_NOTE answers it with that req).
// An unknown opcode gets a CMD completion with status BAD_OPCODE and is counted; nothing reaches the firmware.
import { defineModule, input, output, Bool, UInt, lit, mux, when, type Sig } from '../../dsl/index.ts';
import { CmdDescPort } from '../host/ring-engine.ts';
import { CplPort } from '../host/cpl-writer.ts';
import { CmdOpcode, CplKind, CplStatus, RingId } from '../host/layouts.ts';
import { EVENT_ENTRY_BITS, packEvent } from '../lib/fw-record.ts';
import { EventPort } from './ports.ts';

export const CmdEvents = defineModule('host_cmd_events', (m) => {
  const io = m.io({
    cmd_desc: input(CmdDescPort),
    rx_event: output(EventPort),
    cpl: output(CplPort),
    bad_cmd_count: output(UInt(32)),
  });
  const d = io.cmd_desc;
  const req = d.index;
  const byOpcode: [number, Sig][] = [
    [CmdOpcode.LISTEN, packEvent('HOST_LISTEN', { req, local_port: d.localPort })],
    [CmdOpcode.CONNECT, packEvent('HOST_CONNECT', { req, remote_ip: d.remoteAddr, remote_port: d.remotePort, local_port: d.localPort })],
    [CmdOpcode.CLOSE, packEvent('HOST_CLOSE', { req, conn: d.conn })],
    [CmdOpcode.ABORT, packEvent('HOST_ABORT', { req, conn: d.conn })],
    [CmdOpcode.UNLISTEN, packEvent('HOST_UNLISTEN', { req, local_port: d.localPort })],
  ];
  const known = byOpcode.map(([op]) => d.opcode.eq(op)).reduce((a, b) => a.lor(b));
  const entry = byOpcode.reduce((acc, [op, ev]) => mux(d.opcode.eq(op), ev, acc), lit(0, UInt(EVENT_ENTRY_BITS)) as Sig);

  // One output register per side, so an offered event or completion never changes under valid.
  const evValid = m.reg(Bool, { reset: false });
  const evData = m.reg(UInt(EVENT_ENTRY_BITS), { reset: 0 });
  const cplValid = m.reg(Bool, { reset: false });
  const cplIndex = m.reg(UInt(16), { reset: 0 });
  const cplConn = m.reg(UInt(16), { reset: 0 });
  const evRoom = evValid.lnot().lor(io.rx_event.ready);
  const cplRoom = cplValid.lnot().lor(io.cpl.ready);
  d.ready.set(mux(known, evRoom, cplRoom));
  const take = d.valid.land(mux(known, evRoom, cplRoom));
  when(io.rx_event.ready, () => evValid.set(false));
  when(take.land(known), () => { evValid.set(true); evData.set(entry); });
  when(io.cpl.ready, () => cplValid.set(false));
  when(take.land(known.lnot()), () => { cplValid.set(true); cplIndex.set(d.index); cplConn.set(d.conn); });

  const bad = m.reg(UInt(32), { reset: 0 });
  when(take.land(known.lnot()), () => bad.set(bad.add(1)));
  io.bad_cmd_count.set(bad);

  io.rx_event.valid.set(evValid);
  io.rx_event.data.set(evData);
  io.cpl.valid.set(cplValid);
  io.cpl.kind.set(CplKind.CMD);
  io.cpl.status.set(CplStatus.BAD_OPCODE);
  io.cpl.ring.set(RingId.CMD);
  io.cpl.flags.set(0);
  io.cpl.index.set(cplIndex);
  io.cpl.conn.set(cplConn);
  io.cpl.len.set(0);
  io.cpl.csum.set(0);
  return io;
});
