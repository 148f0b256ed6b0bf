import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { CallbackReceiptSchema } from '../../src/bot/wecom/callback-receipt.entity.js';
import { connectOrm } from '../../src/db/orm.js';
import { createMigratedDatabase } from '../support/database.js';
import { startFakeWecom } from '../support/fake-wecom.js';
import { SAMPLE, encryptInner, signedPost, textXml } from './wecom-samples.js';
import { PROCESS_START_MS, startServer } from '../support/server-process.js';
import { wecomSettings } from '../support/full-app.js';
import { waitFor } from '../support/wait-for.js';

const cleanups: Array<() => Promise<void> | void> = [];
afterAll(async () => {
  for (const c of cleanups.reverse()) await c();
});

describe('WeCom messages acknowledged before a crash (mysql)', () => {
  it('are processed after a restart, and the reply is sent exactly once', async () => {
    const db = await createMigratedDatabase('mysql');
    cleanups.push(() => db.drop());
    const dataDir = mkdtempSync(join(tmpdir(), 'inbox-'));
    cleanups.push(() => rmSync(dataDir, { recursive: true, force: true }));
    const wecom = await startFakeWecom({ corpId: SAMPLE.corpId });
    cleanups.push(() => wecom.close());
    const env = {
      DATABASE_URL: db.url,
      DATA_DIR: dataDir,
      PORT: '0',
      HOST: '127.0.0.1',
      LOG_LEVEL: 'info',
      JOBS_PROCESS_EVERY_MS: '100',
      ...wecomSettings(wecom),
      // A process that dies holding a message gives it up after a second (the default is five minutes).
      WECOM_INBOX_LEASE_SECONDS: '1',
    };

    // WeCom's token endpoint hangs: the first process gets as far as sending the reply, then dies.
    wecom.tokenDelayMs = 600_000;
    const first = startServer(env);
    cleanups.push(() => void first.child.kill('SIGKILL'));
    const url = await first.listening;
    const post = signedPost(encryptInner(textXml('zhangsan', '帮助', 'crash-1')));
    const res = await fetch(`${url}/wecom/callback?${new URLSearchParams(post.query)}`, { method: 'POST', body: post.body, headers: { 'content-type': 'text/xml' } });
    expect(res.status).toBe(200);
    await waitFor(() => wecom.gettokenCalls > 0, 'the reply under way', PROCESS_START_MS);
    first.child.kill('SIGKILL');
    await first.exited;
    expect(wecom.sent).toHaveLength(0);

    wecom.tokenDelayMs = 0;
    const second = startServer(env);
    cleanups.push(() => void second.child.kill('SIGKILL'));
    await second.listening;
    const orm = await connectOrm(db.target);
    cleanups.push(() => orm.close(true));
    await waitFor(async () => (await orm.em.fork().findOne(CallbackReceiptSchema, { kind: 'message', processedAt: { $ne: null } })) ?? undefined, 'the message processed', PROCESS_START_MS);
    const replies = wecom.sent.filter((m) => m.touser === 'zhangsan');
    expect(replies).toHaveLength(1);
    // A retry of the same message from WeCom is a duplicate: no second reply.
    const retry = signedPost(encryptInner(textXml('zhangsan', '帮助', 'crash-1')));
    const again = await fetch(`${await second.listening}/wecom/callback?${new URLSearchParams(retry.query)}`, { method: 'POST', body: retry.body, headers: { 'content-type': 'text/xml' } });
    expect(again.status).toBe(200);
    second.child.kill('SIGTERM');
    await second.exited;
    expect(wecom.sent.filter((m) => m.touser === 'zhangsan')).toHaveLength(1);
    expect(second.out()).toContain('wecom messages acknowledged but not processed: processing them now');
  }, 4 * PROCESS_START_MS);
});
