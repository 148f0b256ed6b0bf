import type { StartOptions } from '../../../src/main.js';
import { GatewayDeviceSchema } from '../../../src/domain/voice-gateways/gateway-device.entity.js';
import { bootApp, type TestApp } from '../../support/app.js';
import type { Dialect } from '../../support/database.js';
import { switchEnv } from '../../telephony/support/fake-switch.js';
import { DiallingSwitch } from './dialling-switch.js';

export type DiallerApp = TestApp & {
  sw: DiallingSwitch;
  /** A gateway device of `lines` lines, up on the fake switch. */
  device(name: string, lines: number): Promise<{ id: number; name: string }>;
};

/** The settings that point the app's telephony door at the fake switch (the dialler runs in the test, not as a job). */
export function switchSettings(sw: { socket: { port: number; password: string } }): Record<string, string> {
  return {
    ...switchEnv(sw.socket),
    MARKETING_HOURS: '00:00-24:00',
    CALL_TASK_CPS: '50',
    CALL_TASK_RING_SECONDS: '10',
    JOBS_ENABLED: 'false',
  };
}

/**
 * The real app (composition root, event-socket client, telephony door, dialler) connected to a fresh fake
 * FreeSWITCH, on a fresh database of the dialect: the one boot of the call-task suites and the benchmark.
 * `env` overrides the defaults of switchSettings(); close() stops both.
 */
export async function bootDiallerApp(dialect: Dialect, options: { gateways?: string[]; env?: Record<string, string> } & StartOptions = {}): Promise<DiallerApp> {
  const { gateways = [], env = {}, ...start } = options;
  const sw = await new DiallingSwitch().start(gateways);
  const t = await bootApp(dialect, { ...switchSettings(sw), ...env }, start).catch(async (err: unknown) => {
    await sw.stop();
    throw err;
  });
  await t.app.telephony!.events.ready();
  return {
    ...t,
    sw,
    async device(name, lines) {
      sw.socket.gateways.set(name, 'UP');
      const em = t.app.orm.em.fork();
      const d = em.create(GatewayDeviceSchema, { name, host: '10.0.0.9', sipProfile: 'external', lineCount: lines, status: 'online' });
      await em.flush();
      return { id: d.id, name };
    },
    async close() {
      await t.close();
      await sw.stop();
    },
  };
}
