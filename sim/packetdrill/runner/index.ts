/**
 * packetdrill runner: executes parsed scripts (../parser.ts) against a PacketdrillTarget in
 * simulated time and reports pass / fail (first mismatch) / unsupported, with a pcap per run.
 */
export * from './target.ts';
export * from './tolerance.ts';
export { ConnectionMap } from './connection.ts';
export { runScript, runScriptText, sec, type RunOptions, type RunResult, type RunStatus, type RunFailure, type FailureKind, type UnsupportedItem, type WireRecord } from './runner.ts';
export { formatResult, summaryCounts, summaryJsonLine, summaryTable, runPcap, writeRunPcap, type SummaryCounts } from './report.ts';
export { findPktFiles, runDirectory, type DirectoryRun, type RunDirOptions } from './run-dir.ts';
export { remoteByte, localByte, remoteBytes, localBytes } from './payload.ts';
