import { join } from 'node:path';
import { localParts } from '../domain/shared/business-time.js';

/**
 * Where the switch writes a call's audio: `<RECORDINGS_DIR>/<kind>/<local date>/<call uuid>.wav` — one folder
 * per business day (record_session creates it; `record` does not) for calls and for voicemail alike.
 */
export function recordingPath(dir: string, kind: 'calls' | 'voicemail', at: Date, timeZone: string, uuid: string): string {
  return join(dir, kind, localParts(at, timeZone).date, `${uuid}.wav`);
}
