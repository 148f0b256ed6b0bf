import { resolve } from 'node:path';
import { isIP } from 'node:net';
import { z } from 'zod';
import { defineSection } from './config-section.js';

const port = z.coerce.number().int().min(0).max(65_535);

/** True for 127.0.0.0/8, ::1 and localhost: the only hosts where FreeSWITCH's default password is tolerable. */
export function isLoopbackHost(host: string): boolean {
  const h = host.trim().toLowerCase().replace(/^\[|\]$/g, '');
  if (h === 'localhost' || h === '::1') return true;
  return isIP(h) === 4 && h.startsWith('127.');
}

/**
 * FreeSWITCH: the inbound event-socket client (ESL host/port/password), the outbound-socket server the
 * dialplan hands 400 calls to, the DAG1000 gateway name for mobiles and where recordings are written.
 * Off (one log line at start-up) unless FREESWITCH_ESL_HOST is set.
 */
export const telephonySection = defineSection({
  shape: {
    FREESWITCH_ESL_HOST: z.string().trim().min(1).optional(),
    FREESWITCH_ESL_PORT: port.default(8021),
    FREESWITCH_ESL_PASSWORD: z.string().min(1).optional(),
    FREESWITCH_SOCKET_HOST: z.string().trim().min(1).default('127.0.0.1'),
    FREESWITCH_SOCKET_PORT: port.default(8084),
    FREESWITCH_GATEWAY: z.string().trim().regex(/^[A-Za-z0-9_.-]{1,64}$/, 'a sofia gateway name (letters, digits, _ . -)').default('dag1000'),
    FREESWITCH_CALLER_ID: z.string().trim().regex(/^\d{3,20}$/, 'digits only').optional(),
    FREESWITCH_COMMAND_TIMEOUT_MS: z.coerce.number().int().positive().max(60_000).default(5000),
    RECORDINGS_DIR: z.string().trim().min(1).default('./data/recordings'),
    VOICEMAIL_GREETING: z.string().trim().min(1).default('voicemail/vm-record_message.wav'),
    VOICEMAIL_MAX_SECONDS: z.coerce.number().int().min(10).max(600).default(120),
    FREESWITCH_TTS: z.string().trim().regex(/^[A-Za-z0-9_.-]+\|[A-Za-z0-9_.-]+$/, '<engine>|<voice>, e.g. tts_commandline|default').default('tts_commandline|default'),
    SERVICE_NUMBER: z.string().trim().min(1).default('4008-320-160'),
    FREESWITCH_RINGBACK: z
      .string()
      .trim()
      .regex(/^(%\([0-9,;]+\)|[A-Za-z0-9_./$-]+\.(wav|mp3))$/, 'a tone such as %(1000,4000,450) or a sound file (no spaces)')
      .default('%(1000,4000,450)'),
  },
  check(e) {
    const problems: string[] = [];
    if (e.FREESWITCH_ESL_HOST && !e.FREESWITCH_ESL_PASSWORD) problems.push('FREESWITCH_ESL_PASSWORD: required when FREESWITCH_ESL_HOST is set');
    if (e.FREESWITCH_ESL_HOST && e.FREESWITCH_ESL_PASSWORD === 'ClueCon' && !isLoopbackHost(e.FREESWITCH_ESL_HOST)) {
      problems.push(`FREESWITCH_ESL_PASSWORD: the default password ClueCon is refused for a non-loopback host (${e.FREESWITCH_ESL_HOST}); set event_socket.conf.xml's password`);
    }
    return problems;
  },
  build(e) {
    if (!e.FREESWITCH_ESL_HOST || !e.FREESWITCH_ESL_PASSWORD) return undefined;
    return {
      esl: { host: e.FREESWITCH_ESL_HOST, port: e.FREESWITCH_ESL_PORT, password: e.FREESWITCH_ESL_PASSWORD },
      socket: { host: e.FREESWITCH_SOCKET_HOST, port: e.FREESWITCH_SOCKET_PORT },
      gateway: e.FREESWITCH_GATEWAY,
      callerId: e.FREESWITCH_CALLER_ID,
      commandTimeoutMs: e.FREESWITCH_COMMAND_TIMEOUT_MS,
      recordingsDir: resolve(e.RECORDINGS_DIR),
      voicemail: { greeting: e.VOICEMAIL_GREETING, maxSeconds: e.VOICEMAIL_MAX_SECONDS },
      serviceNumber: e.SERVICE_NUMBER,
      tts: e.FREESWITCH_TTS,
      ringback: e.FREESWITCH_RINGBACK,
    };
  },
});

export type TelephonyConfig = NonNullable<ReturnType<typeof telephonySection.build>>;

/** Where call recordings and voicemails live (shared with the switch); needed by the download route even when the switch door is off. */
export const recordingsSection = defineSection({
  shape: { RECORDINGS_DIR: z.string().trim().min(1).default('./data/recordings') },
  build: (e) => ({ dir: resolve(e.RECORDINGS_DIR) }),
});
