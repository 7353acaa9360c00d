// A HOST_NOTE command as a NOTE completion: packed with the NoteCpl layout, then carried in the ordinary
// completion fields (CplFields) the ring engine's completion writer takes, so its bytes land as NoteCpl says.
import { lit, mux, UInt, type Sig } from '../../dsl/index.ts';
import { Cpl, CplKind, NoteCpl } from '../host/layouts.ts';
import { packLayout, unpackLayout } from '../host/layout-rtl.ts';
import { HostNote } from '../../firmware/api.ts';
import type { CommandFieldName } from '../lib/fw-record.ts';

export type NoteFields = Record<CommandFieldName<'HOST_NOTE'>, Sig>;

/** The completion fields (all of Cpl but phase) of the NOTE completion for `n`. */
export function noteCompletion(n: NoteFields): Record<Exclude<(typeof Cpl.fields)[number]['name'], 'phase'>, Sig> {
  const arg = mux(n.note.eq(HostNote.SEND_DONE), n.value, n.remote_ip);
  const bytes = packLayout(NoteCpl, {
    kind: lit(CplKind.NOTE, UInt(8)), note: n.note, status: n.status, req: n.req, conn: n.conn,
    localPort: n.local_port, arg, remotePort: n.remote_port,
  });
  const { phase: _phase, ...fields } = unpackLayout(Cpl, bytes);
  return fields;
}
