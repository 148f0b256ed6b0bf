/**
 * What redacting every finished log line costs: N lines through pino into a null stream, with the
 * redaction hook (createLogger) against a baseline without it, both measured in this run. Three kinds of
 * line: a plain access log (the common case, passed through), one with a mobile number in a field, one
 * with a percent-encoded number in the path of a child logger (parsed, redacted, written again).
 *   npm run bench -- log-redaction [--lines 200000]
 */
import { Writable } from 'node:stream';
import { parseArgs } from 'node:util';
import { pino, type Logger } from 'pino';
import { createLogger } from '../src/logging/logger.js';

export const description = 'cost of log redaction per line against plain pino (ratio)';

const sink = () => new Writable({ write: (_chunk, _enc, cb) => cb() });

function baseline(): Logger {
  return pino({ level: 'info', base: { service: 'sales-ops' }, timestamp: pino.stdTimeFunctions.isoTime, formatters: { level: (label) => ({ level: label }) } }, sink());
}

const KINDS: Record<string, (log: Logger, i: number) => void> = {
  plain: (log, i) => log.child({ requestId: `9f1c2b7e-${i}` }).info({ method: 'GET', path: '/api/ai-ops/outreach/history', status: 200, ms: 3 }, 'request'),
  phone: (log, i) => log.child({ requestId: `9f1c2b7e-${i}` }).info({ to: '+8613912349876', status: 'sent' }, 'sms sent'),
  encoded: (log, i) => log.child({ requestId: `9f1c2b7e-${i}` }).info({ method: 'GET', path: '/api/customers/%31%33%39%31%32%33%34%39%38%37%36', status: 404, ms: 1 }, 'request'),
};

function time(log: Logger, kind: (log: Logger, i: number) => void, lines: number): number {
  const started = performance.now();
  for (let i = 0; i < lines; i++) kind(log, i);
  return performance.now() - started;
}

export async function run(args: string[]): Promise<void> {
  const { values } = parseArgs({ args, options: { lines: { type: 'string', default: '200000' } } });
  const lines = Number(values.lines);
  console.log(`${lines} lines per kind; µs per line (redacted / plain pino) and the ratio`);
  for (const [name, kind] of Object.entries(KINDS)) {
    time(baseline(), kind, 5000);
    time(createLogger('info', sink()), kind, 5000);
    const base = time(baseline(), kind, lines);
    const redacted = time(createLogger('info', sink()), kind, lines);
    console.log(`${name.padEnd(8)} ${((redacted * 1000) / lines).toFixed(2)} µs / ${((base * 1000) / lines).toFixed(2)} µs  ×${(redacted / base).toFixed(2)}`);
  }
}
