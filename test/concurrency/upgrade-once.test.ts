import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MemberSchema } from '../../src/domain/members/member.entity.js';
import { MemberVisitSchema } from '../../src/domain/members/member-visit.entity.js';
import { UpgradeHistorySchema } from '../../src/domain/members/upgrade-history.entity.js';
import { bootApp, type TestApp } from '../support/app.js';
import { startFakeWecom, type FakeWecom } from '../support/fake-wecom.js';
import { SAMPLE } from '../bot/wecom-samples.js';
import { customer } from '../bot/seed.js';
import { wecomSettings } from '../support/full-app.js';
import { waitFor } from '../support/wait-for.js';

/**
 * Tier upgrades happen once (issue 10 §5) on MariaDB with real parallel connections: 20 executes of one
 * member at the same moment through the HTTP door, each on its own pooled connection.
 */
const N = 20;

describe('a tier upgrade happens once (MariaDB, 20 concurrent executes)', () => {
  let t: TestApp;
  let wecom: FakeWecom;

  beforeAll(async () => {
    wecom = await startFakeWecom({ corpId: SAMPLE.corpId });
    t = await bootApp('mysql', {
      JOBS_ENABLED: 'false',
      ...wecomSettings(wecom),
    });
  });
  afterAll(async () => {
    await t?.close();
    await wecom?.close();
  });

  it('one upgrade, one history row, points and rewards once, one note to the owner; all 20 answers agree', async () => {
    const owner = await t.staffWithToken('sales', { name: '王销售', wecomUserId: 'owner-cc' });
    const managers = await Promise.all(Array.from({ length: 4 }, (_, i) => t.staffWithToken('manager', { name: `经理${i}`, wecomUserId: `mgr-cc${i}` })));
    const em = t.app.orm.em.fork();
    await customer(em, 'CUST_CC', '并发客户', '13900139000', owner.id);
    em.create(MemberSchema, { id: 'MEM_CC', customer: 'CUST_CC', name: '并发会员', tier: 'basic', points: 0, joinedAt: new Date('2024-01-01T00:00:00Z') });
    await em.flush();
    // Enough for gold straight from basic: 16 visits, ¥9,600 in the last 365 days.
    for (let i = 0; i < 16; i++) em.create(MemberVisitSchema, { member: 'MEM_CC', visitedAt: new Date(Date.now() - (1 + i * 7) * 86_400_000), spendingFen: 60_000 });
    await em.flush();

    const answers = await Promise.all(
      Array.from({ length: N }, (_, i) => t.call('POST', '/api/ai-ops/customer/upgrade/execute', { token: managers[i % managers.length]!.token, json: { memberId: 'MEM_CC' } })),
    );
    expect(answers.map((a) => a.status)).toEqual(Array(N).fill(200));
    const results = answers.map((a) => a.body.data);
    expect(results.filter((r) => !r.replayed)).toHaveLength(1);
    const { replayed: _, ...first } = results.find((r) => !r.replayed)!;
    for (const r of results) expect({ ...r, replayed: false }).toEqual({ ...first, replayed: false });
    expect(first).toMatchObject({ fromTier: 'basic', toTier: 'gold' });

    const fresh = t.app.orm.em.fork();
    expect(await fresh.findOneOrFail(MemberSchema, { id: 'MEM_CC' })).toMatchObject({ tier: 'gold', points: 1500 });
    const rows = await fresh.find(UpgradeHistorySchema, { member: 'MEM_CC' });
    expect(rows).toHaveLength(1);
    expect(rows[0]!.idempotencyKey).toBe('upgrade:MEM_CC:1');
    expect(rows[0]!.rewards.filter((r) => r.kind === 'points')).toEqual([expect.objectContaining({ value: 1500 })]);

    await waitFor(() => wecom.sent.find((m) => m.touser === 'owner-cc'), 'owner note');
    // Every other answer is already in: no second note can still be on its way.
    expect(wecom.sent.filter((m) => m.touser === 'owner-cc')).toHaveLength(1);
  });
});
