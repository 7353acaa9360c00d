// The TOE as RTL: toe_top simulated (Verilator by default), with its MAC ports on a link, the firmware of both
// cores (firmware/rx-core.ts, tx-core.ts) running against its firmware buses over AXI4-Lite (core.ts), and a host
// (host memory on m_axi, the host registers on s_axil). It is a LinkEnd, so it can face the TS model of the TOE,
// another RtlToe, or a scripted peer through sim/toe_model/link.ts; `cosim.ts` keeps its clock in step with the
// link's scheduler.
import type { Sim } from '../harness.ts';
import { simulate, type BackendKind } from '../harness.ts';
import { AxisSink, AxisSource } from '../stream-models.ts';
import { toIpv4, toMac, type Ipv4Input, type MacInput } from '../packet/index.ts';
import type { LinkEnd } from '../toe_model/link.ts';
import { DEFAULT_FW_CONFIG, type FwConfig } from '../../firmware/config.ts';
import { ConnTable } from '../../firmware/conn.ts';
import { RxCore } from '../../firmware/rx-core.ts';
import { TxCore } from '../../firmware/tx-core.ts';
import { DEFAULT_CORE_HZ, DEFAULT_COSTS, type CostTable } from '../../firmware/costs.ts';
import { ToeTop, TOE_CSR_BASE } from '../../blocks/toe_top/toe-top.ts';
import { csrAddr } from '../../blocks/toe_top/csr-map.ts';
import { toeTopDefaults } from '../../blocks/toe_top/params.ts';
import { RtlCore } from './core.ts';
import { RtlHost } from './host.ts';

export interface RtlToeConfig {
  name: string;
  mac: MacInput;
  ip: Ipv4Input;
  /** The TOE clock: 156.25 MHz (64-bit datapath at 10 GbE). */
  clockHz: number;
  coreHz: number;
  costs: CostTable;
  fw: Partial<FwConfig>;
  /** Static neighbours (IP, MAC) entered through the NEIGH_* CSRs: an active open needs the peer's MAC. */
  neighbours: [Ipv4Input, MacInput][];
  /** Delayed-ACK timeout (the TOE model's default: 200 µs). */
  delackUs: number;
  backend: BackendKind;
  /** Write an FST of the whole run (Verilator; named after the running test). TOE_WAVES=1 does it for every test. */
  waves?: boolean;
}

export const DEFAULT_RTL_TOE: Omit<RtlToeConfig, 'name' | 'mac' | 'ip'> = {
  clockHz: 156.25e6, coreHz: DEFAULT_CORE_HZ, costs: DEFAULT_COSTS, fw: {}, neighbours: [], delackUs: 200, backend: 'verilator',
};

export class RtlToe implements LinkEnd {
  readonly cfg: RtlToeConfig;
  readonly fwCfg: FwConfig;
  readonly fwConns: ConnTable;
  readonly rxFirmware: RxCore;
  readonly txFirmware: TxCore;
  readonly rxCore: RtlCore;
  readonly txCore: RtlCore;
  /** The host: its socket API over the real rings, host memory on m_axi. */
  readonly host: RtlHost;
  private readonly macRx: AxisSource;
  private readonly macTx: AxisSink;
  private out: ((frame: Uint8Array) => void) | undefined;
  /** Frames the MAC sent and received. */
  readonly stats = { txFrames: 0, rxFrames: 0 };

  static async create(cfg: Partial<RtlToeConfig> & Pick<RtlToeConfig, 'name' | 'mac' | 'ip'>): Promise<RtlToe> {
    const full = { ...DEFAULT_RTL_TOE, ...cfg };
    const sim = await simulate(ToeTop, {}, { backend: full.backend, ...(full.waves !== undefined ? { waves: full.waves } : {}) });
    return new RtlToe(sim, full);
  }

  private constructor(readonly sim: Sim<unknown>, cfg: RtlToeConfig) {
    this.cfg = cfg;
    this.fwCfg = { ...DEFAULT_FW_CONFIG, ...cfg.fw };
    if (this.fwCfg.maxConns > toeTopDefaults.conns) throw new Error(`${cfg.name}: the RTL has ${toeTopDefaults.conns} connections, the firmware asks for ${this.fwCfg.maxConns}`);
    sim.reset();
    sim.poke('mac_rx_tuser' as never, 0 as never);
    this.macRx = new AxisSource(sim, 'mac_rx');
    this.macTx = new AxisSink(sim, 'mac_tx');
    // Frames leave as the MAC takes their last beat.
    sim.addAgent({ sample: () => { this.flushTx(); } });
    this.host = new RtlHost(sim);
    this.configure();
    this.host.init();
    this.fwConns = new ConnTable(this.fwCfg.maxConns);
    this.rxFirmware = new RxCore(this.fwConns, this.fwCfg, cfg.costs);
    this.txFirmware = new TxCore(this.fwConns, this.fwCfg, cfg.costs);
    const coreOpts = { busHz: cfg.clockHz, coreHz: cfg.coreHz, costs: cfg.costs };
    this.rxCore = new RtlCore(sim, 'rx_core', this.rxFirmware, coreOpts);
    this.txCore = new RtlCore(sim, 'tx_core', this.txFirmware, coreOpts);
  }

  get name(): string { return this.cfg.name; }

  /** The TOE's addresses and timing CSRs, written by the host before anything else. */
  private configure(): void {
    const mac = toMac(this.cfg.mac);
    const macLo = ((mac[2]! << 24) | (mac[3]! << 16) | (mac[4]! << 8) | mac[5]!) >>> 0;
    const w = (name: Parameters<typeof csrAddr>[0], v: number) => this.host.mmio.writeNow(TOE_CSR_BASE + csrAddr(name), v);
    w('MAC_LO', macLo);
    w('MAC_HI', (mac[0]! << 8) | mac[1]!);
    w('IP', toIpv4(this.cfg.ip));
    const perUs = Math.round(this.cfg.clockHz / 1e6);
    w('TICK_CYCLES', perUs);
    w('DELACK_CYCLES', Math.round(this.cfg.delackUs * this.cfg.clockHz / 1e6));
    for (const [ip, macIn] of this.cfg.neighbours) {
      const m = toMac(macIn);
      w('NEIGH_IP', toIpv4(ip));
      w('NEIGH_MAC_LO', ((m[2]! << 24) | (m[3]! << 16) | (m[4]! << 8) | m[5]!) >>> 0);
      w('NEIGH_MAC_HI', (m[0]! << 8) | m[1]!);
    }
    // tcp_timers clears its table after reset (one row per cycle).
    this.sim.step(toeTopDefaults.conns + 8);
  }

  attach(out: (frame: Uint8Array) => void): void { this.out = out; }

  receiveFrame(frame: Uint8Array): void {
    this.stats.rxFrames++;
    this.macRx.send(frame);
  }

  private flushTx(): void {
    while (this.macTx.frames.length) {
      const f = this.macTx.frames.shift()!;
      this.stats.txFrames++;
      this.out?.(f.data);
    }
  }

  /** Simulated time of the RTL, ns. */
  get nowNs(): number { return (this.sim.cycle / this.cfg.clockHz) * 1e9; }

  /** Steps the RTL until its time reaches `ns`; a firmware core that threw stops the run with its error. */
  stepTo(ns: number): void {
    const target = Math.ceil((ns * this.cfg.clockHz) / 1e9);
    if (target > this.sim.cycle) this.sim.step(target - this.sim.cycle);
    for (const core of [this.rxCore, this.txCore]) if (core.error) throw core.error;
  }

  /** Both cores asleep with no event waiting. */
  get quiet(): boolean { return this.rxCore.idle && this.txCore.idle; }

  close(): void { this.sim.close(); }
}
