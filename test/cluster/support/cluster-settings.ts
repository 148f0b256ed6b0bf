import { randomBytes } from 'node:crypto';
import { switchEnv, type FakeEventSocket } from '../../telephony/support/fake-switch.js';

/**
 * What every process of one deployment shares in the cluster suites: the secret its tokens are signed
 * with, the switch's event socket, an ephemeral outbound-socket port each, and (with `redis`) one Redis
 * channel of this run's own, so suites running side by side on one Redis do not hear each other.
 */
export function clusterSettings(fs: FakeEventSocket, options: { redis?: boolean } = {}): Record<string, string> {
  return {
    APP_SECRET: randomBytes(24).toString('hex'),
    ...switchEnv(fs),
    FREESWITCH_SOCKET_HOST: '127.0.0.1',
    ...(options.redis ? { REDIS_URL: process.env.REDIS_TEST_URL ?? 'redis://127.0.0.1:6379', REDIS_PREFIX: `salesops-test-${randomBytes(4).toString('hex')}` } : {}),
  };
}
