/**
 * Runs one parsed packetdrill script against a PacketdrillTarget in simulated time.
 *
 *   const result = runScript(script, (net) => new MyToeTarget(net), { rules: ['optionOrder'] });
 *
 * Semantics follow packetdrill (local = the target, remote = the script; see ./connection.ts for
 * sequence numbers and ./tolerance.ts for what is accepted):
 *  - Times: absolute (`0.1`), relative (`+0.1`, to the time the previous event actually happened;
 *    consecutive inbound packets are anchored on script times), `*`, ranges `a~b`, and blocking
 *    calls `a...b` (start at a, must return at b). The script's first event is at time 0.
 *  - Inbound packets are injected at their time. Outbound packets are the target's frames in
 *    emission order: the next frame must match the next `>` line, at its time ± tolerance.
 *    Frames the script does not expect are caught by the next `>` line (as packetdrill does);
 *    frames left over at the end are noted, not failed.
 *  - A system call on a blocking fd that would block is retried as time advances while later
 *    events run; it must return at its script end time ± tolerance. A new system call waits until
 *    the blocked one has returned (one script thread, as packetdrill's await_idle_thread), then
 *    starts at once if its own start time has passed.
 *  - An inbound SYN sets the peer's ISN only while the runner has none (packetdrill takes it when
 *    the SYN reaches a listening socket or the SYN-ACK a connecting one, never mid-connection).
 *  - ARP requests for the script's address are answered by the runner and are not script packets.
 * The run stops at the first mismatch.
 */
import type { EventTime, PacketEvent, Script, ScriptEvent, SyscallEvent, TcpPacket } from '../ast.ts';
import { classifyScript } from '../classify.ts';
import { resolveConditionals } from '../conditionals.ts';
import { parseScript } from '../parser.ts';
import { buildArpReply, ipv4ToString, parseFrame, toIpv4, type Frame } from '../../packet/index.ts';
import { ConnectionMap } from './connection.ts';
import { buildInbound } from './inbound.ts';
import { scriptSettings } from './options.ts';
import { describeInScriptSpace, matchOutbound } from './outbound.ts';
import { prepareSyscall, SyscallState, type PreparedCall } from './syscalls.ts';
import { DEFAULT_NETWORK, type EmittedFrame, type PacketdrillNetwork, type PacketdrillTarget, type SysResult, type TargetFactory } from './target.ts';
import { describeTolerance, makeTolerance, timingToleranceUs, type ToleranceRule, type TolerancePolicy } from './tolerance.ts';

export interface RunOptions {
  network?: PacketdrillNetwork;
  /** Opt-in tolerance rules (./tolerance.ts). */
  rules?: ToleranceRule[];
  /** Time step (µs) when the target has no nextActivityUs(); bounds how late an event can start. Default 20. */
  stepUs?: number;
  /** How long a `*` event waits (µs). Default 2 s. */
  anyWaitUs?: number;
  /** After an outbound packet's deadline, how much longer to wait so a late packet is reported
   *  as a timing error (not as missing). Default 1 s. */
  lateGraceUs?: number;
  /** When given, `#ifdef` blocks are resolved with these macros before classification. */
  defines?: string[];
  /** The script side's TCP port. Default 40000. */
  remotePort?: number;
}

export type RunStatus = 'pass' | 'fail' | 'unsupported';

/** `target`: the target threw (runDirectory reports it as that script's failure). */
export type FailureKind = 'packet' | 'missing-packet' | 'timing' | 'syscall' | 'script' | 'target';

export interface RunFailure {
  kind: FailureKind;
  /** Script line of the event that failed (1-based). */
  line: number;
  /** The script line's text. */
  source: string;
  /** Expected (script) time in µs, when the event has one. */
  scriptTimeUs: number | null;
  /** Simulated time of the actual event (frame emission, call return) or of detection. */
  timeUs: number;
  message: string;
  /** The differing field (`flags`, `ack`, `win`, `options`, `return value`, ...), if one. */
  field?: string;
  expected?: string;
  actual?: string;
}

export interface UnsupportedItem {
  category: string;
  construct: string;
  reason: string;
  line: number;
  col: number;
}

export interface WireRecord {
  timeUs: number;
  direction: 'in' | 'out';
  frame: Uint8Array;
}

export interface RunResult {
  file: string;
  status: RunStatus;
  failure?: RunFailure;
  unsupported?: UnsupportedItem[];
  notes: string[];
  /** Every frame injected and emitted, for the pcap. */
  wire: WireRecord[];
  endTimeUs: number;
  eventsRun: number;
  tolerance: string;
}

/** Parse, classify and run one script's text. Parse errors are failures of kind `script`. */
export function runScriptText(text: string, fileName: string, factory: TargetFactory, opts: RunOptions = {}): RunResult {
  const r = parseScript(text, fileName);
  if (!r.ok) {
    return {
      file: fileName, status: 'fail', notes: [], wire: [], endTimeUs: 0, eventsRun: 0, tolerance: '',
      failure: {
        kind: 'script', line: r.error.line, source: text.split('\n')[r.error.line - 1] ?? '', scriptTimeUs: null, timeUs: 0,
        message: `parse error at ${r.error.line}:${r.error.col}: ${r.error.message}`,
      },
    };
  }
  return runScript(r.script, factory, opts);
}

export function runScript(script: Script, factory: TargetFactory, opts: RunOptions = {}): RunResult {
  const file = script.fileName ?? '(script)';
  let s = script;
  if (opts.defines && s.directives.length > 0) {
    try {
      s = resolveConditionals(s, opts.defines);
    } catch (e) {
      return { file, status: 'unsupported', notes: [], wire: [], endTimeUs: 0, eventsRun: 0, tolerance: '',
        unsupported: [{ category: 'preprocessor', construct: 'conditional', reason: (e as Error).message, line: 0, col: 0 }] };
    }
  }
  const unsupported = classifyScript(s);
  if (unsupported.length > 0) {
    return { file, status: 'unsupported', unsupported, notes: [], wire: [], endTimeUs: 0, eventsRun: 0, tolerance: '' };
  }
  return new ScriptRun(s, factory, opts).run();
}

class Abort {
  constructor(readonly failure?: RunFailure, readonly unsupported?: UnsupportedItem) {}
}

interface Pending {
  call: PreparedCall;
  ev: SyscallEvent;
  scriptStart: number;
  /** Expected return time (script µs) and tolerance. */
  end: number;
  tol: number;
  any: boolean;
}

interface Times {
  kind: EventTime['kind'];
  start: number;
  end: number;
}

class ScriptRun {
  private readonly net: PacketdrillNetwork;
  private readonly target: PacketdrillTarget;
  private readonly tol: TolerancePolicy;
  private readonly conn: ConnectionMap;
  private readonly sys: SyscallState;
  private readonly step: number;
  private readonly anyWait: number;
  private readonly lateGrace: number;
  private readonly notes: string[] = [];
  private readonly wire: WireRecord[] = [];
  private readonly outQueue: EmittedFrame[] = [];
  private pending: Pending | null = null;
  /** Actual time at which the previous event happened: the base of relative times. */
  private base = 0;
  private lastScriptTime = 0;
  private lastWasInbound = false;
  private eventsRun = 0;

  constructor(private readonly script: Script, factory: TargetFactory, opts: RunOptions) {
    this.net = opts.network ?? { ...DEFAULT_NETWORK };
    const settings = scriptSettings(script);
    this.notes.push(...settings.notes);
    this.tol = makeTolerance({
      timingUsecs: settings.toleranceUsecs, tolerancePercent: settings.tolerancePercent,
      tsTickUsecs: settings.tsTickUsecs, rules: opts.rules ?? [],
    });
    this.step = opts.stepUs ?? 20;
    this.anyWait = opts.anyWaitUs ?? 2_000_000;
    this.lateGrace = opts.lateGraceUs ?? 1_000_000;
    this.conn = new ConnectionMap(settings.bindPort, opts.remotePort ?? 40000);
    this.target = factory(this.net);
    this.sys = new SyscallState(this.target, this.conn, this.net, settings.bindPort, settings.connectPort, this.tol);
  }

  run(): RunResult {
    const result = (status: RunStatus, extra: Partial<RunResult> = {}): RunResult => ({
      file: this.script.fileName ?? '(script)', status, notes: [...this.notes, ...this.sys.notes, ...(this.target.notes?.() ?? [])], wire: this.wire,
      endTimeUs: this.target.now(), eventsRun: this.eventsRun, tolerance: describeTolerance(this.tol), ...extra,
    });
    try {
      for (const ev of this.script.events) {
        this.runEvent(ev);
        this.eventsRun++;
      }
      this.finish();
      return result('pass');
    } catch (e) {
      if (!(e instanceof Abort)) throw e;
      if (e.unsupported) return result('unsupported', { unsupported: [e.unsupported] });
      return result('fail', { failure: e.failure! });
    }
  }

  // --- events ---------------------------------------------------------------------------------

  private runEvent(ev: ScriptEvent): void {
    if (ev.kind === 'shell' || ev.kind === 'python') {
      const what = ev.kind === 'shell' ? `shell command \`${ev.command}\`` : 'python block';
      this.notes.push(`line ${ev.loc.line}: ${what} skipped`);
      if (ev.time) {
        const t = this.times(ev.time, false);
        this.advanceTo(t.start);
        this.mark(t.start, false);
      }
      return;
    }
    if (ev.kind === 'packet') {
      if (ev.packet.protocol !== 'tcp') {
        throw new Abort(undefined, { category: 'packet', construct: ev.packet.name, reason: 'only TCP packets are supported', line: ev.loc.line, col: ev.loc.col });
      }
      if (ev.packet.ecn) this.notes.push(`line ${ev.loc.line}: ECN codepoint [${ev.packet.ecn}] ignored`);
      if (ev.direction === 'inbound') this.inbound(ev, ev.packet);
      else this.outbound(ev, ev.packet);
      return;
    }
    this.syscall(ev);
  }

  private inbound(ev: PacketEvent, p: TcpPacket): void {
    const t = this.times(ev.time!, true);
    this.advanceTo(t.start);
    const built = buildInbound(p, this.conn, this.net);
    if (!built.ok) {
      if (built.unsupported) throw new Abort(undefined, { category: 'packet', construct: ev.source, reason: built.reason, line: ev.loc.line, col: ev.loc.col });
      this.fail('script', ev, t.start, built.reason);
    }
    if (p.flags.syn && p.seq.kind === 'range' && this.conn.remoteIsn === null) this.conn.remoteIsn = p.seq.start >>> 0;
    this.target.injectFrame(built.frame);
    this.wire.push({ timeUs: this.target.now(), direction: 'in', frame: built.frame });
    this.pollPending();
    this.mark(t.start, true);
  }

  private outbound(ev: PacketEvent, p: TcpPacket): void {
    const t = this.times(ev.time!, false);
    const tol = this.tolFor(t.start);
    const lo = t.kind === 'any' ? -Infinity : t.start - tol;
    const hi = t.kind === 'any' ? this.base + this.anyWait : t.end + tol;
    this.advanceUntil(hi, () => this.outQueue.length > 0);
    // Nothing in time: wait a while longer so that a late packet is reported as late (with its
    // fields checked first, as packetdrill does) rather than as missing.
    if (this.outQueue.length === 0 && this.pending === null) this.advanceUntil(hi + this.lateGrace, () => this.outQueue.length > 0);
    const out = this.outQueue.shift();
    if (!out) {
      this.fail('missing-packet', ev, t.start, `expected outbound packet ${this.when(t, tol)}, but the target sent nothing by ${sec(this.target.now())}`, {
        expected: ev.source.trim(), actual: '(no packet)',
      });
    }
    const parsed = parseFrame(out.frame);
    if (!parsed.ok || parsed.value.kind !== 'tcp') {
      this.fail('packet', ev, t.start, 'outbound frame is not an IPv4 TCP segment', {
        field: 'frame', expected: ev.source.trim(), actual: parsed.ok ? describeOther(parsed.value) : `unparseable: ${parsed.error.message}`, timeUs: out.timeUs,
      });
    }
    const frame = parsed.value;
    const src = ipv4ToString(frame.ip.src);
    const dst = ipv4ToString(frame.ip.dst);
    const activeSyn = p.flags.syn && !p.flags.ack;
    if (activeSyn) this.conn.localPort = frame.tcp.srcPort;
    if (src !== this.net.localIp || dst !== this.net.remoteIp || frame.tcp.srcPort !== this.conn.localPort || frame.tcp.dstPort !== this.conn.remotePort) {
      this.fail('packet', ev, t.start, 'outbound packet is for another connection', {
        field: 'addresses', timeUs: out.timeUs,
        expected: `${this.net.localIp}.${this.conn.localPort} > ${this.net.remoteIp}.${this.conn.remotePort}`,
        actual: `${src}.${frame.tcp.srcPort} > ${dst}.${frame.tcp.dstPort}`,
      });
    }
    const m = matchOutbound(p, frame, this.conn, this.tol);
    if (m) {
      this.fail('packet', ev, t.start, `outbound packet field ${m.field}: expected ${m.expected}, actual ${m.actual}`, {
        field: m.field, timeUs: out.timeUs, expected: ev.source.trim(), actual: `${sec(out.timeUs)} > ${describeInScriptSpace(frame, this.conn)}`,
      });
    }
    if (out.timeUs < lo || out.timeUs > hi) {
      this.fail('timing', ev, t.start, `timing error: expected outbound packet ${this.when(t, tol)} but it was sent at ${sec(out.timeUs)}`, {
        field: 'time', timeUs: out.timeUs, expected: this.when(t, tol), actual: sec(out.timeUs),
      });
    }
    this.mark(t.kind === 'any' ? out.timeUs : t.start, false, Math.max(this.base, out.timeUs));
  }

  private syscall(ev: SyscallEvent): void {
    const t = this.times(ev.time!, false);
    if (this.pending) {
      // Wait for the blocked call: it returns, or fails when its own deadline passes (pollPending).
      const p: Pending = this.pending;
      const deadline = p.any ? Math.max(this.target.now(), t.start) + this.anyWait : p.end + p.tol + 1;
      this.advanceUntil(deadline, () => this.pending === null);
      if (this.pending) {
        this.fail('syscall', p.ev, p.end, `blocking ${p.ev.name}() did not return by ${sec(deadline)}, so the call on line ${ev.loc.line} never started`);
      }
    }
    this.advanceTo(t.start);
    const prepared = prepareSyscall(ev, this.sys);
    if (!prepared.ok) {
      if ('unsupported' in prepared) throw new Abort(undefined, { category: 'syscall', construct: prepared.unsupported, reason: prepared.reason, line: ev.loc.line, col: ev.loc.col });
      this.fail('script', ev, t.start, prepared.error);
    }
    const call = prepared.call;
    const end = t.kind === 'blocking' ? t.end : t.start;
    const pending: Pending = { call, ev, scriptStart: t.start, end, tol: this.tolFor(end), any: t.kind === 'any' };
    const o = call.attempt();
    if (o.done) this.finishCall(pending, o.result);
    else this.pending = pending;
    this.mark(t.start, false);
  }

  private finishCall(p: Pending, r: SysResult<number | Uint8Array>): void {
    const now = this.target.now();
    const m = p.call.check(r);
    if (m) {
      this.fail('syscall', p.ev, p.end, `${m.what}: expected ${m.expected}, actual ${m.actual}`, { field: m.what, expected: m.expected, actual: m.actual, timeUs: now });
    }
    if (!p.any && (now < p.end - p.tol || now > p.end + p.tol)) {
      this.fail('timing', p.ev, p.end, `timing error: expected ${p.ev.name}() to return at ${sec(p.end)} (±${p.tol} us) but it returned at ${sec(now)}`, {
        field: 'return time', expected: sec(p.end), actual: sec(now), timeUs: now,
      });
    }
  }

  private finish(): void {
    if (this.pending) {
      const p = this.pending;
      const deadline = p.any ? this.target.now() + this.anyWait : p.end + p.tol;
      this.advanceUntil(deadline, () => this.pending === null);
      if (this.pending) {
        this.fail('syscall', p.ev, p.end, `blocking ${p.ev.name}() did not return by ${sec(deadline)} (expected at ${sec(p.end)})`);
      }
    }
    this.collect();
    if (this.outQueue.length > 0) {
      const first = parseFrame(this.outQueue[0]!.frame);
      const text = first.ok && first.value.kind === 'tcp' ? describeInScriptSpace(first.value, this.conn) : 'non-TCP frame';
      this.notes.push(`${this.outQueue.length} outbound frame(s) after the last script event were not checked; first at ${sec(this.outQueue[0]!.timeUs)}: ${text}`);
    }
  }

  // --- time -----------------------------------------------------------------------------------

  private times(time: EventTime, inbound: boolean): Times {
    const base = inbound && this.lastWasInbound ? this.lastScriptTime : this.base;
    switch (time.kind) {
      case 'any': return { kind: 'any', start: Math.max(base, this.target.now()), end: Infinity };
      case 'point': {
        const at = time.at.relative ? base + time.at.usecs : time.at.usecs;
        return { kind: 'point', start: at, end: at };
      }
      case 'range':
      case 'blocking': {
        const rel = time.start.relative;
        return {
          kind: time.kind,
          start: rel ? base + time.start.usecs : time.start.usecs,
          end: rel || time.end.relative ? base + time.end.usecs : time.end.usecs,
        };
      }
    }
  }

  private tolFor(scriptTime: number): number {
    return timingToleranceUs(this.tol, scriptTime - this.lastScriptTime);
  }

  private mark(scriptTime: number, inbound: boolean, actual = this.target.now()): void {
    this.lastScriptTime = scriptTime;
    this.lastWasInbound = inbound;
    this.base = actual;
  }

  private when(t: Times, tol: number): string {
    if (t.kind === 'any') return 'at any time';
    if (t.kind === 'point') return `at ${sec(t.start)} (±${tol} us)`;
    return `in ${sec(t.start)}~${sec(t.end)} (±${tol} us)`;
  }

  private advanceTo(t: number): void {
    this.advanceUntil(t, () => false);
  }

  /** Run the target until time `t` or until `stop()` holds, servicing frames and a pending call. */
  private advanceUntil(t: number, stop: () => boolean): void {
    this.collect();
    while (!stop() && this.target.now() < t) {
      const now = this.target.now();
      let next = Math.min(t, now + this.step);
      if (this.target.nextActivityUs) {
        const na = this.target.nextActivityUs();
        next = na === null ? t : Math.min(t, Math.max(na, now + 1));
      }
      if (this.pending && !this.pending.any) next = Math.min(next, Math.max(now + 1, this.pending.end + this.pending.tol + 1));
      this.target.runUntil(next);
      this.collect();
      this.pollPending();
    }
  }

  private pollPending(): void {
    const p = this.pending;
    if (!p) return;
    const o = p.call.attempt();
    if (o.done) {
      this.pending = null;
      this.finishCall(p, o.result);
    } else if (!p.any && this.target.now() > p.end + p.tol) {
      this.fail('syscall', p.ev, p.end, `blocking ${p.ev.name}() did not return by ${sec(p.end + p.tol)} (expected at ${sec(p.end)} ±${p.tol} us)`);
    }
  }

  /** Move emitted frames to the queue; answer ARP requests for the script's address. */
  private collect(): void {
    for (const f of this.target.takeOutbound()) {
      this.wire.push({ timeUs: f.timeUs, direction: 'out', frame: f.frame });
      const parsed = parseFrame(f.frame);
      if (parsed.ok && parsed.value.kind === 'arp') {
        const a = parsed.value.arp;
        if (a.op === 1 && a.targetIp === toIpv4(this.net.remoteIp)) {
          const reply = buildArpReply({ srcMac: this.net.remoteMac, srcIp: this.net.remoteIp, dstMac: a.senderMac, dstIp: a.senderIp });
          this.target.injectFrame(reply);
          this.wire.push({ timeUs: this.target.now(), direction: 'in', frame: reply });
        }
        continue;
      }
      this.outQueue.push(f);
    }
  }

  private fail(kind: FailureKind, ev: ScriptEvent, scriptTimeUs: number | null, message: string, extra: Partial<RunFailure> = {}): never {
    throw new Abort({
      kind, line: ev.loc.line, source: ev.source.trim(), scriptTimeUs: scriptTimeUs !== null && Number.isFinite(scriptTimeUs) ? scriptTimeUs : null,
      timeUs: this.target.now(), message, ...extra,
    });
  }
}

function describeOther(f: Frame): string {
  return f.kind === 'arp' ? 'ARP' : f.kind === 'other' ? `ethertype 0x${f.eth.ethertype.toString(16)}` : 'TCP';
}

/** µs -> `0.100000` seconds, packetdrill style. */
export function sec(us: number): string {
  return Number.isFinite(us) ? `${(us / 1e6).toFixed(6)}` : 'never';
}
