/**
 * The script's `--option=value` lines that change how the runner behaves. Others are either
 * meaningless for a simulated target (noted in the report) or unknown (classifyScript reports them).
 */
import type { Script } from '../ast.ts';
import { DEFAULT_TOLERANCE_USECS } from './tolerance.ts';

export interface ScriptSettings {
  toleranceUsecs: number;
  tolerancePercent: number;
  tsTickUsecs: number;
  bindPort: number;
  connectPort: number;
  notes: string[];
}

/** Options that only make sense on a real host; the runner ignores them with a note. */
const IGNORED = new Set([
  'local_ip', 'remote_ip', 'gateway_ip', 'netmask_ip', 'local_linklocal_ip', 'speed', 'mtu', 'init_scripts',
  'non_fatal', 'verbose', 'debug', 'dry_run', 'define', 'so_filename', 'so_flags', 'send_omit_free', 'mss',
  'wire_client', 'wire_server', 'wire_server_ip', 'wire_server_port', 'wire_client_dev', 'wire_server_dev',
]);

export function scriptSettings(script: Script): ScriptSettings {
  const s: ScriptSettings = {
    toleranceUsecs: DEFAULT_TOLERANCE_USECS, tolerancePercent: 0, tsTickUsecs: 0, bindPort: 8080, connectPort: 8080, notes: [],
  };
  const num = (name: string, v: string | null, line: number): number | null => {
    const n = v === null ? NaN : Number(v);
    if (!Number.isFinite(n) || n < 0) {
      s.notes.push(`line ${line}: --${name}=${v ?? ''} is not a non-negative number; default kept`);
      return null;
    }
    return n;
  };
  for (const o of script.options) {
    const line = o.loc.line;
    switch (o.name) {
      case 'tolerance_usecs': s.toleranceUsecs = num(o.name, o.value, line) ?? s.toleranceUsecs; break;
      case 'tolerance_percent': s.tolerancePercent = num(o.name, o.value, line) ?? s.tolerancePercent; break;
      case 'tcp_ts_tick_usecs': s.tsTickUsecs = num(o.name, o.value, line) ?? s.tsTickUsecs; break;
      case 'bind_port': s.bindPort = num(o.name, o.value, line) ?? s.bindPort; break;
      case 'connect_port': s.connectPort = num(o.name, o.value, line) ?? s.connectPort; break;
      case 'ip_version': break; // ipv4 (anything else is reported unsupported by classifyScript)
      default:
        if (IGNORED.has(o.name)) s.notes.push(`line ${line}: --${o.name} ignored (addresses are fixed in 198.18.0.0/15; no host setup)`);
    }
  }
  return s;
}
