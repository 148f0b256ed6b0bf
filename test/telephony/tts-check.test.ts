import { afterEach, describe, expect, it } from 'vitest';
import { bootApp, type TestApp } from '../support/app.js';
import { waitFor } from '../support/wait-for.js';
import { capturingLogger } from '../outreach/outreach-fixtures.js';
import { FakeEventSocket, switchEnv } from './support/fake-switch.js';

// No SQL is involved: one dialect is enough to boot the real app with its telephony door.
describe('TTS engine check at telephony start (fake switch answering module_exists)', () => {
  let t: TestApp | undefined;
  let fs: FakeEventSocket | undefined;
  afterEach(async () => {
    await t?.close();
    await fs?.stop();
    t = fs = undefined;
  });

  const boot = async (tts: string, modules: string[]) => {
    fs = await new FakeEventSocket().start();
    for (const m of modules) fs.modules.add(m);
    const logs = capturingLogger();
    t = await bootApp('sqlite', {
      ...switchEnv(fs),
      FREESWITCH_TTS: tts,
    }, { logger: logs.logger });
    return waitFor(() => logs.lines().find((l) => /^TTS engine/.test(l.msg)), 'the TTS start-up log line');
  };

  it('says clearly that the configured engine is missing on the switch (the default tts_commandline)', async () => {
    const line = await boot('tts_commandline|default', []);
    expect(line).toMatchObject({ level: 'error', module: 'mod_tts_commandline' });
    expect(line.msg).toMatch(/not loaded on the switch/);
    expect(fs!.commands).toContain('api module_exists mod_tts_commandline');
  });

  it('reports a loaded engine as loaded', async () => {
    const line = await boot('unimrcp|xiaoyan', ['mod_unimrcp']);
    expect(line).toMatchObject({ level: 'info', module: 'mod_unimrcp', msg: 'TTS engine loaded on the switch' });
  });

  it('warns that flite, though loaded, cannot read Chinese', async () => {
    const line = await boot('flite|kal', ['mod_flite']);
    expect(line).toMatchObject({ level: 'warn', module: 'mod_flite' });
    expect(line.msg).toMatch(/cannot read Chinese/);
  });
});
