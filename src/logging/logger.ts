import { pino, type Logger, type DestinationStream } from 'pino';
import { redactLogLine } from './log-redaction.js';

export type { Logger };

/**
 * JSON logs on stdout. Redaction happens once, on the finished line (pino's streamWrite hook), so it
 * covers the message, every field, the bindings of every child logger and serialized errors alike:
 * mobile numbers are masked (also percent-encoded ones) and the SMS callback token never appears.
 */
export function createLogger(level: string, destination?: DestinationStream): Logger {
  return pino(
    {
      level,
      base: { service: 'sales-ops' },
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: {
        level: (label) => ({ level: label }),
      },
      hooks: {
        streamWrite: redactLogLine,
      },
    },
    destination,
  );
}
