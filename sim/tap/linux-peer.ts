// The Linux end of a transfer, run inside the test's network namespace (`ip netns exec NS node --import tsx
// linux-peer.ts '<PeerArgs JSON>'`): a kernel TCP socket through Node's `net`, as server or client. It sends
// `bytes` of the seeded pattern, reads until the TOE's FIN, and prints JSON lines on stdout: {"event":"listening"}
// (server, once bound), then {"event":"done",...} with the SHA-256 of what it received, or {"event":"error",...}.
import { createHash } from 'node:crypto';
import * as net from 'node:net';
import { pattern } from './pattern.ts';

export interface PeerArgs {
  role: 'server' | 'client';
  /** Server: address to bind. Client: address to connect to. */
  host: string;
  port: number;
  /** Bytes to send, of pattern(bytes, seed). */
  bytes: number;
  seed: number;
  /** true: FIN right after the data (the TOE sees a half-close); false: FIN only after the TOE's FIN. */
  closeFirst: boolean;
  /** Give up (exit 2) after this long. */
  timeoutMs: number;
}

export interface PeerDone {
  event: 'done';
  received: number;
  sha256: string;
  sentSha256: string;
  /** From connection to close, milliseconds. */
  ms: number;
  /** Milliseconds from connection to the TOE's FIN. */
  eofMs: number;
}

export type PeerMessage = { event: 'listening'; port: number } | PeerDone | { event: 'error'; message: string };

function say(m: PeerMessage): void { process.stdout.write(`${JSON.stringify(m)}\n`); }

function fail(message: string, code: number): never {
  say({ event: 'error', message });
  process.exit(code);
}

function transfer(sock: net.Socket, a: PeerArgs): void {
  const t0 = performance.now();
  const data = pattern(a.bytes, a.seed);
  const hash = createHash('sha256');
  let received = 0, eofMs = -1;
  sock.setNoDelay(true);
  sock.on('data', (d: Buffer) => { hash.update(d); received += d.length; });
  sock.on('end', () => {
    eofMs = performance.now() - t0;
    if (!a.closeFirst) sock.end();
  });
  sock.on('error', (e) => fail(`socket: ${e.message}`, 1));
  sock.on('close', (hadError) => {
    if (hadError) return;
    say({
      event: 'done', received, sha256: hash.digest('hex'), sentSha256: createHash('sha256').update(data).digest('hex'),
      ms: performance.now() - t0, eofMs,
    });
    process.exit(0);
  });
  sock.write(data);
  if (a.closeFirst) sock.end();
}

const args = JSON.parse(process.argv[2] ?? '{}') as PeerArgs;
setTimeout(() => fail(`no clean close within ${args.timeoutMs} ms`, 2), args.timeoutMs);
if (args.role === 'server') {
  const server = net.createServer({ allowHalfOpen: true }, (sock) => { server.close(); transfer(sock, args); });
  server.on('error', (e) => fail(`listen: ${e.message}`, 1));
  server.listen(args.port, args.host, () => say({ event: 'listening', port: args.port }));
} else {
  const sock = net.connect({ host: args.host, port: args.port, allowHalfOpen: true });
  sock.once('connect', () => transfer(sock, args));
  sock.on('error', (e) => fail(`connect: ${e.message}`, 1));
}
