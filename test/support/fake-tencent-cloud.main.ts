/**
 * The fake Tencent Cloud API as its own process, for tests that kill and restart our worker:
 *
 *   npx tsx test/support/fake-tencent-cloud.main.ts --port 0 --log /tmp/tencent.jsonl [--delay-ms 50]
 *
 * Prints one JSON line `{"endpoint":"http://127.0.0.1:PORT"}` on stdout once listening. Credentials
 * come from FAKE_TENCENT_SECRET_ID / FAKE_TENCENT_SECRET_KEY (defaults: the in-process fake's). While
 * running it answers GET /__fake/requests and POST /__fake/program, /__fake/phones, /__fake/reset.
 * SIGTERM or SIGINT stops it.
 */
import { parseArgs } from 'node:util';
import { FakeTencentCloud } from './fake-tencent-cloud.js';

const { values } = parseArgs({
  options: {
    port: { type: 'string', default: '0' },
    host: { type: 'string', default: '127.0.0.1' },
    log: { type: 'string' },
    'delay-ms': { type: 'string', default: '0' },
  },
});

const fake = new FakeTencentCloud({
  secretId: process.env.FAKE_TENCENT_SECRET_ID || undefined,
  secretKey: process.env.FAKE_TENCENT_SECRET_KEY || undefined,
  logFile: values.log,
  defaultDelayMs: Number(values['delay-ms']) || undefined,
});
await fake.start(Number(values.port), values.host);
const { port } = new URL(fake.endpoint);
process.stdout.write(`${JSON.stringify({ endpoint: `http://${values.host}:${port}` })}\n`);

const stop = () => void fake.stop().then(() => process.exit(0));
process.once('SIGTERM', stop);
process.once('SIGINT', stop);
