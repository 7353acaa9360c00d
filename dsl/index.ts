// The public API of the TypeScript HDL. Blocks and examples import only from here.
export { UInt, SInt, Bool, Struct, Vec, Flip, bitWidth, ScalarT, StructT, VecT, FlipT, type HwType } from './types.ts';
export { Sig, Wire, mux, cat, lit, type SigLike } from './signal.ts';
export { when, switchOn, type WhenChain, type SwitchChain } from './control.ts';
export { fsm, Fsm } from './fsm.ts';
export { synchronize } from './cdc.ts';
export { Stream, AxiLite, type StreamOpts } from './interfaces.ts';
export {
  defineModule, blackbox, elaborate, input, output, ModuleBuilder, Memory, Domain,
  type ModuleDef, type IoSpec, type IoValue, type InstValue, type PortDecl, type StateOf,
} from './module.ts';
export { HdlError, formatLoc } from './errors.ts';
export { clog2 } from './ops.ts';
export type * from './ir.ts';
