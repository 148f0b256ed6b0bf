import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getSignature } from '@wecom/crypto';
import { AuditLogSchema } from '../../src/domain/audit/audit-log.entity.js';
import { CampaignSchema } from '../../src/domain/campaigns/campaign.entity.js';
import { StaffStatusSchema } from '../../src/domain/sales-status/staff-status.entity.js';
import { CallSchema } from '../../src/domain/calls/call.entity.js';
import { FollowUpTaskSchema } from '../../src/domain/todos/follow-up-task.entity.js';
import { createTodo } from '../../src/domain/todos/todo.service.js';
import { sendTodoReminders } from '../../src/domain/todos/todo-reminder.service.js';
import { bootApp, type TestApp } from '../support/app.js';
import { DIALECTS } from '../support/database.js';
import { startFakeWecom, type FakeWecom } from '../support/fake-wecom.js';
import { customer, pendingCampaign } from './seed.js';
import { waitFor } from '../support/wait-for.js';
import { wecomSettings } from '../support/full-app.js';
import { SAMPLE, clickXml, encryptInner, freshNonce, signedPost, textXml } from './wecom-samples.js';

describe.each(DIALECTS)('WeCom door in the running app (%s)', (dialect) => {
  let t: TestApp;
  let wecom: FakeWecom;
  let sales: { id: number };
  let manager: { id: number };
  let msgSeq = 0;

  beforeAll(async () => {
    wecom = await startFakeWecom({ corpId: SAMPLE.corpId });
    t = await bootApp(dialect, {
      ...wecomSettings(wecom),
    });
    sales = await t.staffWithToken('sales', { wecomUserId: 'zhangsan', name: '张三' });
    manager = await t.staffWithToken('manager', { wecomUserId: 'lijingli', name: '李经理' });
    await customer(t.app.orm.em.fork(), 'CUST_001', '王五', '13812348888', sales.id);
  });
  afterAll(async () => {
    await t?.close();
    await wecom?.close();
  });

  const postCallback = async (xml: string) => {
    const p = signedPost(encryptInner(xml));
    const started = performance.now();
    const res = await t.call('POST', `/wecom/callback?${new URLSearchParams(p.query)}`, { body: p.body, headers: { 'content-type': 'text/xml' } });
    return { ...res, ms: performance.now() - started };
  };
  const say = async (from: string, text: string) => {
    const before = wecom.sent.length;
    const res = await postCallback(textXml(from, text, `m${++msgSeq}-${dialect}`));
    expect(res.status).toBe(200);
    const reply = await waitFor(() => wecom.sent.slice(before).find((m) => m.touser === from && m.msgtype === 'text'), `reply to ${text}`);
    return reply.text!.content;
  };

  it('verifies the callback URL (GET) and refuses a forged one', async () => {
    const timestamp = String(Math.floor(Date.now() / 1000));
    const nonce = freshNonce();
    const echostr = encryptInner('4455667788');
    const msg_signature = getSignature(SAMPLE.token, timestamp, nonce, echostr);
    const ok = await t.call('GET', `/wecom/callback?${new URLSearchParams({ msg_signature, timestamp, nonce, echostr })}`);
    expect(ok).toMatchObject({ status: 200, body: 4455667788 });
    const forged = await t.call('GET', `/wecom/callback?${new URLSearchParams({ msg_signature: '0'.repeat(40), timestamp, nonce: freshNonce(), echostr })}`);
    expect(forged.status).toBe(401);
    expect(forged.body.error).toBe('WECOM_SIGNATURE_INVALID');
  });

  it('acknowledges at once and answers commands through message/send', async () => {
    const before = wecom.sent.length;
    const res = await postCallback(textXml('zhangsan', '帮助', `ack-${dialect}`));
    expect(res.status).toBe(200);
    expect(res.ms).toBeLessThan(1000);
    await waitFor(() => wecom.sent.slice(before).find((m) => m.touser === 'zhangsan'), 'help reply');
    expect(await say('zhangsan', 'hello there')).toContain('可用命令');
    expect(await say('zhangsan', '状态')).toContain('用法：状态 在办公室|外出|开会|下班|休假');
    expect(await say('zhangsan', '状态 外出 客户拜访')).toContain('已设置状态：外出（客户拜访）');
    const row = await t.app.orm.em.fork().findOne(StaffStatusSchema, { staff: sales.id });
    expect(row).toMatchObject({ status: 'in_field', location: '客户拜访' });
    const found = await say('zhangsan', '客户 13812348888');
    expect(found).toContain('王五');
    expect(found).toContain('138****8888');
    expect(found).not.toContain('13812348888');
    expect(await say('zhangsan', '外呼 列表')).toContain('没有外呼任务');
    expect(await say('stranger', '待办')).toContain('还没有登记为员工');
  });

  it('sends an approval card; the manager’s click approves, is audited and greys out the button', async () => {
    const em = t.app.orm.em.fork();
    await pendingCampaign(em, `CAMP_W_${dialect}`, sales.id);
    const before = wecom.sent.length;
    const result = await t.app.approvals.notifyApprovers(em, t.app.chatOps.notifier, 'campaign', `CAMP_W_${dialect}`);
    expect(result).toEqual({ sent: 1, failed: 0 });
    const card = wecom.sent.slice(before).find((m) => m.msgtype === 'template_card')!;
    expect(card.touser).toBe('lijingli');
    expect(card.template_card.button_list.map((b: { text: string }) => b.text)).toEqual(['批准', '驳回']);
    expect(JSON.stringify(card.template_card)).not.toContain('13812345678');
    expect(card.template_card.horizontal_content_list).toEqual(expect.arrayContaining([{ keyname: '预计成本', value: '¥54.00' }]));

    // The submitter may not approve by command; nothing changes.
    expect(await say('zhangsan', `批准 CAMP_W_${dialect}`)).toContain('你没有审批的权限');
    const key = card.template_card.button_list[0].key as string;
    const sentBefore = wecom.sent.length;
    expect((await postCallback(clickXml('lijingli', key, 'rc-click-1'))).status).toBe(200);
    const reply = await waitFor(() => wecom.sent.slice(sentBefore).find((m) => m.touser === 'lijingli'), 'click reply');
    expect(reply.text!.content).toContain('已批准营销活动');
    await waitFor(() => wecom.updates.find((u) => u.response_code === 'rc-click-1'), 'card update');
    expect(wecom.updates.at(-1)).toMatchObject({ userids: ['lijingli'], button: { replace_name: '已批准' } });
    const fresh = t.app.orm.em.fork();
    // The approval queues the launch job, which may already have started the campaign (jobs run in this app).
    expect(await fresh.findOne(CampaignSchema, { id: `CAMP_W_${dialect}` })).toMatchObject({ status: expect.stringMatching(/^(approved|running)$/), approvedBy: manager.id });
    const audit = await fresh.findOne(AuditLogSchema, { action: 'approval.approve', targetId: `CAMP_W_${dialect}` });
    expect(audit).toMatchObject({ actorStaffId: manager.id, channel: 'wecom', targetType: 'campaign' });
    expect(audit!.createdAt).toBeInstanceOf(Date);
    // A later rejection: the campaign was decided already, and the reply says by whom and when.
    expect(await say('lijingli', `驳回 CAMP_W_${dialect} 预算不足`)).toMatch(/已由 李经理 于 \d{4}-\d{2}-\d{2} \d{2}:\d{2} 批准/);
  });

  it('runs the voicemail card buttons: 回拨 reveals the number to the clicker (audited), 已处理 closes the todo', async () => {
    const em = t.app.orm.em.fork();
    const uuid = `vm-${dialect}-${Date.now()}`;
    const record = em.create(CallSchema, { uuid, direction: 'inbound', caller: '+8613812348888', callerLast8: '12348888', callee: '+864008320160', calleeLast8: '08320160', startedAt: new Date(), endedAt: new Date(), voicemail: true });
    const todo = createTodo(em, { title: '处理语音留言', assignedTo: sales.id, source: '400_phone', reason: 'voicemail', relatedRecordId: uuid, dueAt: new Date(), dueDate: '2026-11-23' });
    await em.flush();
    // WeCom de-duplicates events by sender and CreateTime: each click gets its own second.
    let second = Math.floor(Date.now() / 1000);
    const click = async (key: string, code: string) => {
      const before = wecom.sent.length;
      expect((await postCallback(clickXml('zhangsan', key, code, ++second))).status).toBe(200);
      return (await waitFor(() => wecom.sent.slice(before).find((m) => m.touser === 'zhangsan' && m.msgtype === 'text'), `reply to ${key}`)).text!.content;
    };
    expect(await click(`callback:voicemail:${uuid}`, `rc-cb-${dialect}`)).toContain('13812348888');
    const reveal = await t.app.orm.em.fork().findOne(AuditLogSchema, { action: 'phone.reveal', targetId: String(record.id) });
    expect(reveal).toMatchObject({ actorStaffId: sales.id, channel: 'wecom' });
    expect(await click(`handled:voicemail:${uuid}`, `rc-h-${dialect}`)).toContain('已处理');
    expect((await t.app.orm.em.fork().findOne(FollowUpTaskSchema, { id: todo.id }))!.status).toBe('completed');
    expect(await click('callback:voicemail:no-such-call', `rc-x-${dialect}`)).toContain('不存在');
  });

  it('reminds the assignee once of a todo due within the hour, as a card with 完成', async () => {
    const em = t.app.orm.em.fork();
    const todo = createTodo(em, { title: `回电客户 138 1234 8888 (${dialect})`, assignedTo: sales.id, source: 'manual', dueAt: new Date(Date.now() + 30 * 60_000), dueDate: '2026-11-23' });
    createTodo(em, { title: '下周的事', assignedTo: sales.id, source: 'manual', dueAt: new Date(Date.now() + 7 * 86_400_000), dueDate: '2026-11-30' });
    await em.flush();
    const before = wecom.sent.length;
    const first = await sendTodoReminders(t.app.orm.em.fork(), { notifier: t.app.chatOps.notifier, timeZone: 'Asia/Shanghai' });
    expect(first).toEqual({ reminded: 1, failed: 0 });
    const card = await waitFor(() => wecom.sent.slice(before).find((m) => m.touser === 'zhangsan' && m.msgtype === 'template_card'), 'reminder card');
    expect(JSON.stringify(card.template_card)).toContain('待办即将到期');
    expect(JSON.stringify(card.template_card)).not.toContain('13812348888');
    expect(card.template_card.button_list).toEqual([expect.objectContaining({ text: '完成', key: `done:todo:${todo.id}` })]);
    expect(await sendTodoReminders(t.app.orm.em.fork(), { notifier: t.app.chatOps.notifier, timeZone: 'Asia/Shanghai' })).toEqual({ reminded: 0, failed: 0 });
  });
});
