// The receive window a TOE advertises never exceeds its receive buffer, whatever the peer's ISN: after an active
// open against a peer whose ISN is 2^31 or more, the window's right edge once started ~2 GB ahead (found against
// Linux through the TAP test; the edge's "never move left" comparison is modulo 2^32).
import { describe, expect, it } from 'vitest';
import { parseFrame, TcpFlags } from '../../sim/packet/index.ts';
import { DEFAULT_FW_CONFIG } from '../../firmware/config.ts';
import { makePair } from './harness.ts';
import { bidirectional } from './transfer.ts';

describe('advertised receive window', () => {
  it.each([0x0000_1000, 0x7fff_ff00, 0x8000_0000, 0x9000_0000, 0xffff_ff00])('stays within the receive buffer after an active open to a peer with ISN %i', (peerIss) => {
    const p = makePair({ b: { fw: { iss: () => peerIss } } });
    let largest = 0, frames = 0;
    p.link.taps.push((bytes, from) => {
      const r = parseFrame(bytes);
      if (from !== 'A' || !r.ok || r.value.kind !== 'tcp' || r.value.tcp.flags & TcpFlags.SYN) return;
      frames++;
      largest = Math.max(largest, r.value.tcp.window << DEFAULT_FW_CONFIG.wscale);
    });
    const t = bidirectional(p, 256 * 1024);
    expect([t.gotB, t.gotA]).toEqual([t.sentA, t.sentB]);
    expect(frames).toBeGreaterThan(10);
    expect(largest).toBeLessThanOrEqual(DEFAULT_FW_CONFIG.rcvbuf);
    expect(largest).toBeGreaterThan(DEFAULT_FW_CONFIG.rcvbuf / 4);
  });
});
