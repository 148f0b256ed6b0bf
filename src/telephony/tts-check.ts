import type { Logger } from '../logging/logger.js';
import type { EventClient } from './event-client.js';

/** What the start-up check found: the engine's module is loaded, missing, or the switch could not be asked. */
export type TtsCheck = { engine: string; module: string; loaded: boolean };

/** Engines known to speak no Chinese: a loaded engine still reads our scripts as noise. */
const NO_CHINESE = new Set(['flite']);

/**
 * Asks the switch whether the module behind `FREESWITCH_TTS` (`<engine>|<voice>`; engine `x` lives in
 * `mod_x`) is loaded, and says so in one log line. Without it the switch hangs up the callee right after
 * answering (`speak` finds no engine), so a missing module is an error line, not a silent default.
 */
export async function checkTtsEngine(events: Pick<EventClient, 'api'>, tts: string, log: Logger, timeoutMs = 5000): Promise<TtsCheck> {
  const engine = tts.split('|')[0] ?? tts;
  const module = `mod_${engine}`;
  const loaded = (await events.api(`module_exists ${module}`, timeoutMs)) === 'true';
  if (!loaded) {
    log.error(
      { tts, module },
      `TTS engine ${module} is not loaded on the switch: outreach calls that speak text will be hung up right after the answer; load it (modules.conf.xml) or set FREESWITCH_TTS to a loaded engine (prefer prepared audio)`,
    );
  } else if (NO_CHINESE.has(engine)) {
    log.warn({ tts, module }, `TTS engine ${module} is loaded but cannot read Chinese: callees will hear noise; use an engine with a Chinese voice or prepared audio`);
  } else {
    log.info({ tts, module }, 'TTS engine loaded on the switch');
  }
  return { engine, module, loaded };
}
