import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bootApp, type TestApp } from '../support/app.js';
import { startFakeWecom, type FakeWecom } from '../support/fake-wecom.js';
import { waitFor } from '../support/wait-for.js';
import { SAMPLE, clickXml, encryptInner, signedPost } from '../bot/wecom-samples.js';
import { CustomerSchema } from '../../src/domain/customers/customer.entity.js';
import { CustomerContactSchema } from '../../src/domain/customers/customer-contact.entity.js';
import { wecomSettings } from '../support/full-app.js';
import { EventSchema } from '../../src/domain/events/event.entity.js';

/**
 * Each rule that must hold under concurrency, on MariaDB (the production database) with real parallel
 * connections: 50 requests at once through the HTTP door or the WeCom callback, each on its own pooled
 * connection. SQLite's single writer would hide every one of these races.
 */
const CALLBACK = 'cb-token-concurrency-0123456789';
const N = 50;

describe('decisions happen once (MariaDB, 50 concurrent callers)', () => {
  let t: TestApp;
  let wecom: FakeWecom;
  let sales: { id: number; token: string };
  const managers: Array<{ id: number; token: string; wecomUserId: string; name: string }> = [];
  let seq = 0;

  const sql = async <T = Record<string, unknown>>(query: string, params: unknown[] = []) => t.app.orm.em.fork().getConnection().execute<T[]>(query, params);
  const invitation = async () => {
    seq += 1;
    const customerId = `CUST_CC${seq}`;
    const em = t.app.orm.em.fork();
    const c = em.create(CustomerSchema, { id: customerId, name: `并发客户${seq}`, level: 'normal', segment: 'regular', tags: [] });
    em.create(CustomerContactSchema, { customer: c, name: '联系人', mobile: `+86139000070${String(seq).padStart(2, '0')}`, mobileLast8: `000070${String(seq).padStart(2, '0')}`, isPrimary: true });
    await em.flush();
    const res = await t.call('POST', '/api/ai-ops/outreach/invitation', { token: sales.token, json: { customerId, eventId: 'EVENT_CC' } });
    expect(res.status).toBe(201);
    return res.body.data.id as string;
  };
  const decide = (id: string, action: 'approve' | 'reject', token: string) =>
    t.call('POST', `/api/ai-ops/outreach/invitations/${id}/${action}`, { token, ...(action === 'reject' ? { json: { reason: '预算不足' } } : {}) });
  const auditRows = (id: string) => sql<{ action: string; actor_staff_id: number; channel: string; request_id: string | null }>(
    `select action, actor_staff_id, channel, request_id from audit_log where target_type = 'invitation' and target_id = ? and action like 'approval.%'`,
    [id],
  );
  const statusOf = async (id: string) => (await sql<{ status: string; approved_by: number }>('select status, approved_by from invitations where id = ?', [id]))[0]!;

  beforeAll(async () => {
    wecom = await startFakeWecom({ corpId: SAMPLE.corpId });
    t = await bootApp('mysql', {
      JOBS_ENABLED: 'false',
      TENCENT_SMS_CALLBACK_TOKEN: CALLBACK,
      ...wecomSettings(wecom),
    });
    sales = await t.staffWithToken('sales');
    for (let i = 1; i <= 5; i++) {
      const name = `经理${'一二三四五'[i - 1]}`;
      const m = await t.staffWithToken('manager', { wecomUserId: `mgr${i}`, name });
      managers.push({ ...m, wecomUserId: `mgr${i}`, name });
    }
    const em = t.app.orm.em.fork();
    em.create(EventSchema, { id: 'EVENT_CC', name: '并发品鉴会', eventDate: new Date(Date.now() + 7 * 86_400_000) });
    await em.flush();
  });
  afterAll(async () => {
    await t?.close();
    await wecom?.close();
  });

  it('50 approvals of one invitation by one manager: one 200, 49 × 409 naming who decided, one audit row with the request id', async () => {
    const id = await invitation();
    const manager = managers[0]!;
    const answers = await Promise.all(Array.from({ length: N }, () => decide(id, 'approve', manager.token)));
    const won = answers.filter((a) => a.status === 200);
    const lost = answers.filter((a) => a.status === 409);
    expect(won).toHaveLength(1);
    expect(lost).toHaveLength(N - 1);
    for (const l of lost) {
      expect(l.body).toMatchObject({ error: 'APPROVAL_ALREADY_DECIDED', details: { status: 'approved', decidedBy: { staffId: manager.id, name: manager.name } } });
      expect(l.body.message).toContain(`已由 ${manager.name} 于`);
    }
    const audit = await auditRows(id);
    expect(audit).toHaveLength(1);
    // API audit rows carry the request id of the call that made them.
    expect(audit[0]).toMatchObject({ action: 'approval.approve', actor_staff_id: manager.id, channel: 'api', request_id: won[0]!.headers.get('x-request-id') });
    expect(await statusOf(id)).toMatchObject({ status: 'approved', approved_by: manager.id });
  });

  it('25 approvals and 25 rejections from three managers: the final state is what the one winner was told', async () => {
    const id = await invitation();
    const three = managers.slice(0, 3);
    const answers = await Promise.all(Array.from({ length: N }, (_, i) => decide(id, i % 2 === 0 ? 'approve' : 'reject', three[i % 3]!.token)));
    const won = answers.filter((a) => a.status === 200);
    expect(won).toHaveLength(1);
    expect(answers.filter((a) => a.status === 409 && a.body.error === 'APPROVAL_ALREADY_DECIDED')).toHaveLength(N - 1);
    const told = won[0]!.body.data.status as string;
    const row = await statusOf(id);
    expect(row.status).toBe(told);
    // Every loser was told the same final state and the same decider.
    expect(new Set(answers.filter((a) => a.status === 409).map((a) => `${a.body.details.status}/${a.body.details.decidedBy.staffId}`))).toEqual(new Set([`${told}/${row.approved_by}`]));
    const audit = await auditRows(id);
    expect(audit).toHaveLength(1);
    expect(audit[0]!.action).toBe(told === 'approved' ? 'approval.approve' : 'approval.reject');
  });

  it('an invitation rejected before is answered 409 on approval, not 404', async () => {
    const id = await invitation();
    expect((await decide(id, 'reject', managers[0]!.token)).status).toBe(200);
    const again = await decide(id, 'approve', managers[1]!.token);
    expect(again.body).toMatchObject({ code: 409, error: 'APPROVAL_ALREADY_DECIDED', details: { status: 'rejected', decidedBy: { staffId: managers[0]!.id } } });
  });

  it('50 WeCom card clicks approve:invitation:<id> through the callback: one approval, one audit row, the others told who decided', async () => {
    const id = await invitation();
    const key = `approve:invitation:${id}`;
    const before = wecom.sent.length;
    const base = Math.floor(Date.now() / 1000);
    // Five managers click ten times each (WeCom paces 25 messages a minute per member, so the replies fit).
    const clicks = Array.from({ length: N }, (_, i) => {
      const m = managers[i % 5]!;
      const p = signedPost(encryptInner(clickXml(m.wecomUserId, key, `rc-cc-${i}`, base + i)));
      return t.call('POST', `/wecom/callback?${new URLSearchParams(p.query)}`, { body: p.body, headers: { 'content-type': 'text/xml' } });
    });
    expect((await Promise.all(clicks)).map((r) => r.status)).toEqual(Array(N).fill(200));
    const replies = await waitFor(() => {
      const texts = wecom.sent.slice(before).filter((m) => m.msgtype === 'text' && managers.some((g) => g.wecomUserId === m.touser));
      return texts.length >= N ? texts.map((m) => m.text!.content) : undefined;
    }, 'the 50 click replies', 60_000);
    expect(replies.filter((r) => r.startsWith('已批准邀约'))).toHaveLength(1);
    expect(replies.filter((r) => /已由 经理. 于 \d{4}-\d{2}-\d{2} \d{2}:\d{2} 批准/.test(r))).toHaveLength(N - 1);
    const audit = await auditRows(id);
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({ action: 'approval.approve', channel: 'wecom' });
    expect(wecom.updates.filter((u) => u.response_code.startsWith('rc-cc-'))).toHaveLength(1);
  });

  it('50 submissions for the same customer and event: one invitation, 49 × 409 INVITATION_EXISTS', async () => {
    const em = t.app.orm.em.fork();
    const c = em.create(CustomerSchema, { id: 'CUST_DUP', name: '重复客户', level: 'normal', segment: 'regular', tags: [] });
    em.create(CustomerContactSchema, { customer: c, name: '联系人', mobile: '+8613900007999', mobileLast8: '00007999', isPrimary: true });
    await em.flush();
    const answers = await Promise.all(
      Array.from({ length: N }, () => t.call('POST', '/api/ai-ops/outreach/invitation', { token: sales.token, json: { customerId: 'CUST_DUP', eventId: 'EVENT_CC' } })),
    );
    expect(answers.filter((a) => a.status === 201)).toHaveLength(1);
    expect(answers.filter((a) => a.status === 409 && a.body.error === 'INVITATION_EXISTS')).toHaveLength(N - 1);
    expect(await sql(`select id from invitations where customer_id = 'CUST_DUP'`)).toHaveLength(1);
    // Once rejected the invitation is closed, and a new one may be submitted.
    const first = answers.find((a) => a.status === 201)!.body.data.id as string;
    expect((await decide(first, 'reject', managers[0]!.token)).status).toBe(200);
    expect((await t.call('POST', '/api/ai-ops/outreach/invitation', { token: sales.token, json: { customerId: 'CUST_DUP', eventId: 'EVENT_CC' } })).status).toBe(201);
  });

  it('one carrier reply replayed 3 times in a row, then 50 at once, is recorded once', async () => {
    const reply = { mobile: '13900007777', nationcode: '86', text: 'R', sign: '测试KTV', time: 1795310123 };
    const post = () => t.call('POST', `/callbacks/tencent/sms/${CALLBACK}/reply`, { json: reply });
    for (let i = 0; i < 3; i++) expect((await post()).body).toEqual({ result: 0, errmsg: 'OK' });
    const burst = await Promise.all(Array.from({ length: N }, post));
    expect(burst.map((r) => r.status)).toEqual(Array(N).fill(200));
    expect(await sql(`select state, source from consents where phone = '+8613900007777'`)).toEqual([{ state: 'opted_out', source: 'sms_reply' }]);
    expect(await sql(`select id from audit_log where action = 'consent.opted_out' and target_id = '139****7777'`)).toHaveLength(1);
    // The same text at another carrier time is another reply: recorded.
    await t.call('POST', `/callbacks/tencent/sms/${CALLBACK}/reply`, { json: { ...reply, time: reply.time + 3600 } });
    expect(await sql(`select id from consents where phone = '+8613900007777'`)).toHaveLength(2);
  });
});
