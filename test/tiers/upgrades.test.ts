import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MemberSchema } from '../../src/domain/members/member.entity.js';
import { MemberBehaviorSchema } from '../../src/domain/members/member-behavior.entity.js';
import { MemberVisitSchema } from '../../src/domain/members/member-visit.entity.js';
import { UpgradeHistorySchema } from '../../src/domain/members/upgrade-history.entity.js';
import { reviewTiers } from '../../src/domain/tiers/tier-review.service.js';
import { bootApp, type TestApp } from '../support/app.js';
import { DIALECTS } from '../support/database.js';
import { startFakeWechat, startFakeWecom, type FakeWechat, type FakeWecom } from '../support/fake-wecom.js';
import { SAMPLE } from '../bot/wecom-samples.js';
import { customer } from '../bot/seed.js';
import { wecomSettings } from '../support/full-app.js';
import { waitFor } from '../support/wait-for.js';

const DAY = 86_400_000;

describe.each(DIALECTS)('tier upgrades (%s)', (dialect) => {
  let t: TestApp;
  let wecom: FakeWecom;
  let wechat: FakeWechat;
  let sales: { id: number; token: string };
  let manager: { id: number; token: string };

  /** A member of CUST_<id> with visits `daysAgo` before `now`, each spending `fen`. */
  const member = async (id: string, tier: string, visits: Array<[daysAgo: number, fen: number]>, extra: { joinedAt?: Date; churnRisk?: number; now?: Date } = {}) => {
    const em = t.app.orm.em.fork();
    const now = extra.now ?? new Date();
    em.create(MemberSchema, { id, customer: 'CUST_U', name: `会员${id}`, phone: '+8613800138000', phoneLast8: '00138000', tier, points: 100, joinedAt: extra.joinedAt ?? new Date('2023-05-01T02:00:00Z') });
    await em.flush();
    for (const [daysAgo, fen] of visits) em.create(MemberVisitSchema, { member: id, visitedAt: new Date(now.getTime() - daysAgo * DAY), spendingFen: fen, categories: ['beer'] });
    if (extra.churnRisk !== undefined) em.create(MemberBehaviorSchema, { member: id, churnRisk: extra.churnRisk });
    await em.flush();
  };
  const times = <T>(n: number, f: (i: number) => T) => Array.from({ length: n }, (_, i) => f(i));
  const points = async (id: string) => (await t.app.orm.em.fork().findOneOrFail(MemberSchema, { id })).points;
  const history = (id: string) => t.app.orm.em.fork().find(UpgradeHistorySchema, { member: id }, { orderBy: { id: 'asc' } });

  beforeAll(async () => {
    wecom = await startFakeWecom({ corpId: SAMPLE.corpId });
    wechat = await startFakeWechat();
    t = await bootApp(dialect, {
      JOBS_ENABLED: 'false',
      ...wecomSettings(wecom),
      MINIAPP_APPID: wechat.appId,
      MINIAPP_SECRET: wechat.secret,
      WECHAT_API_BASE: wechat.url,
    });
    sales = await t.staffWithToken('sales', { name: '王销售', wecomUserId: 'owner1' });
    manager = await t.staffWithToken('manager', { name: '李经理', wecomUserId: 'mgr1' });
    await customer(t.app.orm.em.fork(), 'CUST_U', '赵六', '13800138000', sales.id);
  });
  afterAll(async () => {
    await t?.close();
    await wecom?.close();
    await wechat?.close();
  });

  it('evaluates against the rolling 365 days: progress and what is missing, in Chinese', async () => {
    // ¥1,500 over 5 visits this year; a ¥50,000 visit 400 days ago no longer counts.
    await member('MEM_SHORT', 'basic', [...times(5, (i) => [10 + i * 30, 30_000] as [number, number]), [400, 5_000_000]]);
    const res = await t.call('POST', '/api/ai-ops/customer/upgrade/evaluate', { token: sales.token, json: { memberId: 'MEM_SHORT' } });
    expect(res.status).toBe(200);
    expect(res.body.data).toMatchObject({
      currentTier: { code: 'basic', name: '普通会员' },
      nextTier: { code: 'silver', name: '银卡会员' },
      eligible: false,
      progress: 79, // (1500/2000 + 5/6) / 2
      missing: ['还需消费 ¥500.00', '还需到店 1 次'],
      qualifying: { windowDays: 365, spendFen: 150_000, visits: 5, churnRisk: null },
    });
    expect((await t.call('POST', '/api/ai-ops/customer/upgrade/evaluate', { token: sales.token, json: { memberId: 'NOPE' } })).body).toMatchObject({ code: 404, error: 'MEMBER_NOT_FOUND' });
    expect((await t.call('POST', '/api/ai-ops/customer/upgrade/evaluate', { token: sales.token, json: {} })).body).toMatchObject({ code: 422, error: 'VALIDATION_FAILED' });
  });

  it('executes once: rewards and points granted once, a repeat answers the same, the owner gets a WeCom note', async () => {
    await member('MEM_UP', 'basic', times(7, (i) => [5 + i * 20, 30_000]));
    expect((await t.call('POST', '/api/ai-ops/customer/upgrade/execute', { token: sales.token, json: { memberId: 'MEM_UP' } })).body).toMatchObject({ code: 403, error: 'FORBIDDEN' });
    const before = wecom.sent.length;
    const first = await t.call('POST', '/api/ai-ops/customer/upgrade/execute', { token: manager.token, json: { memberId: 'MEM_UP' } });
    expect(first.status).toBe(200);
    expect(first.body.data).toMatchObject({ memberId: 'MEM_UP', fromTier: 'basic', toTier: 'silver', toTierName: '银卡会员', replayed: false });
    expect(first.body.data.rewards.map((r: { kind: string }) => r.kind)).toEqual(['points', 'coupon', 'discount']);
    expect(await points('MEM_UP')).toBe(600);

    const again = await t.call('POST', '/api/ai-ops/customer/upgrade/execute', { token: manager.token, json: { memberId: 'MEM_UP' } });
    expect(again.body.data).toEqual({ ...first.body.data, replayed: true });
    expect(await points('MEM_UP')).toBe(600);
    const rows = await history('MEM_UP');
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ fromTier: 'basic', toTier: 'silver', direction: 'upgrade', idempotencyKey: 'upgrade:MEM_UP:1', executedBy: manager.id });

    const note = await waitFor(() => wecom.sent.slice(before).find((m) => m.touser === 'owner1' && m.text?.content.includes('银卡会员')), 'owner note');
    expect(note.text!.content).toContain('138****8000');
    expect(note.text!.content).not.toContain('13800138000');
    expect(wecom.sent.slice(before).filter((m) => m.touser === 'owner1')).toHaveLength(1);

    // Not eligible and never upgraded: 409 with the evaluation.
    const refused = await t.call('POST', '/api/ai-ops/customer/upgrade/execute', { token: manager.token, json: { memberId: 'MEM_SHORT' } });
    expect(refused.body).toMatchObject({ code: 409, error: 'UPGRADE_NOT_ELIGIBLE', details: { missing: ['还需消费 ¥500.00', '还需到店 1 次'] } });
  });

  it('shows the upgrade and its rewards to the member in the mini-program', async () => {
    wechat.codes.set(`code-${dialect}`, { openid: `o-up-${dialect}`, session_key: 'sk' });
    const session = (await t.call('POST', '/api/miniapp/login', { json: { code: `code-${dialect}` } })).body.data.token as string;
    const reply = await t.app.chatOps.router.handleText({ channel: 'wecom', senderId: 'owner1' }, '客户码 CUST_U');
    const code = /码：?([A-Z0-9]{8})/.exec(reply)![1]!;
    expect((await t.call('POST', '/api/miniapp/bind', { token: session, json: { code } })).status).toBe(200);
    const mine = (await t.call('GET', '/api/miniapp/membership', { token: session })).body.data;
    expect(mine.memberships).toContainEqual(expect.objectContaining({ memberId: 'MEM_UP', tier: 'silver', points: 600 }));
    expect(mine.rewards).toContainEqual(expect.objectContaining({ kind: 'points', value: 500, fromTier: 'basic', toTier: 'silver' }));
  });

  it('the nightly review upgrades every eligible member (straight to the highest tier met), respects the churn ceiling, and downgrades one tier at the anniversary, once', async () => {
    const now = new Date('2031-06-15T04:00:00Z'); // 12:00 in Shanghai
    const clock = { now: () => now };
    await member('MEM_N_GOLD', 'basic', times(16, (i) => [1 + i * 10, 60_000]), { now });
    await member('MEM_N_RISK', 'basic', times(6, (i) => [1 + i * 10, 40_000]), { now, churnRisk: 0.8 });
    await member('MEM_N_ANNIV', 'gold', [[30, 1_000]], { now, joinedAt: new Date('2029-06-15T01:00:00Z') });
    await member('MEM_N_NOTYET', 'gold', [[30, 1_000]], { now, joinedAt: new Date('2029-06-16T01:00:00Z') });
    const run = () => reviewTiers(() => t.app.orm.em.fork(), { clock, notifier: () => t.app.chatOps.notifier, timeZone: 'Asia/Shanghai', chunkSize: 2 });
    const report = await run();
    expect(report.upgraded).toBeGreaterThanOrEqual(1);
    expect(report.downgraded).toBe(1);
    const tierOf = async (id: string) => (await t.app.orm.em.fork().findOneOrFail(MemberSchema, { id })).tier;
    expect(await tierOf('MEM_N_GOLD')).toBe('gold');
    expect(await points('MEM_N_GOLD')).toBe(1600);
    expect(await tierOf('MEM_N_RISK')).toBe('basic');
    expect(await tierOf('MEM_N_ANNIV')).toBe('silver');
    expect(await tierOf('MEM_N_NOTYET')).toBe('gold');
    expect((await history('MEM_N_ANNIV'))[0]).toMatchObject({ direction: 'downgrade', fromTier: 'gold', toTier: 'silver', idempotencyKey: 'downgrade:MEM_N_ANNIV:2031', rewards: [] });

    // Run again the same day: nothing more happens (no second downgrade to basic, no second reward).
    expect(await run()).toMatchObject({ upgraded: 0, downgraded: 0 });
    expect(await tierOf('MEM_N_ANNIV')).toBe('silver');
    expect(await history('MEM_N_GOLD')).toHaveLength(1);
    expect(await points('MEM_N_GOLD')).toBe(1600);
  });
});
