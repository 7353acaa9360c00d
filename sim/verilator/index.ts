// Verilator-backed simulation: build a model from Verilog, drive it cycle by cycle from TypeScript.
export type { PortSpec, ModelSpec, BuildOptions, BuildInfo, TraceMode } from './spec.ts';
export { buildModel, VerilatedModel } from './model.ts';
export { buildSharedObject, modelHash } from './build.ts';
export type { Port } from './ports.ts';
export { StreamSource, StreamSink, runStreams } from './stream.ts';
export type { AxisPortNames, RandomPattern, StreamRunOptions, StreamRunResult } from './stream.ts';
