// A TS model of the Hybrid TOE's hardware behind firmware/api.ts, its host API, and a link to join two of them.
export { Toe, DEFAULT_TOE_CONFIG, type ToeConfig, type ToeStats } from './toe.ts';
export { HostStack, HostSocket } from './host.ts';
export { Link, DEFAULT_LINK, type LinkConfig } from './link.ts';
export { Scheduler } from './scheduler.ts';
export { SkbPool, SkbOwner } from './skb-pool.ts';
export { CoreRunner } from './core-runner.ts';
