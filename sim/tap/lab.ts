// A TOE facing the Linux kernel's TCP stack: a private network namespace `toe-<pid>-<n>` whose only non-loopback
// interface is a TAP device; the kernel owns 198.18.0.1 on it, the TOE (in this process, on the TAP's other end)
// owns 198.18.0.2. Peers are processes started inside the namespace. `LinuxLab` puts the TOE model there (it
// answers ARP); rtl-lab.ts the RTL TOE.
import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Scheduler } from '../toe_model/scheduler.ts';
import { projectRoot } from '../verilator/paths.ts';
import { Toe, type ToeConfig } from '../toe_model/toe.ts';
import { loadTapAddon } from './addon.ts';
import type { PeerArgs, PeerDone, PeerMessage } from './linux-peer.ts';
import { Netns } from './netns.ts';
import { TapLink, type TapLinkOptions } from './tap-link.ts';

/** RFC 2544 benchmarking addresses only. */
export const KERNEL_IP = '198.18.0.1';
export const TOE_IP = '198.18.0.2';
export const KERNEL_MAC = '02:00:00:12:00:01';
export const TOE_MAC = '02:00:00:12:00:02';

export interface LabOptions {
  toe?: Partial<ToeConfig>;
  link?: TapLinkOptions;
}

let labs = 0;
const peerScript = path.join(path.dirname(fileURLToPath(import.meta.url)), 'linux-peer.ts');

export interface TapNamespaceOptions {
  /**
   * Enter the TOE's MAC as a permanent neighbour of the kernel (for a TOE that does not answer ARP); otherwise the
   * kernel resolves it with ARP (the TOE model and the RTL both answer).
   */
  staticToeNeighbour?: boolean;
}

/** A namespace with the TAP in it: the TAP's fd stays in this process. */
export interface TapEnd { ns: Netns; tapName: string; fd: number }

/** Creates namespace `toe-<pid>-<n>` and the TAP (created here, then moved into it), gives the kernel its address. */
export function openTapNamespace(o: TapNamespaceOptions = {}): TapEnd {
  const addon = loadTapAddon();
  const id = `${process.pid}-${++labs}`;
  const ns = Netns.create(`toe-${id}`);
  let fd = -1;
  try {
    const tap = addon.openTap(`toe${process.pid}t${labs}`); // IFNAMSIZ: at most 15 bytes
    fd = tap.fd;
    // No IPv6 on the TAP (no router solicitations or MLD in the capture); best effort, IPv6 may be absent.
    try { ns.exec('sysctl', '-qw', 'net.ipv6.conf.all.disable_ipv6=1', 'net.ipv6.conf.default.disable_ipv6=1'); } catch { /* no IPv6 */ }
    ns.adopt(tap.name);
    ns.ip('link', 'set', 'lo', 'up');
    ns.ip('link', 'set', tap.name, 'address', KERNEL_MAC);
    ns.ip('addr', 'add', `${KERNEL_IP}/24`, 'dev', tap.name);
    ns.ip('link', 'set', tap.name, 'up');
    if (o.staticToeNeighbour) ns.ip('neigh', 'replace', TOE_IP, 'lladdr', TOE_MAC, 'dev', tap.name, 'nud', 'permanent');
    return { ns, tapName: tap.name, fd };
  } catch (e) {
    if (fd >= 0) fs.closeSync(fd);
    ns.close();
    throw e;
  }
}

/** Closes the TAP and deletes the namespace. Safe to call twice. */
export function closeTapNamespace(t: TapEnd): void {
  try { fs.closeSync(t.fd); } catch { /* closed already */ }
  t.ns.close();
}

/**
 * The kernel's side of a lab: the namespace, the TAP and the peers started inside it. What sits on the TAP's
 * other end (the TOE model, the RTL TOE) is the subclass's business.
 */
export class TapNamespace {
  readonly ns: Netns;
  readonly tapName: string;
  private readonly peers: LinuxPeer[] = [];

  protected constructor(private readonly tap: TapEnd) {
    this.ns = tap.ns;
    this.tapName = tap.tapName;
  }

  /** Start the Linux end inside the namespace (from the project root, where `--import tsx` resolves). */
  spawnPeer(args: PeerArgs): LinuxPeer {
    const [cmd, argv] = this.ns.execArgs(process.execPath, ['--import', 'tsx', peerScript, JSON.stringify(args)]);
    const p = new LinuxPeer(spawn(cmd, argv, { cwd: projectRoot(), stdio: ['ignore', 'pipe', 'pipe'] }));
    this.peers.push(p);
    return p;
  }

  /** The kernel's TCP counters in the namespace (/proc/net/snmp as seen from inside it). */
  kernelTcp(): Record<string, number> {
    const lines = this.ns.exec('cat', '/proc/net/snmp').split('\n').filter((l) => l.startsWith('Tcp:'));
    const [keys, values] = lines.map((l) => l.split(/\s+/).slice(1));
    const out: Record<string, number> = {};
    keys?.forEach((k, i) => { out[k] = Number(values?.[i]); });
    return out;
  }

  /** Stop the peers, close the TAP, delete the namespace. Safe to call twice. */
  close(): void {
    for (const p of this.peers) p.kill();
    closeTapNamespace(this.tap);
  }
}

/** The TOE model on the TAP, paced against the wall clock (tap-link.ts). */
export class LinuxLab extends TapNamespace {
  readonly sched = new Scheduler();
  readonly toe: Toe;
  readonly link: TapLink;

  private constructor(tap: TapEnd, o: LabOptions) {
    super(tap);
    this.toe = new Toe(this.sched, {
      name: 'toe', mac: TOE_MAC, ip: TOE_IP,
      // The model has no ARP requester: the kernel's MAC is configured (it answers the kernel's requests).
      neighbours: [[KERNEL_IP, KERNEL_MAC]],
      ...o.toe,
    });
    this.link = new TapLink(this.sched, this.toe, loadTapAddon(), tap.fd, o.link);
  }

  /** Namespace, TAP, addresses, TOE model, link. */
  static open(o: LabOptions = {}): LinuxLab {
    const tap = openTapNamespace();
    try { return new LinuxLab(tap, o); } catch (e) { closeTapNamespace(tap); throw e; }
  }
}

/** A peer process: its JSON messages as they arrive, its stderr for error messages. */
export class LinuxPeer {
  readonly messages: PeerMessage[] = [];
  stderr = '';
  exitCode: number | null | undefined;
  private line = '';

  constructor(private readonly child: ChildProcess) {
    child.stdout!.setEncoding('utf8').on('data', (s: string) => {
      this.line += s;
      let i: number;
      while ((i = this.line.indexOf('\n')) >= 0) {
        const l = this.line.slice(0, i);
        this.line = this.line.slice(i + 1);
        try { this.messages.push(JSON.parse(l) as PeerMessage); } catch { this.stderr += `(stdout) ${l}\n`; }
      }
    });
    child.stderr!.setEncoding('utf8').on('data', (s: string) => { this.stderr += s; });
    child.on('exit', (code, signal) => { this.exitCode = code ?? (signal ? -1 : null); });
  }

  get listening(): boolean { return this.messages.some((m) => m.event === 'listening'); }
  get done(): PeerDone | undefined { return this.messages.find((m): m is PeerDone => m.event === 'done'); }
  get exited(): boolean { return this.exitCode !== undefined; }

  /** Throw with everything the peer said if it failed. */
  check(): void {
    const err = this.messages.find((m) => m.event === 'error');
    if (err || (this.exited && this.exitCode !== 0)) {
      throw new Error(`linux peer failed (exit ${this.exitCode}): ${err && 'message' in err ? err.message : ''}\n${this.stderr}`);
    }
  }

  kill(): void { if (!this.exited) this.child.kill(); }
}
