// The IR: a typed signal graph per module. The front end (dsl/) builds it; passes check it; back ends read it.

export interface SrcLoc { file: string; line: number; col: number }

/** A hardware scalar type: a bit-vector of a width, unsigned or two's-complement signed. */
export interface ScalarType { readonly width: number; readonly signed: boolean }

export type OpKind =
  | 'add' | 'sub' | 'mul' | 'neg'
  | 'and' | 'or' | 'xor' | 'not'
  | 'eq' | 'ne' | 'lt' | 'le' | 'gt' | 'ge'
  | 'shl' | 'shr' | 'dshl' | 'dshr'
  | 'bit' | 'dbit' | 'slice' | 'cat' | 'rep'
  | 'andr' | 'orr' | 'xorr'
  | 'zext' | 'sext' | 'cast'
  | 'mux';

export type NodeKind =
  | 'const'   // a literal
  | 'input'   // a module input port
  | 'op'      // an operator applied to argument nodes
  | 'wire'    // a named combinational signal (outputs, wires, instance inputs), driven by `driver`
  | 'reg'     // a register in a clock domain; `driver` is its next value
  | 'memread' // the registered data of a memory read port
  | 'instout';// an output of a child instance

export interface IrNode {
  readonly id: number;
  readonly kind: NodeKind;
  readonly width: number;
  readonly signed: boolean;
  readonly loc: SrcLoc | undefined;
  readonly module: IrModule;
  /** A name given explicitly or by the port it is; otherwise resolved from the TS variable. */
  name?: string;
  /** For the leaves of a struct or vector value: the field path, appended to the resolved name. */
  nameSuffix?: string;
  /** For 'op'. */
  op?: OpKind;
  args?: IrNode[];
  /** Constant parameters of an op: bit index, slice [hi, lo], shift amount, replicate count. */
  params?: number[];
  /** For 'const'. The value as an unsigned bit pattern. `symbol` names a localparam (FSM states). */
  value?: bigint;
  symbol?: IrLocalParam;
  /** For 'wire' and 'reg' after lowering: the driving expression / next value. */
  driver?: IrNode;
  /** For 'reg'. */
  reg?: IrRegInfo;
  /** For 'memread'. */
  memPort?: IrMemReadPort;
  /** For 'instout'. */
  inst?: IrInstance;
  instPort?: string;
  /** For 'input' / output 'wire': the port. */
  port?: IrPort;
}

export interface IrRegInfo {
  domain: IrDomain;
  /** Reset value (unsigned pattern) under the domain's synchronous reset; undefined = no reset. */
  reset: bigint | undefined;
  /** Marks the first stage of a synchroniser: the only legal reader of another domain's register. */
  syncStage?: boolean;
  /** Gates every update: the register holds when low. */
  enable?: IrNode;
}

export interface IrDomain {
  readonly name: string;      // 'default' for the implicit clk/rst domain
  readonly clock: string;     // clock port name
  readonly reset: string;     // reset port name
  readonly loc: SrcLoc | undefined;
  /** Set by lowering: whether the domain's clock / reset are used in the module. */
  usedClock?: boolean;
  usedReset?: boolean;
}

export interface IrPort {
  readonly name: string;
  readonly dir: 'in' | 'out';
  readonly node: IrNode;      // 'input' node, or the output 'wire' node
  readonly loc: SrcLoc | undefined;
  /** Clock or reset of a domain, created by the toolkit rather than declared in io. */
  readonly domainPort?: { domain: IrDomain; role: 'clock' | 'reset' };
}

export interface IrMemory {
  readonly id: number;
  name?: string;
  readonly width: number;
  readonly depth: number;
  readonly addrWidth: number;
  readonly init: bigint[] | undefined;
  readonly loc: SrcLoc | undefined;
  readonly writePorts: IrMemWritePort[];
  readonly readPorts: IrMemReadPort[];
}

export interface IrMemWritePort {
  readonly domain: IrDomain;
  addr: IrNode; data: IrNode; enable: IrNode;
  /** Optional per-byte write mask (one bit per 8 data bits). */
  mask?: IrNode;
  readonly loc: SrcLoc | undefined;
}

export interface IrMemReadPort {
  readonly memory: IrMemory;
  readonly domain: IrDomain;
  addr: IrNode; enable: IrNode;
  readonly data: IrNode; // the 'memread' node
  readonly loc: SrcLoc | undefined;
}

export interface IrInstance {
  readonly id: number;
  name?: string;
  readonly module: IrModule;        // the child
  readonly parent: IrModule;
  readonly loc: SrcLoc | undefined;
  /** Child input port name → the parent's wire that drives it. */
  readonly inputs: Map<string, IrNode>;
  /** Child output port name → the parent's 'instout' node. */
  readonly outputs: Map<string, IrNode>;
  /** Child domain name → parent domain that clocks it. */
  readonly domains: Map<string, IrDomain>;
}

export interface IrLocalParam {
  /** The symbol as written (an FSM state name); the emitter prefixes it with `owner`'s name on a clash. */
  name: string;
  width: number;
  value: bigint;
  loc: SrcLoc | undefined;
  owner?: IrNode;
}

export interface IrModule {
  /** The emitted module name: the generator's name plus its parameters. */
  name: string;
  readonly baseName: string;
  readonly params: Record<string, unknown>;
  readonly loc: SrcLoc | undefined;
  readonly ports: IrPort[];
  readonly nodes: IrNode[];
  readonly domains: IrDomain[];
  readonly memories: IrMemory[];
  readonly instances: IrInstance[];
  readonly localparams: IrLocalParam[];
  /** External Verilog: no body is emitted; `verilog` is copied into the design's files. */
  blackbox?: { verilog: string; fileName: string };
  /** Set by the comb-path pass: output port name → input port names it depends on combinationally. */
  combPaths?: Map<string, Set<string>>;
}

/** An elaborated design: the top module and every module it instantiates, children first. */
export interface IrDesign {
  readonly top: IrModule;
  readonly modules: IrModule[];
}
