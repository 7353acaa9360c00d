// A private network namespace for one test run: its only interfaces are lo and the TAP we move into it, so no
// frame can leave the machine. Everything goes through `ip`; the namespace is deleted on close, on a failed setup,
// and (synchronously) at process exit if a test forgot.
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';

function ip(args: string[]): string {
  const r = spawnSync('ip', args, { encoding: 'utf8' });
  if (r.error) throw new Error(`ip ${args.join(' ')}: ${r.error.message}`);
  if (r.status !== 0) throw new Error(`ip ${args.join(' ')} exited ${r.status}: ${r.stderr.trim()}`);
  return r.stdout;
}

const open = new Set<string>();
let exitHook = false;

export class Netns {
  private closed = false;

  private constructor(readonly name: string) {}

  /** `ip netns add name`; removed at process exit at the latest. */
  static create(name: string): Netns {
    if (!/^[A-Za-z0-9_.-]{1,64}$/.test(name)) throw new Error(`netns: bad name '${name}'`);
    ip(['netns', 'add', name]);
    open.add(name);
    if (!exitHook) {
      exitHook = true;
      process.on('exit', () => { for (const n of open) spawnSync('ip', ['netns', 'delete', n]); });
    }
    return new Netns(name);
  }

  /** `ip -n name ...` */
  ip(...args: string[]): string { return ip(['-n', this.name, ...args]); }

  /** A command line that runs `cmd` inside the namespace (for spawn). */
  execArgs(cmd: string, args: string[]): [string, string[]] { return ['ip', ['netns', 'exec', this.name, cmd, ...args]]; }

  /** Run a command inside the namespace and return its stdout. */
  exec(cmd: string, ...args: string[]): string { return ip(['netns', 'exec', this.name, cmd, ...args]); }

  /** Move interface `dev` (in our namespace) into this one. Open fds on a TAP stay valid. */
  adopt(dev: string): void { ip(['link', 'set', dev, 'netns', this.name]); }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    open.delete(this.name);
    ip(['netns', 'delete', this.name]);
  }
}

/** Why a TAP-in-a-namespace test cannot run here, or undefined when it can. */
export function netnsUnavailable(): string | undefined {
  if (process.platform !== 'linux') return `not Linux (${process.platform})`;
  if (process.getuid?.() !== 0) return 'not root: creating a network namespace and a TAP device needs CAP_NET_ADMIN (run as root)';
  if (!fs.existsSync('/dev/net/tun')) return '/dev/net/tun is missing (load the tun module)';
  if (spawnSync('ip', ['-V']).error) return '`ip` (iproute2) is not on PATH';
  if (spawnSync('gcc', ['--version']).error) return 'gcc is not on PATH (needed to build the TAP addon)';
  const probe = `toe-probe-${process.pid}`;
  const r = spawnSync('ip', ['netns', 'add', probe], { encoding: 'utf8' });
  if (r.status !== 0) return `\`ip netns add\` does not work here: ${(r.stderr || r.error?.message || '').trim()}`;
  spawnSync('ip', ['netns', 'delete', probe]);
  return undefined;
}
