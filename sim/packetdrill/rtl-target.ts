/**
 * The RTL TOE (sim/toe_rtl/toe.ts: toe_top in Verilator + both firmware cores on its firmware buses + a host on
 * its real descriptor rings) as a packetdrill target: the socket layer of ./toe-target.ts over RtlHost.
 *
 *   const r = await runScriptOnRtl(text, 'x.pkt', { fw: { timeWaitUs: 1_000_000 } });
 *   npx toe conformance DIR --rtl
 *
 * Building the RTL is asynchronous (Verilator; its build is cached), the runner's TargetFactory is not: one
 * fresh RtlToe per script is created first and handed to runScriptText, and closed after the run.
 *
 * Time. The RTL is clocked at 156.25 MHz (6.4 ns a cycle) and simulates about 1/1700 of real time (~95k
 * cycles/s), so a script's idle stretches (100 ms before the first SYN, RTOs of seconds) would take minutes.
 * The target therefore fast-forwards ("warps") stretches in which the TOE is quiet: after WARP_QUIET_CYCLES with
 * no frame, DMA, core event or host completion (host requests waiting on the network do not count), it reprograms the time CSRs so that one
 * cycle is one microsecond (TICK_CYCLES = 1, DELACK_CYCLES and CHAL_INTERVAL in µs) and counts each cycle as
 * 1 µs of script time; the first sign of activity (a timer's event raising a core's irq, a delayed ACK on the
 * MAC, a DMA) or any socket call or injected frame restores the real clock. Within a warp:
 *  - timers fire up to one sweep (64 cycles = 64 µs) late instead of 410 ns;
 *  - the firmware's own clock (ctx.now = cycles / clock) advances 1000/6.4 times slower than script time: it is
 *    used for RTT samples (which come out short: the RTO stays at its minimum for RTTs under ~50 ms) and the ISN;
 *  - a warp ends 20 µs before a delayed ACK is due (the delay runs from the first data segment injected since
 *    the last frame sent), so the ACK leaves at the real clock; the ACK policy counts cycles since the segment,
 *    so at each change of clock DELACK_CYCLES becomes the cycles already counted plus what is left of the delay
 *    at the new clock (the plain value again once the ACK is sent);
 *  - the challenge-ACK windows (CHAL_INTERVAL cycles, rolling from reset at a fixed phase) are kept on script
 *    time the same way: at a change of clock the CSR gets the current window's cycles so far plus its remainder
 *    at the new clock, and the plain interval once it rolls. (Without this the windows' phase drifts and a rate
 *    limit a script sees at the real clock is missed: rst-in-window-inexact.pkt.)
 *  - hardware paths are stretched too (a timer's event, the ACK generator to the MAC: tens of cycles, so tens
 *    of µs) until the first sign of activity ends the warp.
 * `warp: false` runs every cycle at the real clock (exact, and ~1700x slower than real time).
 *
 * Sockets: ./toe-socket-target.ts, shared with ./toe-target.ts (fd mapping, errno rules, listen waits for LISTEN_DONE, close() of a
 * listener aborts connections never accepted, close() with unread data aborts, connect() errno sequence,
 * SO_ERROR, TCP_MAXSEG, SO_RCVBUF/SO_SNDBUF, setsockopt refusals with notes). What differs, because RtlHost
 * is a real driver over the rings and cannot look into the TOE's memory:
 *  - Receive: data is in the TOE until the host posts RX buffers; recv() posts buffers for what it asks (whole
 *    2 KiB buffers, shared by all connections) and lets the TOE DMA into them, then reads from the socket's
 *    chunks. RtlToe posts one ring of buffers (32 x 2 KiB) at init before the target can turn autoRead off,
 *    so the first 64 KiB received leave the TOE at once (its window does not shrink for them); after that
 *    data stays in the TOE until read, as on the model. MSG_PEEK reads the chunks already in host memory
 *    (after posting buffers the same way), not the TOE's skbs.
 *  - End of stream is the FIN completion on the RX ring (HostSocket.eof): the model also looks at the
 *    TOE's connection state. close() decides between FIN and RST (unread data) after posting buffers for
 *    whatever the TOE still holds (so the data it held is in host memory when the RST goes).
 *  - SO_SNDBUF accounting: the firmware's send queue (queuedEnd - sndUna of its connection record) plus
 *    bytes handed to the TOE whose SEND_DONE has not come, as the model's (which reads the hardware's queue).
 *  - Only the hardware options the RTL has as CSRs are taken from `toe`: delackUs (DELACK_CYCLES) and
 *    challengeIntervalUs (CHAL_INTERVAL); the model's latencies, pool sizes and faults are not RTL options
 *    (noted when given).
 */
import { RtlToe, type RtlToeConfig } from '../toe_rtl/toe.ts';
import type { HostSocket } from '../toe_rtl/host.ts';
import { TOE_CSR_BASE } from '../../blocks/toe_top/toe-top.ts';
import { csrAddr } from '../../blocks/toe_top/csr-map.ts';
import {
  DEFAULT_NETWORK, runScriptText, type EmittedFrame, type PacketdrillNetwork, type PacketdrillTarget, type RunOptions,
  type RunResult,
} from './runner/index.ts';
import {
  conformanceRun, conformanceRunOptions, conformanceScripts, scriptDone, type ToeConformanceOptions, type ToeConformanceRun,
} from './toe-conformance.ts';
import { failureErrno, type ToeFd } from './toe-sockets.ts';
import { ToeSocketTarget } from './toe-socket-target.ts';
import type { ToeTargetOptions } from './toe-target.ts';

export interface RtlTargetOptions extends ToeTargetOptions {
  /** RtlToe settings (clock, backend, waves, costs); `toe.delackUs` wins over rtl.delackUs. */
  rtl?: Partial<Omit<RtlToeConfig, 'name' | 'mac' | 'ip' | 'fw' | 'neighbours'>>;
  /** Fast-forward quiet stretches (header comment). Default true. */
  warp?: boolean;
}

/** settle(): the TOE is quiet when nothing happened for SETTLE_GAP_NS; never longer than the limit. */
const SETTLE_GAP_NS = 2_000;
const SETTLE_LIMIT_NS = 50_000;
/** Cycles stepped between activity checks at the real clock (1.6 µs). */
const CHUNK_CYCLES = 256;
/** Quiet cycles before a warp (12.8 µs: longer than a frame's way through the pipeline to a core's event). */
const WARP_QUIET_CYCLES = 2_000;
/** In a warp, one cycle is this much script time. */
const WARP_NS_PER_CYCLE = 1_000;
/** A warp ends this long before a delayed ACK is due (the ACK's way to the MAC is tens of cycles). */
const DELACK_GUARD_NS = 20_000;
/** A delayed-ACK reference this long past its deadline with no frame sent armed nothing (drop it). */
const DELACK_STALE_NS = 100_000;
/** Receive buffers are posted for at most this much per recv(). */
const MAX_READ_CREDIT = 64 << 10;


/** The model's toe options the RTL has no equivalent for. */
const RTL_TOE_OPTIONS = new Set(['delackUs', 'challengeIntervalUs']);

export class RtlTarget extends ToeSocketTarget implements PacketdrillTarget {
  declare protected readonly toe: RtlToe;
  private readonly out: EmittedFrame[] = [];
  private t = 0;
  // Script time is baseNs + (cycle - baseCycle) * nsPerCycle: the real clock, or 1 µs a cycle in a warp.
  private baseNs = 0;
  private baseCycle: number;
  private readonly realNsPerCycle: number;
  private warping = false;
  private readonly warpEnabled: boolean;
  /** Last cycle at which the TOE was seen doing something, and the activity counters then. */
  private lastActive: number;
  private lastSignature = -1;
  /** First frame injected since the last frame sent: a delayed ACK may be running since then. */
  private ackRef: { cycle: number; ns: number } | null = null;
  /**
   * The ACK policy's challenge-ACK windows roll every CHAL_INTERVAL cycles from reset (a fixed phase). They are
   * kept on script time: windows start at multiples of the interval (virtual ns from reset), and at a change of
   * clock the CSR gets the cycles of the current window so far plus what is left of it at the new clock.
   */
  private chal = { startCycle: 0, startNs: 0, csr: 0, plain: true };
  /** DELACK_CYCLES holds a value made for an ackRef that is gone: rewrite it. */
  private delackDirty = false;
  private readonly delackUs: number;
  /** Ports that are high while the TOE works: the cores' irqs, the MAC sending, DMA requests. */
  private readonly activePorts: { get(): number | bigint }[];
  private readonly chalUs: number;
  /** Statistics: cycles run, and how many of them in warps. */
  readonly cycles = { real: 0, warped: 0, warps: 0 };

  private constructor(net: PacketdrillNetwork, toe: RtlToe, opts: RtlTargetOptions) {
    super(net, toe);
    this.realNsPerCycle = 1e9 / toe.cfg.clockHz;
    this.baseCycle = this.lastActive = toe.sim.cycle;
    this.warpEnabled = opts.warp ?? true;
    this.delackUs = toe.cfg.delackUs;
    this.chalUs = opts.toe?.challengeIntervalUs ?? 10_000;
    for (const k of Object.keys(opts.toe ?? {})) {
      if (!RTL_TOE_OPTIONS.has(k)) this.noteLines.push(`rtl target: toe option ${k} has no RTL equivalent (ignored)`);
    }
    const port = (toe.sim as unknown as { port(n: string): { get(): number | bigint } }).port.bind(toe.sim);
    this.activePorts = ['rx_core_irq', 'tx_core_irq', 'mac_tx_tvalid', 'm_axi_arvalid', 'm_axi_awvalid'].map((n) => port(n));
    toe.host.autoRead = false; // data stays in the TOE until the script reads it (after the buffers init posted)
    // The ACK policy's cycle counter starts at reset (about 2 cycles into the run): its windows start there.
    this.chal = { startCycle: 2, startNs: 2 * this.realNsPerCycle, csr: Math.round(this.chalUs * toe.cfg.clockHz / 1e6), plain: true };
    this.writeCsr('CHAL_INTERVAL', this.chal.csr);
    toe.attach((frame) => {
      this.out.push({ timeUs: Math.floor(this.nowNs() / 1000), frame });
      if (this.ackRef) { this.ackRef = null; this.delackDirty = true; }
    });
  }

  static async create(net: PacketdrillNetwork, opts: RtlTargetOptions = {}): Promise<RtlTarget> {
    const toe = await RtlToe.create({
      ...opts.rtl, name: 'rtl', mac: net.localMac, ip: net.localIp, fw: { ...opts.fw }, neighbours: [[net.remoteIp, net.remoteMac]],
      ...(opts.toe?.delackUs !== undefined ? { delackUs: opts.toe.delackUs } : {}),
    });
    return new RtlTarget(net, toe, opts);
  }

  /** Frees the RTL simulation (PacketdrillTarget.close is the socket call). */
  dispose(): void { this.toe.close(); }

  // --- time -----------------------------------------------------------------------------------

  private get nsPerCycle(): number { return this.warping ? WARP_NS_PER_CYCLE : this.realNsPerCycle; }
  private nowNs(): number { return this.baseNs + (this.toe.sim.cycle - this.baseCycle) * this.nsPerCycle; }
  private rebase(): void { this.baseNs = this.nowNs(); this.baseCycle = this.toe.sim.cycle; }

  private writeCsr(name: Parameters<typeof csrAddr>[0], v: number): void {
    this.toe.host.mmio.writeNow(TOE_CSR_BASE + csrAddr(name), v >>> 0);
  }

  /** A number that changes whenever the TOE moves a frame, handles an event or completes a host request. */
  private signature(): number {
    const { toe } = this;
    return toe.stats.txFrames + toe.stats.rxFrames + toe.host.completions.length + toe.rxCore.stats.events + toe.txCore.stats.events
      + toe.rxCore.stats.commands + toe.txCore.stats.commands;
  }

  /**
   * Something is under way: a core has an event or is in a handler, the MAC sends, a DMA runs. (Host requests
   * waiting for the network, a connect or a send into a closed window, are not.) Reads the ports as the last
   * step left them (no extra eval: this runs every cycle of a warp).
   */
  private busyNow(): boolean {
    const { toe } = this;
    return toe.rxCore.busy || toe.txCore.busy || this.activePorts.some((p) => Number(p.get()) !== 0);
  }

  private checkCores(): void {
    for (const core of [this.toe.rxCore, this.toe.txCore]) if (core.error) throw core.error;
  }

  /** The delayed ACK's deadline (script ns) while one may be running; a reference long past it is dropped. */
  private delackDeadline(): number | null {
    if (!this.ackRef) return null;
    const d = this.ackRef.ns + this.delackUs * 1000;
    if (this.nowNs() > d + DELACK_STALE_NS) { this.ackRef = null; this.delackDirty = true; return null; }
    return d;
  }

  /**
   * DELACK_CYCLES in the current clock's cycles. With a delayed ACK running since ackRef, the ACK policy counts
   * cycles since that segment, some of them at the other clock: the value is those cycles plus what is left of
   * the delay at this clock, so the ACK leaves at its deadline.
   */
  private writeDelack(): void {
    const perUs = 1000 / this.nsPerCycle;
    let v = Math.round(this.delackUs * perUs);
    const ref = this.ackRef;
    if (ref) v = (this.toe.sim.cycle - ref.cycle) + Math.ceil(Math.max(0, this.delackUs - (this.nowNs() - ref.ns) / 1000) * perUs);
    this.writeCsr('DELACK_CYCLES', Math.max(1, v));
    this.delackDirty = false;
  }

  /** Moves the tracked challenge window to the one holding the current cycle (the RTL rolls at start + csr). */
  private chalRoll(): void {
    const c = this.chal, cyc = this.toe.sim.cycle;
    if (cyc - c.startCycle < c.csr) return;
    // Rolled (at most a few times since the last look, all at the current clock once the CSR is plain).
    const k = Math.floor((cyc - c.startCycle) / c.csr);
    c.startCycle += k * c.csr;
    c.startNs += k * this.chalUs * 1000;
    if (!c.plain) { c.plain = true; this.writeChal(); }
  }

  /** CHAL_INTERVAL for the current clock: the plain interval, or (at a change of clock) what keeps this window's end. */
  private writeChal(compensate = false): void {
    const c = this.chal;
    const plain = Math.round(this.chalUs * 1000 / this.nsPerCycle);
    c.csr = compensate ? (this.toe.sim.cycle - c.startCycle) + Math.max(0, Math.ceil((c.startNs + this.chalUs * 1000 - this.nowNs()) / this.nsPerCycle)) : plain;
    c.plain = !compensate;
    this.writeCsr('CHAL_INTERVAL', Math.max(1, c.csr));
  }

  /** A warp may start now: quiet long enough, and no delayed ACK due within the guard. */
  private mayWarp(): boolean {
    if (!this.warpEnabled || this.toe.sim.cycle - this.lastActive < WARP_QUIET_CYCLES) return false;
    const d = this.delackDeadline();
    return d === null || this.nowNs() < d - 2 * DELACK_GUARD_NS;
  }

  private enterWarp(): void {
    this.chalRoll();
    this.writeCsr('TICK_CYCLES', 1);
    this.rebase();
    this.warping = true;
    this.writeChal(true);
    this.writeDelack();
    this.cycles.warps++;
  }

  private exitWarp(): void {
    if (!this.warping) return;
    const hz = this.toe.cfg.clockHz;
    this.writeCsr('TICK_CYCLES', Math.round(hz / 1e6));
    this.rebase();
    this.warping = false;
    this.chalRoll();
    this.writeChal(true);
    this.writeDelack();
    this.lastActive = this.toe.sim.cycle;
  }

  /** Runs the RTL until script time `ns` or until `stop()` holds (checked between chunks). */
  private advance(ns: number, stop: () => boolean = () => false): void {
    const { sim } = this.toe;
    while (this.nowNs() < ns && !stop()) {
      if (this.warping) {
        // A delayed ACK is sent at the real clock: the warp ends DELACK_GUARD_NS before its deadline.
        const d = this.delackDeadline();
        const guard = d === null ? Infinity : d - DELACK_GUARD_NS;
        const n = Math.max(0, Math.min(8, Math.floor((Math.min(ns, guard) - this.nowNs()) / WARP_NS_PER_CYCLE)));
        if (n === 0) {
          if (guard <= ns) this.exitWarp();
          else return; // less than a warped cycle to go: the caller's time is in whole µs
        }
        for (let i = 0; i < n; i++) {
          sim.step(1);
          this.cycles.warped++;
          if (this.signature() !== this.lastSignature || this.busyNow()) { this.lastSignature = this.signature(); this.exitWarp(); break; }
        }
      } else {
        if (this.delackDirty) this.writeDelack();
        const n = Math.max(1, Math.min(CHUNK_CYCLES, Math.ceil((ns - this.nowNs()) / this.realNsPerCycle)));
        sim.step(n);
        this.cycles.real += n;
        const sig = this.signature();
        if (sig !== this.lastSignature || this.busyNow()) { this.lastSignature = sig; this.lastActive = sim.cycle; }
        else if (this.mayWarp()) this.enterWarp();
      }
      this.chalRoll();
      this.checkCores();
    }
  }

  /**
   * Let work in flight finish before a socket call looks at the host (as ./toe-target.ts's settle): at the real
   * clock, until nothing happened for SETTLE_GAP_NS, at most SETTLE_LIMIT_NS; now() moves on by that much.
   */
  protected settle(): void {
    this.exitWarp();
    const start = this.nowNs();
    let quietSince = this.nowNs();
    let sig = this.signature();
    this.advance(start + SETTLE_LIMIT_NS, () => {
      const s = this.signature();
      if (s !== sig || this.busyNow()) { sig = s; quietSince = this.nowNs(); }
      return this.nowNs() - quietSince >= SETTLE_GAP_NS;
    });
    this.t = Math.max(this.t, Math.floor(this.nowNs() / 1000));
  }

  /**
   * settle() for a call that only looks (accept, recv, connect's retries, getsockopt): in a warp nothing is in flight
   * (any activity ends it), so the warp goes on — a blocking call polled every 100 µs of script time no longer
   * holds the whole wait at the real clock. A call that gives the TOE work leaves the warp before it does.
   */
  protected override look(): void {
    if (!this.warping) return this.settle();
    this.t = Math.max(this.t, Math.floor(this.nowNs() / 1000));
  }

  // --- time and wire (PacketdrillTarget) --------------------------------------------------------

  now(): number { return this.t; }

  runUntil(timeUs: number): void {
    if (timeUs < this.t) throw new Error(`rtl target: runUntil(${timeUs}) is before now (${this.t})`);
    this.advance(timeUs * 1000);
    this.t = Math.max(timeUs, Math.floor(this.nowNs() / 1000));
    this.reapOrphans();
  }

  injectFrame(frame: Uint8Array): void {
    this.exitWarp();
    this.lastActive = this.toe.sim.cycle;
    // The oldest data segment a delayed ACK may be running for (one older than the delay was ACKed or armed none).
    if (tcpCarriesData(frame) && (!this.ackRef || this.nowNs() - this.ackRef.ns > this.delackUs * 1000)) {
      this.ackRef = { cycle: this.toe.sim.cycle, ns: this.nowNs() };
    }
    this.toe.receiveFrame(frame);
  }

  takeOutbound(): EmittedFrame[] { return this.out.splice(0); }

  /** No event scheduler in the RTL: fixed steps, so blocking calls are polled often enough. */
  nextActivityUs(): number | null { return this.t + (this.warping ? 100 : 20); }

  // --- the socket layer's view of the RTL (./toe-socket-target.ts) ---------------------------------

  protected override beforeWork(): void { this.exitWarp(); }

  protected waitFor(done: () => boolean, ns: number): void {
    this.advance(this.nowNs() + ns, done);
    this.t = Math.max(this.t, Math.floor(this.nowNs() / 1000));
  }

  protected takeReceived(_f: ToeFd, s: HostSocket, max: number, peek: boolean): Uint8Array | null {
    // In a warp with RX buffers still empty the TOE holds nothing it could deliver (it would have, and ended the warp).
    const mayHold = !this.warping || this.toe.host.rxBuffersWaiting === 0;
    if (hostBytes(s) === 0 && s.conn >= 0 && !s.eof && mayHold) {
      // Post buffers for this read and let the TOE move what it holds into them.
      this.toe.host.read(s, Math.min(max, MAX_READ_CREDIT));
      this.settle();
    }
    return hostBytes(s) > 0 ? takeBytes(s, max, peek) : null;
  }

  protected finReceived(f: ToeFd, s: HostSocket): boolean {
    if (s.eof) f.eofRead = true; // the read about to return end of stream
    return s.eof;
  }

  /** Move a newly seen connection failure into the fd's pending error (once), as toe-sockets.ts's syncError. */
  protected syncError(f: ToeFd): void {
    const s = f.sock;
    if (!s || f.failureSeen || s.state !== 'failed') return;
    f.failureSeen = true;
    // The FIN completion sets s.eof as soon as the FIN reaches host memory; the model's peerFinRead means the
    // application has read the end of stream, which here is a read that returned it.
    f.pendingError = failureErrno(s.error, { connecting: s.conn < 0, peerFinRead: f.eofRead === true });
  }

  /** Bytes the firmware has queued and not seen acknowledged, plus those handed over and not yet copied. */
  protected sendBufferUsed(f: ToeFd): number {
    const s = f.sock;
    if (!s) return 0;
    const notCopied = Math.max(0, f.submitted - s.bytesSent);
    const c = s.conn >= 0 && !s.freed ? this.toe.fwConns.get(s.conn) : undefined;
    const queued = c ? Math.max(0, (c.queuedEnd - c.sndUna) | 0) : 0;
    return notCopied + queued;
  }

  /**
   * Data the TOE holds for `s` that the script has not read: buffers are posted so the TOE moves what it holds
   * to the host (RtlHost cannot look into the TOE's receive queue), then the host's bytes are counted.
   */
  protected hasUnread(s: HostSocket): boolean {
    if (hostBytes(s) > 0) return true;
    if (s.eof) return false;
    this.toe.host.read(s, MAX_READ_CREDIT);
    this.settle();
    return hostBytes(s) > 0;
  }

  /** RtlHost.unlisten also drops the port's accept queue (the caller has taken it). */
  protected unlisten(port: number): void { this.toe.host.unlisten(port); }
}

/** An IPv4 TCP frame with payload (or a FIN): the segments that may start a delayed ACK. */
function tcpCarriesData(f: Uint8Array): boolean {
  if (f.length < 54 || f[12] !== 0x08 || f[13] !== 0x00 || f[23] !== 6) return false;
  const ihl = (f[14]! & 0x0f) * 4;
  const total = (f[16]! << 8) | f[17]!;
  const doff = (f[14 + ihl + 12]! >> 4) * 4;
  const fin = (f[14 + ihl + 13]! & 0x01) !== 0;
  return total - ihl - doff > 0 || fin;
}

/** Bytes in host memory not yet read by the script. */
function hostBytes(s: HostSocket): number {
  let n = 0;
  for (const c of s.chunks) n += c.length;
  return n;
}

/** Up to `max` bytes from the socket's chunks; consumed unless `peek`. */
function takeBytes(s: HostSocket, max: number, peek: boolean): Uint8Array {
  const out = new Uint8Array(Math.min(max, hostBytes(s)));
  let pos = 0, i = 0;
  while (pos < out.length) {
    const c = s.chunks[i]!;
    const k = Math.min(c.length, out.length - pos);
    out.set(c.subarray(0, k), pos);
    pos += k;
    if (!peek) { if (k === c.length) { s.chunks.shift(); continue; } s.chunks[i] = c.subarray(k); }
    i++;
  }
  return out;
}

/**
 * One script against a fresh RTL TOE (closed after the run). `runOpts.network` must be the one the target was
 * built for (DEFAULT_NETWORK unless given).
 */
export async function runScriptOnRtl(text: string, fileName: string, opts: RtlTargetOptions = {}, runOpts: RunOptions = {}): Promise<RunResult & { rtlCycles?: RtlTarget['cycles'] }> {
  const net = runOpts.network ?? DEFAULT_NETWORK;
  const target = await RtlTarget.create(net, opts);
  try {
    const r = runScriptText(text, fileName, (n) => {
      if (n.localIp !== net.localIp || n.remoteIp !== net.remoteIp || n.localMac !== net.localMac || n.remoteMac !== net.remoteMac) {
        throw new Error('rtl target: the runner asked for another network than the target was built for');
      }
      return target;
    }, runOpts);
    return { ...r, rtlCycles: { ...target.cycles } };
  } finally {
    target.dispose();
  }
}

export interface RtlConformanceOptions extends Omit<ToeConformanceOptions, 'target'> {
  target?: RtlTargetOptions;
  /** Called after each script (progress: a suite run takes minutes). */
  onResult?: (r: RunResult, wallMs: number) => void;
}

/**
 * ./toe-conformance.ts's runToeConformance against the RTL TOE: every script under `dir` on a fresh RtlToe
 * configured from the script's setup sysctls (`opts.target` wins field by field); a target that throws fails
 * that script only.
 */
export async function runRtlConformance(dir: string, opts: RtlConformanceOptions = {}): Promise<ToeConformanceRun> {
  const t0 = performance.now();
  const runOpts = conformanceRunOptions(opts);
  const results: RunResult[] = [];
  for (const s of conformanceScripts(dir, opts)) {
    const t1 = performance.now();
    // The RTL-only options (rtl, warp) come from the caller; the TOE and firmware ones as for the model.
    const r = scriptDone(await runRtlGuarded(s.text, s.rel, { ...opts.target, ...s.target }, runOpts), s, opts);
    results.push(r);
    opts.onResult?.(r, performance.now() - t1);
  }
  return conformanceRun(results, t0, opts.folderDepth);
}

/** One script on the RTL; an exception (a firmware core's error, a Verilator failure) fails that script only. */
export async function runRtlGuarded(text: string, rel: string, target: RtlTargetOptions, opts: RunOptions = {}): Promise<RunResult> {
  try {
    return await runScriptOnRtl(text, rel, target, opts);
  } catch (e) {
    const message = e instanceof Error ? `${e.name}: ${e.message}` : String(e);
    return {
      file: rel, status: 'fail', notes: [], wire: [], endTimeUs: 0, eventsRun: 0, tolerance: '',
      failure: { kind: 'target', line: 0, source: '', scriptTimeUs: null, timeUs: 0, message: `the target threw: ${message}` },
    };
  }
}
