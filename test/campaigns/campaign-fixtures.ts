import type { EntityManager } from '@mikro-orm/core';
import { MemberSchema } from '../../src/domain/members/member.entity.js';
import { SAMPLE } from '../bot/wecom-samples.js';
import { smsSettings } from '../outreach/outreach-fixtures.js';
import { bootApp, type TestApp } from '../support/app.js';
import type { Dialect } from '../support/database.js';
import type { FakeTencentCloud } from '../support/fake-tencent-cloud.js';
import { startFakeWecom, type FakeWecom } from '../support/fake-wecom.js';
import { wecomSettings } from '../support/full-app.js';

/** The campaigns' marketing SMS template as the suites create it: {1} name, {2} offer, {3} the member's link. */
export const CAMPAIGN_TEMPLATE = { code: 'TPL_CAMPAIGN', name: '分层营销', category: 'marketing', vendorTemplateId: '100009', content: '{1}您好，{2}，领取：{3}', paramNames: ['name', 'offer', 'link'] };

/** Where the campaign suites' offer links point. */
export const LINK_BASE = 'https://s.example.cn/o/';

/** The app a campaign suite runs: SMS through the (started) Tencent fake, WeCom through a fake of its own. */
export async function bootCampaignApp(dialect: Dialect, fake: FakeTencentCloud, callbackToken: string): Promise<{ t: TestApp; wecom: FakeWecom }> {
  await fake.start();
  const wecom = await startFakeWecom({ corpId: SAMPLE.corpId });
  const t = await bootApp(dialect, { ...smsSettings(fake, callbackToken), ...wecomSettings(wecom), CAMPAIGN_LINK_BASE: LINK_BASE });
  return { t, wecom };
}

/** Stops what bootCampaignApp started (whatever of it did start). */
export async function stopCampaignApp(t: TestApp | undefined, wecom: FakeWecom | undefined, fake: FakeTencentCloud): Promise<void> {
  await t?.close();
  await wecom?.close();
  await fake.stop();
}

/** A member of another segment (VIP): never in the audience of the suites' campaigns. */
export function addOutsider(em: EntityManager): void {
  em.create(MemberSchema, { id: 'MEM_VIP', name: '贵宾', phone: '+8613900009999', phoneLast8: '00009999', tier: 'gold', segment: 'VIP', joinedAt: new Date('2025-01-01T00:00:00Z') });
}
