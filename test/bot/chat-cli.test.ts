import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CampaignSchema } from '../../src/domain/campaigns/campaign.entity.js';
import { createStaff } from '../../src/domain/staff/staff.service.js';
import { createMigratedOrm, DIALECTS } from '../support/database.js';
import { pendingCampaign } from './seed.js';

const exec = promisify(execFile);

async function cli(args: string[], env: Record<string, string>) {
  try {
    const { stdout, stderr } = await exec(process.execPath, ['--import', 'tsx', 'src/cli/index.ts', ...args], { env: { PATH: process.env.PATH ?? '', ...env } });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

describe.each(DIALECTS)('npm run cli -- chat (%s)', (dialect) => {
  let db: Awaited<ReturnType<typeof createMigratedOrm>>;
  let env: Record<string, string>;
  let dataDir: string;
  let manager: number;
  let sales: number;
  beforeAll(async () => {
    db = await createMigratedOrm(dialect);
    dataDir = mkdtempSync(join(tmpdir(), 'chat-cli-'));
    env = { DATABASE_URL: db.db.url, DATA_DIR: dataDir };
    const em = db.orm.em.fork();
    manager = (await createStaff(em, { name: '王经理', role: 'manager', mobile: '13700000001' }, { actorStaffId: null, channel: 'system' })).id;
    sales = (await createStaff(em, { name: '李销售', role: 'sales', mobile: '13700000002' }, { actorStaffId: null, channel: 'system' })).id;
    await pendingCampaign(em, 'CAMP_CLI', sales);
  });
  afterAll(async () => {
    await db?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('answers a chat command, prints the waiting card with its buttons, and a click approves through the same router', async () => {
    const pending = await cli(['chat', '--as', String(manager), '审批'], env);
    expect(pending.code).toBe(0);
    expect(pending.stdout).toContain('等你审批（1）');
    expect(pending.stdout).toContain('CAMP_CLI');

    const cards = await cli(['chat', '--as', '王经理', '--cards'], env);
    expect(cards.code).toBe(0);
    expect(cards.stdout).toContain('┌─ 卡片 → 你');
    expect(cards.stdout).toContain('【审批】营销活动待审批：双十一回馈 CAMP_CLI');
    expect(cards.stdout).toContain(`[批准]  npm run cli -- chat --as ${manager} --click approve:campaign:CAMP_CLI`);
    expect(cards.stdout).toContain(`[驳回]  npm run cli -- chat --as ${manager} --click reject:campaign:CAMP_CLI`);

    const click = await cli(['chat', '--as', String(manager), '--click', 'approve:campaign:CAMP_CLI'], env);
    expect(click.code).toBe(0);
    expect(click.stdout).toContain('[已批准] 已批准');
    // The submitter hears it: the notice the click sent, shown as the card WeCom would carry.
    expect(click.stdout).toContain(`┌─ 卡片 → 李销售（#${sales}）`);
    expect(click.stdout).toContain('已由 王经理 批准');
    expect((await db.orm.em.fork().findOneOrFail(CampaignSchema, { id: 'CAMP_CLI' })).status).not.toBe('pending_approval');

    const again = await cli(['chat', '--as', String(manager), '--click', 'approve:campaign:CAMP_CLI'], env);
    expect(again.stdout).toMatch(/已由 王经理 .*批准|不是待审批/);
  }, 600_000);

  it('refuses an unknown staff member and a sales member approving', async () => {
    const nobody = await cli(['chat', '--as', '999', '帮助'], env);
    expect(nobody.code).toBe(1);
    expect(nobody.stderr).toContain('STAFF_NOT_FOUND');
    const forbidden = await cli(['chat', '--as', String(sales), '审批'], env);
    expect(forbidden.stdout).toContain('没有审批的权限');
  }, 600_000);
});
