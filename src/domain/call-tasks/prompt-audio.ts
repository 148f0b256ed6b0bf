import { createHash } from 'node:crypto';
import { access, mkdir, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { SpeechSynthesizer } from '../ports/speech-synthesizer.port.js';

/**
 * Prompt audio of call tasks: one WAV per text and voice under `RECORDINGS_DIR/prompts/` (the folder the
 * switch reads too), named by a hash of both, so a script is synthesised once however many calls play it.
 */
export function promptPath(recordingsDir: string, voiceKey: string, text: string): string {
  const hash = createHash('sha256').update(`${voiceKey}\n${text}`).digest('hex').slice(0, 32);
  return join(recordingsDir, 'prompts', `${hash}.wav`);
}

/** The prepared WAV of `text`, or null (not prepared yet, or no speech service: the switch's TTS speaks it). */
export async function preparedPrompt(recordingsDir: string, synth: Pick<SpeechSynthesizer, 'voiceKey'> | undefined, text: string): Promise<string | null> {
  if (!synth) return null;
  const path = promptPath(recordingsDir, synth.voiceKey, text);
  try {
    await access(path);
    return path;
  } catch {
    return null;
  }
}

/** A RIFF/WAVE file (what the switch plays), not an error page or another format. */
function isWav(audio: Buffer): boolean {
  return audio.length > 44 && audio.subarray(0, 4).toString('latin1') === 'RIFF' && audio.subarray(8, 12).toString('latin1') === 'WAVE';
}

export type PreparedPrompt = { ok: true; path: string; synthesised: boolean } | { ok: false; reason: string };

/** Synthesises `text` into its WAV unless it exists (written to a temporary name, then renamed: never half a file). */
export async function preparePrompt(recordingsDir: string, synth: SpeechSynthesizer, text: string): Promise<PreparedPrompt> {
  const existing = await preparedPrompt(recordingsDir, synth, text);
  if (existing) return { ok: true, path: existing, synthesised: false };
  const result = await synth.synthesize(text);
  if (!result.ok) return { ok: false, reason: `${result.code}: ${result.message}` };
  if (!isWav(result.audio)) return { ok: false, reason: 'the speech service did not answer a WAV file' };
  const path = promptPath(recordingsDir, synth.voiceKey, text);
  await mkdir(join(recordingsDir, 'prompts'), { recursive: true });
  const tmp = `${path}.${process.pid}.tmp`;
  await writeFile(tmp, result.audio);
  await rename(tmp, path);
  return { ok: true, path, synthesised: true };
}
