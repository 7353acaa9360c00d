// The small surface the harness drives, with one adapter per simulator back end.
import type { PortAccess } from './backend.ts';

export interface EnginePort { name: string; dir: 'in' | 'out'; width: number; signed: boolean }

export interface Engine {
  readonly kind: 'verilator' | 'native';
  readonly ports: readonly EnginePort[];
  port(name: string): PortAccess;
  /** Settles combinational logic after inputs changed. */
  eval(): void;
  /** One cycle of the main clock: its rising edge at the end of the cycle; time advances one period. */
  tick(): void;
  /** Rising edges of several clocks at one instant (registers of every such domain sample pre-edge values). */
  rise(clocks: string[], timePs: number): void;
  /** Falling edges (nothing is clocked on them; they keep the waveform honest). */
  fall(clocks: string[], timePs: number): void;
  openWaves(file: string): void;
  closeWaves(): void;
  dispose(): void;
}
