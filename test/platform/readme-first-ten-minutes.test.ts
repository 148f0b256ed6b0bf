import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import iconv from 'iconv-lite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../support/database.js';
import { FakeTencentCloud } from '../support/fake-tencent-cloud.js';
import { smsSettings } from '../outreach/outreach-fixtures.js';
import { readmeSteps, shellSession } from '../support/readme-steps.js';
import { PROCESS_START_MS, startServer, type ServerProcess } from '../support/server-process.js';
import { waitFor } from '../support/wait-for.js';
import { nextCallingWindow } from '../../src/domain/compliance/compliance.policy.js';

const ROOT = resolve(import.meta.dirname, '../..');
/** Lines of the block that are not steps of a fresh install's first ten minutes: the server this test started, the demo seed. */
const NOT_STEPS = ['npm ci && npm start', 'npm run seed:demo'];

/**
 * README "First ten minutes", run as written: the bash block's commands, one after another in one shell
 * (variables carry over), in a directory holding the spreadsheets its comments lay out (written in GBK,
 * as Excel in China saves them), against the app `npm start` runs on a fresh SQLite database — no demo
 * seed, no SQL. The carriers are the fake Tencent Cloud (SMS and voice), so the SMS, the invitation and
 * the outreach call really leave. Each step's answer is checked against what the README says came back;
 * a step the README changes without this test changing fails here.
 */
describe('README: first ten minutes, as written', () => {
  const fake = new FakeTencentCloud({ smsSdkAppId: '1400000001', voiceSdkAppId: '1400000002' });
  let db: TestDatabase;
  let dir: string;
  let server: ServerProcess;
  let base: string;
  let env: Record<string, string>;

  beforeAll(async () => {
    await fake.start();
    db = await createTestDatabase('sqlite');
    dir = mkdtempSync(join(tmpdir(), 'readme-'));
    // The user's checkout: the project's files, and the spreadsheets next to them.
    for (const f of ['package.json', 'node_modules', 'src', 'migrations', 'tsconfig.json']) symlinkSync(join(ROOT, f), join(dir, f));
    mkdirSync(join(dir, 'data'));
    env = {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? '/',
      DATABASE_URL: db.url,
      DATA_DIR: join(dir, 'data'),
      LOG_LEVEL: 'info',
      JOBS_PROCESS_EVERY_MS: '200',
      ...smsSettings(fake, 'readme-callback-token-0123456789'),
      TENCENT_VMS_SDK_APP_ID: '1400000002',
      TENCENT_VMS_TEMPLATE_ID: '200001',
    };
    server = startServer({ ...env, PORT: '0', HOST: '127.0.0.1' });
    base = new URL(await server.listening).host;
  }, PROCESS_START_MS);
  afterAll(async () => {
    server?.child.kill('SIGTERM');
    await server?.exited;
    await fake.stop();
    await db?.drop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('goes from a spreadsheet of customers with consents to an SMS, an approved invitation and an outreach call that go out', async () => {
    const { commands, files } = readmeSteps(join(ROOT, 'README.md'), 'First ten minutes');
    expect([...files.keys()]).toEqual(['customers.csv', 'consents.csv']);
    for (const [name, lines] of files) writeFileSync(join(dir, name), iconv.encode(`${lines.join('\r\n')}\r\n`, 'gbk'));
    const steps = commands.filter((c) => !NOT_STEPS.some((n) => c.startsWith(n)));
    expect(commands.filter((c) => !steps.includes(c)).map((c) => NOT_STEPS.find((n) => c.startsWith(n)))).toEqual(NOT_STEPS);

    const sh = shellSession(dir, env);
    const shellValue = async (name: string) => (await sh.run(`printf %s "$${name}"`)).stdout.trim();
    const api = async (path: string) => (await (await fetch(`http://${base}${path}`, { headers: { authorization: `Bearer ${await shellValue('TOKEN')}` } })).json()) as { data: any };
    const out: Array<{ command: string; stdout: string; stderr: string; code: number }> = [];
    let passed = false;
    try {
      for (const command of steps) {
        const ran = await sh.run(command.replaceAll('localhost:3000', base));
        out.push({ command, ...ran });
        expect(ran.code, `${command}\n${ran.stdout}\n${ran.stderr}`).toBe(0);
        // Jobs do the work after the answer; the next step reads the outcome once it is there, as a person would.
        if (command.includes('/api/imports') && command.includes('-F kind=')) {
          const id = JSON.parse(ran.stdout).data.id as number;
          await waitFor(async () => ['completed', 'failed'].includes((await api(`/api/imports/${id}`)).data.status), `import ${id} to end`, 120_000);
        }
        if (command.includes('/approve')) {
          const id = await shellValue('INVITATION');
          await waitFor(async () => !['approved', 'pending_approval'].includes((await api(`/api/ai-ops/outreach/invitations/${id}`)).data.status), `invitation ${id} to be sent`, 120_000);
        }
      }
      const answer = (fragment: string, nth = 0) => {
        const found = out.filter((o) => o.command.includes(fragment))[nth];
        if (!found) throw new Error(`no README step contains "${fragment}"`);
        return found.stdout.trim();
      };
      const json = (fragment: string, nth = 0) => JSON.parse(answer(fragment, nth));

      // 1. A manager and a token
      expect(answer('staff:create --name 王经理')).toBe('1');
      expect(json('/api/me').data).toMatchObject({ id: 1, role: 'manager' });
      // 2. Customers from the GBK spreadsheet
      expect(json('kind=customers').data).toMatchObject({ id: 1, kind: 'customers' });
      expect(json('localhost:3000/api/imports/1 ').data).toMatchObject({ status: 'completed', encoding: 'gbk', created: 2, rejected: 1 });
      expect(json('/api/imports/1/errors').data.records).toEqual([{ line: 4, field: 'contactMobile', value: '*****', reason: '联系人手机：号码格式无法识别' }]);
      // 3. Consents, by file and by API
      expect(json('kind=consents').data).toMatchObject({ id: 2, kind: 'consents' });
      expect((await api('/api/imports/2')).data).toMatchObject({ status: 'completed', rejected: 0 });
      expect(JSON.stringify(json('/api/consents/13900000001').data)).toContain('granted');
      // 4. An SMS that goes out
      expect(json('"templateId":"VIP_1111"').data).toMatchObject({ status: 'sent', dryRun: false });
      const sent = (action: string) => fake.requests.filter((r) => r.action === action).map((r) => r.phones[0]);
      expect(sent('SendSms')).toContain('+8613900000001');
      // 5. An invitation submitted by a colleague, approved, sent by SMS; an outreach call that goes out
      expect(answer('staff:create --name 李销售')).toBe('2');
      const invitation = answer('echo $INVITATION');
      expect(invitation).toMatch(/^INV-\d{8}-/);
      expect(json('/approve').data).toEqual({ invitationId: invitation, status: 'approved' });
      expect(json('invitations/$INVITATION ').data).toMatchObject({ id: invitation, customerId: 'C002', channel: 'sms', status: 'sent' });
      expect(sent('SendSms')).toContain('+8613900000002');
      // The carrier allows calls 08:00–21:00 Beijing only (whatever MARKETING_HOURS says): inside it the call
      // goes out; outside it the answer says it waits for the next opening (this test runs at any hour).
      const call = json('/api/ai-ops/outreach/call').data;
      const opening = nextCallingWindow(new Date(), 'Asia/Shanghai', { start: '00:00', end: '24:00' });
      if (opening === null) {
        expect(call).toMatchObject({ status: 'initiated', dryRun: false });
        await waitFor(() => sent('SendTtsVoice').includes('+8613900000002'), 'the outreach call to reach the carrier', 120_000);
      } else {
        expect(call).toMatchObject({ status: 'deferred', dryRun: false });
        expect(new Date(call.deferredUntil).getTime()).toBeGreaterThan(Date.now());
        expect(sent('SendTtsVoice')).not.toContain('+8613900000002');
      }
      // 6. Chat-ops in the terminal
      expect(answer('chat --as 1 "客户 13900000001"')).toContain('华东贸易');
      passed = true;
    } finally {
      if (!passed) process.stderr.write(out.map((o) => `$ ${o.command}\n${o.stdout}\n${o.stderr}`).join('\n'));
      sh.close();
    }
  }, 900_000);
});
