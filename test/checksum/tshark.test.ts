// Frames built by the TX checksum inserter, written to a pcap and dissected by Wireshark (tshark) with checksum
// validation on: every frame must be TCP over IPv4 with both checksums "good", and no frame malformed.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { simulate } from '../../sim/harness.ts';
import { writePcap } from '../../sim/packet/index.ts';
import { TxChecksum } from '../../blocks/checksum/tx-checksum.ts';
import { simBackends } from '../backends.ts';
import { buildFrame, frameSpec } from './frames.ts';
import { runFrames } from './run.ts';
import { txInput } from './tx-input.ts';

const tshark = spawnSync('tshark', ['--version'], { encoding: 'utf8' });
const haveTshark = tshark.status === 0;
if (!haveTshark) console.log('skipping the Wireshark checks of the TX checksum inserter: tshark is not installed (scripts/setup.sh installs it as root)');

interface Dissected { frame: number; ipChecksum: string; tcpChecksum: string; messages: string; malformed: boolean }

/** Dissects a pcap with IPv4 and TCP checksum validation on; one row per frame. */
function dissect(frames: Uint8Array[]): Dissected[] {
  const dir = mkdtempSync(join(tmpdir(), 'toe-tshark-'));
  try {
    const file = join(dir, 'tx_checksum.pcap');
    writeFileSync(file, writePcap(frames.map((data, i) => ({ ts: { sec: 1_700_000_000 + i, nsec: 0 }, data, origLen: data.length }))));
    const r = spawnSync('tshark', [
      '-r', file, '-o', 'tcp.check_checksum:TRUE', '-o', 'ip.check_checksum:TRUE',
      '-T', 'fields', '-E', 'separator=|', '-e', 'frame.number', '-e', 'ip.checksum.status', '-e', 'tcp.checksum.status',
      '-e', '_ws.expert.message', '-e', '_ws.malformed',
    ], { encoding: 'utf8', maxBuffer: 64 << 20 });
    if (r.status !== 0) throw new Error(`tshark failed (${r.status}): ${r.stderr}`);
    return r.stdout.trim().split('\n').map((line) => {
      const [frame, ipChecksum, tcpChecksum, messages, malformed] = line.split('|');
      return { frame: Number(frame), ipChecksum: ipChecksum ?? '', tcpChecksum: tcpChecksum ?? '', messages: messages ?? '', malformed: !!malformed };
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** What a clean frame looks like to Wireshark: checksum status 1 ("good") for both, nothing malformed. */
const clean = (d: Dissected) => d.ipChecksum === '1' && d.tcpChecksum === '1' && !d.malformed && !/checksum|malformed/i.test(d.messages);

describe.skipIf(!haveTshark)('Wireshark on the TX checksum inserter\'s frames', () => {
  it('tshark flags a bad TCP checksum, a bad IPv4 checksum and a malformed frame (the check can fail)', () => {
    const good = buildFrame(fc.sample(frameSpec(200), { numRuns: 1, seed: 1 })[0]!);
    const headerEnd = 14 + (good[14]! & 15) * 4;
    const badTcp = good.slice(); badTcp[headerEnd + 16]! ^= 0x40;
    const badIp = good.slice(); badIp[24]! ^= 0x01;
    const cut = good.slice(0, headerEnd + 10);
    expect(dissect([good, badTcp, badIp, cut]).map(clean)).toEqual([true, false, false, false]);
  });

  describe.each(simBackends())('%s', (backend) => {
    describe.each([8, 64, 512])('%i-bit', async (width) => {
      const sim = await simulate(TxChecksum, { width, mode: 'both' }, { backend });
      afterAll(() => sim.close());

      it('random frames (options, padding, up to jumbo), both modes: every checksum good, nothing malformed', () => {
        const cases = fc.sample(fc.record({ spec: frameSpec(9000), usePartial: fc.boolean(), garbage: fc.uint8Array({ minLength: 4, maxLength: 4 }) }), { numRuns: width === 8 ? 30 : 60, seed: width });
        const inputs = cases.map((c) => txInput(buildFrame(c.spec), 'both', c.usePartial, c.garbage));
        sim.reset();
        const out = runFrames(sim as never, width / 8, inputs, { gap: 0.1, backpressure: 0.1, seed: 7 });
        const rows = dissect(out.map((f) => f.data));
        expect(rows.length).toBe(cases.length);
        expect(rows.filter((d) => !clean(d))).toEqual([]);
      });
    });
  });
});
