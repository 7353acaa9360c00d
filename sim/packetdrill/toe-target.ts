/**
 * The TOE model (sim/toe_model: hardware model + the two firmware cores) as a packetdrill target.
 *
 *   import { createToeTarget } from './sim/packetdrill/toe-target.ts';
 *   runScriptText(text, 'x.pkt', createToeTarget({ fw: { timeWaitUs: 1_000_000 } }));
 *   npx tsx sim/packetdrill/runner/run-dir.ts DIR --target sim/packetdrill/toe-target.ts
 *
 * Wiring: one Toe on its own Scheduler (ns). The MAC's transmit side is captured with the time each
 * frame leaves (after the model's TX latency); injected frames enter the MAC receive side at now()
 * (no wire in between). The script's peer is a static neighbour, so the TOE never needs ARP for it.
 * `nextActivityUs()` is the scheduler's next event, so idle time (timers of seconds) costs nothing.
 *
 * Sockets map onto the host API (sim/toe_model/host.ts) as a driver would (./toe-sockets.ts):
 *  - listen(): HOST_LISTEN, and the call returns when the firmware confirms it (LISTEN_DONE, well
 *    under 1 µs of simulated time), as a blocking driver call would; a SYN injected at the same
 *    instant therefore finds the port open. close() of a listener: HOST_UNLISTEN, and connections
 *    established but never accepted are aborted (RST), as Linux does.
 *  - accept(): the next ACCEPTED connection on the port. connect(): HOST_CONNECT (EINPROGRESS,
 *    EALREADY while the handshake runs, then the failure's errno, or 0 once and EISCONN after, as Linux).
 *  - send(): HOST_SEND of at most the free send buffer (SO_SNDBUF = the firmware's sndbuf less the
 *    bytes queued or not yet copied); recv(): reads the TOE's receive queue (MSG_PEEK reads the skbs
 *    in place). Received data stays in the TOE until read, so its window closes as a real one would.
 *  - shutdown(SHUT_WR) and close(): HOST_CLOSE (FIN after the queued data). close() with unread data:
 *    HOST_ABORT (RST; RFC 2525 §2.17, Linux). SHUT_RD is driver state (reads return end of stream).
 *  - getsockopt SO_ERROR (pending error, cleared), TCP_MAXSEG (the MSS the TX core segments to;
 *    536 before a connection exists, as Linux), SO_RCVBUF / SO_SNDBUF (firmware config).
 *  - setsockopt: TCP_NODELAY matching the firmware's Nagle setting is accepted; everything else the
 *    TOE fixes at boot for all connections (TCP_MAXSEG, buffer sizes, Nagle) fails with ENOPROTOOPT,
 *    and `notes` says why.
 */
import { event } from '../../firmware/api.ts';
import type { FwConfig } from '../../firmware/config.ts';
import { Scheduler } from '../toe_model/scheduler.ts';
import { Toe, type ToeConfig } from '../toe_model/toe.ts';
import type { HostSocket } from '../toe_model/host.ts';
import type { EmittedFrame, PacketdrillNetwork, PacketdrillTarget, TargetFactory } from './runner/target.ts';
import { ToeSocketTarget } from './toe-socket-target.ts';
import { peekReceived, peerFinReceived, queuedBytes, sendBufferUsed, syncError, type ToeFd } from './toe-sockets.ts';

export interface ToeTargetOptions {
  /** Hardware model parameters (latencies, delayed-ACK time, skb pool, ...). */
  toe?: Partial<Omit<ToeConfig, 'name' | 'mac' | 'ip' | 'fw'>>;
  /** Firmware parameters (MSS, window scale, buffers, timers, ...). */
  fw?: Partial<FwConfig>;
}

/** Req ids for host commands this driver issues itself (the HostStack's own ids stay below 0xfffe). */
const DRIVER_REQ = 0xffff;
/** settle(): the pipeline is quiet when nothing is due within this gap; never run longer than the limit. */
const SETTLE_GAP_NS = 2_000;
const SETTLE_LIMIT_NS = 50_000;
/** Events one runUntil() may execute (a 256 KiB transfer takes a few thousand). */
const MAX_EVENTS_PER_RUN = 2_000_000;

export class ToeTarget extends ToeSocketTarget implements PacketdrillTarget {
  readonly sched: Scheduler;
  declare protected readonly toe: Toe;
  private readonly out: EmittedFrame[] = [];
  private t = 0;

  constructor(net: PacketdrillNetwork, opts: ToeTargetOptions = {}) {
    const sched = new Scheduler();
    const toe = new Toe(sched, {
      ...opts.toe, name: 'toe', mac: net.localMac, ip: net.localIp, fw: { ...opts.fw },
      neighbours: [[net.remoteIp, net.remoteMac], ...(opts.toe?.neighbours ?? [])],
    });
    super(net, toe);
    this.sched = sched;
    this.toe.host.autoRead = false; // data stays in the TOE until the script reads it
    this.toe.attach((frame) => this.out.push({ timeUs: Math.floor(this.sched.now / 1000), frame }));
  }

  // --- time and wire -------------------------------------------------------------------------

  now(): number { return this.t; }

  /**
   * Let work already in flight finish before a socket call looks at the TOE: packetdrill's reference
   * stacks process an injected packet before the script's next event, while the TOE needs a few
   * µs of pipeline and firmware time (a RST injected at 0.1 s and `+0 getsockopt(SO_ERROR)` must
   * see the reset). Runs events until both cores are idle with nothing due within SETTLE_GAP_NS, at
   * most SETTLE_LIMIT_NS; now() moves on by that much (far inside any script tolerance).
   */
  protected settle(): void {
    const limit = this.sched.now + SETTLE_LIMIT_NS;
    const quiet = () => this.toe.rxCore.idle && this.toe.txCore.idle && this.sched.nextAt > this.sched.now + SETTLE_GAP_NS;
    this.sched.runUntil(quiet, limit);
    this.t = Math.max(this.t, Math.floor(this.sched.now / 1000));
  }

  protected waitFor(done: () => boolean, ns: number): void { this.sched.runUntil(done, this.sched.now + ns); }

  runUntil(timeUs: number): void {
    if (timeUs < this.t) throw new Error(`toe target: runUntil(${timeUs}) is before now (${this.t})`);
    // A livelock (events re-scheduling themselves at one instant) would hang the run: stop it loudly.
    const cap = this.sched.executed + MAX_EVENTS_PER_RUN;
    this.sched.runUntil(() => this.sched.executed > cap, timeUs * 1000);
    if (this.sched.executed > cap) throw new Error(`toe target: more than ${MAX_EVENTS_PER_RUN} events before ${timeUs} us (now ${this.sched.now} ns): livelock in the TOE model`);
    this.sched.runTo(timeUs * 1000);
    this.t = timeUs;
    this.reapOrphans();
  }

  injectFrame(frame: Uint8Array): void { this.toe.receiveFrame(frame); }

  takeOutbound(): EmittedFrame[] { return this.out.splice(0); }

  nextActivityUs(): number | null {
    const at = this.sched.nextAt;
    return Number.isFinite(at) ? Math.max(this.t + 1, Math.ceil(at / 1000)) : null;
  }

  // --- the socket layer's view of the model (./toe-socket-target.ts) --------------------------

  protected takeReceived(_f: ToeFd, s: HostSocket, max: number, peek: boolean): Uint8Array | null {
    if (queuedBytes(this.toe, s) === 0) return null;
    return peek ? peekReceived(this.toe, s, max) : this.toe.readReceived(s.conn, max).data;
  }

  protected finReceived(_f: ToeFd, s: HostSocket): boolean { return peerFinReceived(this.toe, s); }
  protected hasUnread(s: HostSocket): boolean { return queuedBytes(this.toe, s) > 0; }
  protected syncError(f: ToeFd): void { syncError(this.toe, f); }
  protected sendBufferUsed(f: ToeFd): number { return sendBufferUsed(this.toe, f); }
  protected unlisten(port: number): void { this.toe.hostCommand(event('HOST_UNLISTEN', { req: DRIVER_REQ, local_port: port })); }
}

/** A TargetFactory for the TOE with the given configuration (defaults: the model's and firmware's). */
export function createToeTarget(opts: ToeTargetOptions = {}): TargetFactory {
  return (net) => new ToeTarget(net, opts);
}

/** The default TOE, for `run-dir.ts --target sim/packetdrill/toe-target.ts`. */
export const createTarget: TargetFactory = createToeTarget();
export default createTarget;
