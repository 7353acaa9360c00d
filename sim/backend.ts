// The interface every simulator back end implements; the harness (sim/harness.ts) drives tests through it.
// Back ends: sim/verilator (the Verilated C++ model in-process) and sim/native (the IR compiled to JavaScript).

export interface BackendPort {
  name: string;
  dir: 'in' | 'out';
  width: number;
  signed: boolean;
  /** Set for clock and reset ports of a clock domain. */
  clockOf?: string;
  resetOf?: string;
}

/** A cheap accessor for one port: get/set close over the storage (no name lookup per call). */
export interface PortAccess {
  /** Current value: a number for widths up to 32 bits, a bigint above. Signed ports read as signed. */
  get(): number | bigint;
  /** Sets an input (masked to the port width; negative values for signed ports are two's complement). */
  set(v: number | bigint): void;
}

export interface SimBackend {
  readonly kind: 'verilator' | 'native';
  readonly ports: readonly BackendPort[];
  port(name: string): PortAccess;
  /** Settles combinational logic after inputs changed. */
  eval(): void;
  /**
   * One rising edge of the given clock port's domain, then settles: registers and memories of that domain
   * update from the values they saw before the edge.
   */
  edge(clock: string): void;
  /** Starts writing a waveform (VCD or FST, by extension) of every signal; `timePs` is the current time. */
  openWaves?(file: string): void;
  /** Records the current values at a time (picoseconds). */
  dumpWaves?(timePs: number): void;
  closeWaves?(): void;
  dispose(): void;
}
