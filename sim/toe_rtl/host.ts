// The host's view of the RTL TOE: HostStack's socket API (sim/toe_model/host.ts) over the real descriptor rings
// of a simulated host_glue / toe_top. A harness agent: calls return at once (descriptors wait in a local queue
// while their ring is full), and results appear in the sockets as the simulation runs.
//
//   listen / connect / close / abort / unlisten -> command-ring descriptors (req = the descriptor's ring index)
//   send -> the bytes in a user buffer in host memory + a TX descriptor (req = its ring index, as host_glue does)
//   receive -> RX buffers kept posted (a shared pool in ring order); RX completions -> the socket's chunks,
//              a FIN completion -> eof; NOTE completions -> the same socket changes as HostStack.note
import type { Agent, Sim } from '../harness.ts';
import { SparseMemory } from '../host/sparse-memory.ts';
import { AxiMemory, type AxiMemoryOptions } from '../host/axi-memory.ts';
import { AxiLiteMaster, type MmioOp } from '../host/axil-master.ts';
import { HostDriver, type Completion, type DriverOptions, type HostRing } from '../host/driver.ts';
import { decode, encode } from '../../blocks/host/layout-codec.ts';
import { CmdOpcode, Cpl, CplFlags, CplKind, CplStatus, NoteCpl, RingId, regAddr } from '../../blocks/host/layouts.ts';
import { HostNote, type CommandOf } from '../../firmware/api.ts';
import { toIpv4, type Ipv4Input } from '../packet/index.ts';
import { HostSocket } from '../toe_model/host.ts';
import { applyHostNote, type SocketBook } from '../toe_model/host-notes.ts';

export { HostSocket };

export interface RtlHostOptions {
  /** Byte address of host_if's registers on the AXI4-Lite port (0 for host_glue; 0x0000 in toe_top too). */
  regBase?: number;
  /** Port prefixes of the AXI4-Lite slave and the AXI4 master (default 's_axil', 'm_axi'). */
  axilPrefix?: string;
  axiPrefix?: string;
  /** Ring placement and sizes in host memory. */
  rings?: DriverOptions['rings'];
  /** Host memory's AXI4 behaviour (latency, stalls, seed). */
  memory?: Omit<AxiMemoryOptions, 'prefix'>;
  /** The region send buffers are taken from, and the posted RX buffers' size and base. */
  sendRegion?: { base: number; bytes: number };
  rxBuffer?: { base: number; bytes: number };
  /** Largest send in one TX descriptor: longer sends become several requests (below 2^lenBits). */
  maxSend?: number;
  /** Completions are reaped every this many cycles. */
  pollEvery?: number;
}

const DEFAULT_RINGS: DriverOptions['rings'] = {
  tx: { base: 0x10_0000, logSize: 6 }, rx: { base: 0x11_0000, logSize: 5 }, cmd: { base: 0x12_0000, logSize: 4 }, cpl: { base: 0x13_0000, logSize: 8 },
};

/** AXI4-Lite accesses moved to the host registers' base (HostDriver uses host_if's own offsets). */
class OffsetAxiLite extends AxiLiteMaster {
  constructor(sim: Sim<unknown>, prefix: string, private readonly base: number) { super(sim, prefix); }
  override write(addr: number, data: number): MmioOp { return super.write(addr + this.base, data); }
  override read(addr: number): MmioOp { return super.read(addr + this.base); }
}

interface Buffer { addr: number; len: number }
interface SendReq { s: HostSocket; buf: Buffer }
type CmdFields = Parameters<HostDriver['postCmd']>[0];

export class RtlHost implements Agent {
  /** Keep RX buffers posted, so received data is read as soon as it arrives. */
  autoRead = true;
  readonly mem = new SparseMemory();
  readonly axi: AxiMemory;
  readonly mmio: AxiLiteMaster;
  readonly drv: HostDriver;
  /** Every completion reaped, in ring order, and every note as the firmware's HOST_NOTE. */
  readonly completions: Completion[] = [];
  readonly notes: CommandOf<'HOST_NOTE'>[] = [];
  /** RX completions for no known socket, and RX buffers whose write failed (their bytes are lost). */
  orphanBytes = 0;
  rxErrors = 0;

  private readonly byConn = new Map<number, HostSocket>();
  private readonly connecting = new Map<number, HostSocket>();
  private readonly acceptQueues = new Map<number, HostSocket[]>();
  private readonly sendReqs = new Map<number, SendReq>();
  /** Send buffers in use (posted or waiting to be), until their SEND_DONE or rejection. */
  private readonly held = new Set<Buffer>();
  private readonly waiting: Record<'tx' | 'cmd', (() => void)[]> = { tx: [], cmd: [] };
  private readonly cons: Record<HostRing, number> = { tx: 0, rx: 0, cmd: 0 };
  private consRead: Partial<Record<HostRing, MmioOp>> = {};
  private rxPosted = 0;
  private rxConsumed = 0;
  /** Bytes of buffers `read` asked for while autoRead is off. */
  private rxCredit = 0;
  private sendAt: number;
  private cycle = 0;
  private started = false;
  private readonly o: Required<Omit<RtlHostOptions, 'memory'>>;

  constructor(readonly sim: Sim<unknown>, opts: RtlHostOptions = {}) {
    this.o = {
      regBase: opts.regBase ?? 0, axilPrefix: opts.axilPrefix ?? 's_axil', axiPrefix: opts.axiPrefix ?? 'm_axi', rings: opts.rings ?? DEFAULT_RINGS,
      sendRegion: opts.sendRegion ?? { base: 0x1000_0000, bytes: 16 << 20 }, rxBuffer: opts.rxBuffer ?? { base: 0x2000_0000, bytes: 2048 },
      maxSend: opts.maxSend ?? 1 << 16, pollEvery: opts.pollEvery ?? 8,
    };
    this.sendAt = this.o.sendRegion.base;
    this.axi = new AxiMemory(sim, this.mem, { readLatency: 30, ...opts.memory, prefix: this.o.axiPrefix });
    this.mmio = new OffsetAxiLite(sim, this.o.axilPrefix, this.o.regBase);
    this.drv = new HostDriver(sim, this.mem, this.mmio, { rings: this.o.rings, irqPort: null });
    sim.addAgent(this);
  }

  /** Programs the rings and posts the RX buffers: call after reset, outside agent callbacks (it steps). */
  init(): void {
    this.started = false;
    this.drv.init();
    this.started = true;
    this.cons.tx = this.cons.rx = this.cons.cmd = 0;
    this.rxPosted = this.rxConsumed = 0;
    this.postRxBuffers();
  }

  // ---- The socket API (HostStack's).

  listen(port: number): void {
    if (!this.acceptQueues.has(port)) this.acceptQueues.set(port, []);
    this.command({ opcode: CmdOpcode.LISTEN, localPort: port });
  }

  unlisten(port: number): void {
    this.acceptQueues.delete(port);
    this.command({ opcode: CmdOpcode.UNLISTEN, localPort: port });
  }

  /** The next connection accepted on `port`, if one is waiting. */
  accept(port: number): HostSocket | undefined { return this.acceptQueues.get(port)?.shift(); }

  connect(ip: Ipv4Input, port: number, localPort = 0): HostSocket {
    const s = new HostSocket();
    s.remoteIp = toIpv4(ip); s.remotePort = port; s.localPort = localPort;
    this.command({ opcode: CmdOpcode.CONNECT, remoteAddr: s.remoteIp, remotePort: port, localPort }, (req) => this.connecting.set(req, s));
    return s;
  }

  close(s: HostSocket): void { this.command({ opcode: CmdOpcode.CLOSE, conn: s.conn }); }
  abort(s: HostSocket): void { this.command({ opcode: CmdOpcode.ABORT, conn: s.conn }); }

  /** Sends `data` (copied into a user buffer now); longer than maxSend, it becomes several requests. */
  send(s: HostSocket, data: Uint8Array): void {
    if (s.conn < 0) throw new Error('host: send on a socket that is not connected');
    for (let o = 0; o < data.length; o += this.o.maxSend) {
      const part = data.subarray(o, Math.min(data.length, o + this.o.maxSend));
      const buf = this.alloc(part.length);
      this.mem.write(buf.addr, part);
      s.sendsPending++;
      const conn = s.conn;
      this.enqueue('tx', () => this.sendReqs.set(this.drv.postTx({ addr: buf.addr, len: buf.len, conn }), { s, buf }));
    }
  }

  /**
   * With autoRead off, posts up to `max` bytes more of RX buffers (the pool is shared: whichever connection has
   * data fills them). Returns 0: the bytes arrive in the sockets as the simulation runs.
   */
  read(_s: HostSocket, max = Infinity): number {
    this.rxCredit = Math.min(this.rxCredit + max, Number.MAX_SAFE_INTEGER);
    return 0;
  }

  /** RX buffers posted to the TOE and not yet filled: while there are some, a quiet TOE holds no deliverable data. */
  get rxBuffersWaiting(): number { return this.rxPosted - this.rxConsumed; }

  /** Nothing waiting to be posted and no request outstanding (sends, connects). */
  get idle(): boolean { return !this.waiting.tx.length && !this.waiting.cmd.length && !this.sendReqs.size && !this.connecting.size; }

  // ---- Rings.

  private command(d: CmdFields, onPost?: (req: number) => void): void {
    this.enqueue('cmd', () => { const req = this.drv.postCmd(d); onPost?.(req); });
  }

  private enqueue(r: 'tx' | 'cmd', post: () => void): void { this.waiting[r].push(post); }

  /** Free entries of a ring by the last fetch pointer read; a CONS read is started when that says full. */
  private room(r: HostRing): number {
    const room = this.drv.size(r) - this.drv.outstanding(r, this.cons[r]);
    const op = this.consRead[r];
    if (op?.done) { this.cons[r] = op.value! & 0xffff; this.consRead[r] = undefined; }
    else if (!op && room === 0) this.consRead[r] = this.mmio.read(regAddr('CONS', RingId[r.toUpperCase() as 'TX' | 'RX' | 'CMD']));
    return room;
  }

  private postWaiting(r: 'tx' | 'cmd'): void {
    let n = 0;
    for (let room = this.room(r); room > 0 && this.waiting[r].length; room--, n++) this.waiting[r].shift()!();
    if (n) this.drv.doorbell(r);
  }

  /** RX buffers: one per slot of the ring, at a fixed address; reposted as their completions are reaped. */
  private rxAddr(index: number): number { return this.o.rxBuffer.base + (index & (this.drv.size('rx') - 1)) * this.o.rxBuffer.bytes; }

  private postRxBuffers(): void {
    let n = 0;
    while (this.rxPosted - this.rxConsumed < this.drv.size('rx') && (this.autoRead || this.rxCredit > 0)) {
      this.drv.postRx({ addr: this.rxAddr(this.drv.prod.rx), len: this.o.rxBuffer.bytes });
      this.rxCredit = Math.max(0, this.rxCredit - this.o.rxBuffer.bytes);
      this.rxPosted++; n++;
    }
    if (n) this.drv.doorbell('rx');
  }

  /** A ring-buffer allocator over the send region: a send's buffer is held until its SEND_DONE. */
  private alloc(len: number): Buffer {
    const { base, bytes } = this.o.sendRegion;
    if (len > bytes) throw new Error(`host: a send of ${len} bytes is larger than the send region`);
    const addr = this.sendAt + len > base + bytes ? base : this.sendAt; // no alignment needed: the DMA realigns
    if ([...this.held].some((b) => addr < b.addr + b.len && b.addr < addr + len)) throw new Error('host: the send region is full (too many sends outstanding)');
    this.sendAt = addr + len;
    const buf = { addr, len };
    this.held.add(buf);
    return buf;
  }

  private sendFinished(req: number): SendReq | undefined {
    const r = this.sendReqs.get(req);
    if (!r) return undefined;
    this.sendReqs.delete(req);
    this.held.delete(r.buf);
    r.s.sendsPending--;
    return r;
  }

  // ---- Completions.

  sample(): void {
    if (!this.started || ++this.cycle % this.o.pollEvery) return;
    const got = this.drv.reap();
    if (got.length) { this.drv.ackCompletions(); for (const c of got) this.completion(c); }
    this.postWaiting('cmd');
    this.postWaiting('tx');
    this.postRxBuffers();
  }

  private completion(c: Completion): void {
    this.completions.push(c);
    if (c.kind === CplKind.NOTE) return this.note(this.noteOf(c));
    if (c.kind === CplKind.RX && c.ring === RingId.RX) return this.received(c);
    if (c.kind === CplKind.TX && c.status !== CplStatus.OK) {
      // The ring engine rejected a send's descriptor: no HOST_SEND, so no SEND_DONE will come.
      const r = this.sendFinished(c.index);
      if (r) r.s.sendsFailed++;
    }
  }

  private received(c: Completion): void {
    const s = this.byConn.get(c.conn);
    if (c.flags & CplFlags.FIN) { if (s) s.eof = true; return; } // no buffer was used
    this.rxConsumed++;
    if (c.status !== CplStatus.OK) { this.rxErrors++; return; }
    if (!s) { this.orphanBytes += c.len; return; }
    if (c.len > 0) { s.chunks.push(this.mem.read(this.rxAddr(c.index), c.len)); s.received += c.len; }
  }

  private noteOf(c: Completion): CommandOf<'HOST_NOTE'> {
    const n = decode(NoteCpl, encode(Cpl, { ...c, phase: 0 }));
    const note = Number(n.note), arg = Number(n.arg);
    return {
      kind: 'HOST_NOTE', note, status: Number(n.status), req: Number(n.req), conn: Number(n.conn), local_port: Number(n.localPort),
      remote_port: Number(n.remotePort), remote_ip: note === HostNote.SEND_DONE ? 0 : arg, value: note === HostNote.SEND_DONE ? arg : 0,
    };
  }

  /** A HOST_NOTE, applied as the model's host applies it (sim/toe_model/host-notes.ts). */
  private note(n: CommandOf<'HOST_NOTE'>): void {
    this.notes.push(n);
    applyHostNote(this.book, n);
  }

  private readonly book: SocketBook = {
    byConn: this.byConn, connecting: this.connecting, acceptQueues: this.acceptQueues,
    sendFinished: (req) => this.sendFinished(req)?.s,
  };
}
