import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PuppetMock, mock } from 'wechaty-puppet-mock';
import { AuditLogSchema } from '../../src/domain/audit/audit-log.entity.js';
import { CampaignSchema } from '../../src/domain/campaigns/campaign.entity.js';
import { StaffSchema } from '../../src/domain/staff/staff.entity.js';
import { StaffStatusSchema } from '../../src/domain/sales-status/staff-status.entity.js';
import { FollowUpTaskSchema } from '../../src/domain/todos/follow-up-task.entity.js';
import { bootApp, type TestApp } from '../support/app.js';
import { sendMorningDigest } from '../../src/domain/chat/digest.service.js';
import { DIALECTS } from '../support/database.js';
import { customer, pendingCampaign, todo } from './seed.js';
import { waitFor } from '../support/wait-for.js';

describe.each(DIALECTS)('Wechaty transport on wechaty-puppet-mock (%s)', (dialect) => {
  let t: TestApp;
  let mocker: mock.Mocker;
  let puppet: PuppetMock;
  let botUser: mock.ContactMock;
  const replies: Array<{ to: string; text: string }> = [];
  let sales: { id: number };
  let manager: { id: number };
  let salesContact: mock.ContactMock;
  let managerContact: mock.ContactMock;

  beforeAll(async () => {
    mocker = new mock.Mocker();
    puppet = new PuppetMock({ mocker });
    t = await bootApp(dialect, { WECHATY_PUPPET: 'wechaty-puppet-mock' }, { wechatyPuppet: puppet });
    botUser = mocker.createContact({ name: '销售助手' });
    const loggedIn = new Promise((resolve) => t.app.chatOps.wechaty!.bot.once('login', resolve));
    mocker.login(botUser);
    await loggedIn;
    puppet.on('message', ({ messageId }) => {
      const payload = mocker.messagePayload(messageId);
      if (payload.talkerId === botUser.id && 'listenerId' in payload && payload.listenerId) replies.push({ to: payload.listenerId, text: payload.text ?? '' });
    });
    sales = await t.staffWithToken('sales', { name: '张三' });
    manager = await t.staffWithToken('manager', { name: '李经理' });
    salesContact = mocker.createContact({ name: '张三的微信' });
    managerContact = mocker.createContact({ name: '李经理的微信' });
    const em = t.app.orm.em.fork();
    await em.nativeUpdate(StaffSchema, { id: manager.id }, { wechatContactId: managerContact.id });
    await customer(em, 'CUST_W1', '赵六', '13912345678', sales.id);
  });
  afterAll(async () => {
    await t?.close();
  });

  const ask = async (from: mock.ContactMock, text: string) => {
    const before = replies.length;
    from.say(text).to(botUser);
    const reply = await waitFor(() => replies.slice(before).find((r) => r.to === from.id), `reply to “${text}”`);
    return reply.text;
  };

  it('asks an unbound contact to bind; binding with a code from the bot works once', async () => {
    expect(await ask(salesContact, '待办')).toContain('还没有绑定员工身份');
    expect(await ask(salesContact, '帮助')).toContain('可用命令');
    // The code comes from the bot itself (here: the WeCom-less path, issued through the router as WeCom would).
    const issued = await t.app.chatOps.router.handleText({ channel: 'wecom', senderId: 'zhangsan-wecom' }, '绑定');
    expect(issued).toContain('还没有登记为员工');
    await t.app.orm.em.fork().nativeUpdate(StaffSchema, { id: sales.id }, { wecomUserId: 'zhangsan-wecom' });
    const withCode = await t.app.chatOps.router.handleText({ channel: 'wecom', senderId: 'zhangsan-wecom' }, '绑定');
    const code = /绑定码：([A-Z0-9]{8})/.exec(withCode)![1]!;
    expect(await ask(salesContact, '绑定 WRONG123')).toContain('绑定码无效或已过期');
    expect(await ask(salesContact, `绑定 ${code}`)).toContain('绑定成功：张三');
    expect(await ask(managerContact, `绑定 ${code}`)).toContain('绑定码无效或已过期');
    expect((await t.app.orm.em.fork().findOneOrFail(StaffSchema, { id: sales.id })).wechatContactId).toBe(salesContact.id);
  });

  it('runs commands for a bound contact and writes their effects', async () => {
    expect(await ask(salesContact, 'status meeting 三楼会议室')).toContain('已设置状态：开会（三楼会议室）');
    expect(await t.app.orm.em.fork().findOne(StaffStatusSchema, { staff: sales.id })).toMatchObject({ status: 'in_meeting', location: '三楼会议室' });
    expect(await ask(salesContact, '状态 摸鱼')).toContain('不认识的状态“摸鱼”');

    const found = await ask(salesContact, '客户 赵');
    expect(found).toContain('赵六');
    expect(found).toContain('139****5678');
    expect(found).not.toContain('13912345678');

    const todoId = await todo(t.app.orm.em.fork(), '回访赵六', sales.id);
    expect(await ask(salesContact, '待办')).toContain(`#${todoId} 回访赵六`);
    expect(await ask(salesContact, '完成')).toContain('用法：完成 <待办编号>');
    expect(await ask(salesContact, `完成 ${todoId}`)).toContain(`已完成待办 #${todoId}`);
    expect(await t.app.orm.em.fork().findOne(FollowUpTaskSchema, { id: todoId })).toMatchObject({ status: 'completed' });
    expect(await ask(salesContact, `完成 ${todoId}`)).toContain('已是完成状态');
    expect(await ask(salesContact, '外呼 启动 424242')).toContain('外呼任务 424242 不存在');
    expect(await ask(salesContact, '外呼 飞起来')).toContain('用法：外呼 列表');
    expect(await ask(salesContact, 'what is this')).toContain('可用命令');
  });

  it('approvals: sales are refused, managers see, reject with a reason, and it is audited', async () => {
    const id = `CAMP_X_${dialect}`;
    await pendingCampaign(t.app.orm.em.fork(), id, sales.id);
    expect(await ask(salesContact, '审批')).toContain('你没有审批的权限');
    expect(await ask(salesContact, `批准 ${id}`)).toContain('你没有审批的权限');
    expect((await t.app.orm.em.fork().findOneOrFail(CampaignSchema, { id })).status).toBe('pending_approval');

    const pending = await ask(managerContact, '审批');
    expect(pending).toContain(id);
    expect(pending).toContain('预计成本');
    expect(pending).toContain('138****5678');
    expect(pending).not.toContain('13812345678');
    expect(await ask(managerContact, `驳回 ${id}`)).toContain('驳回需要写明原因');
    expect(await ask(managerContact, `驳回 ${id} 预算超标 请压缩到 40 元`)).toContain('已驳回营销活动');
    const row = await t.app.orm.em.fork().findOneOrFail(CampaignSchema, { id });
    expect(row).toMatchObject({ status: 'rejected', approvedBy: manager.id, rejectedReason: '预算超标 请压缩到 40 元' });
    const audit = await t.app.orm.em.fork().findOneOrFail(AuditLogSchema, { action: 'approval.reject', targetId: id });
    expect(audit).toMatchObject({ actorStaffId: manager.id, channel: 'wechaty' });
    expect(audit.details).toMatchObject({ reason: '预算超标 请压缩到 40 元' });
  });

  it('a manager cannot approve their own submission', async () => {
    const id = `CAMP_M_${dialect}`;
    await pendingCampaign(t.app.orm.em.fork(), id, manager.id);
    expect(await ask(managerContact, `批准 ${id}`)).toContain('不能审批自己提交的申请');
    expect((await t.app.orm.em.fork().findOneOrFail(CampaignSchema, { id })).status).toBe('pending_approval');
  });

  it('notifications reach a bound contact as plain text with the command to answer', async () => {
    const before = replies.length;
    const res = await t.app.chatOps.notifier.notifyStaff(manager.id, {
      kind: 'approval', subjectType: 'campaign', subjectId: 'CAMP_N', title: '营销活动待审批：春季回馈',
      lines: [['预计成本', '¥12.00'], ['联系人电话', '13800138000']], buttons: [{ key: 'approve:campaign:CAMP_N', text: '批准' }],
    });
    expect(res).toEqual({ ok: true, transport: 'wechaty' });
    const text = (await waitFor(() => replies.slice(before).find((r) => r.to === managerContact.id), 'notification')).text;
    expect(text).toContain('回复“批准 CAMP_N”');
    expect(text).toContain('138****8000');
    expect(text).not.toContain('13800138000');
  });

  it('the morning digest tells each staff member their due todos and approvals', async () => {
    const em = t.app.orm.em.fork();
    await pendingCampaign(em, `CAMP_D_${dialect}`, sales.id);
    await todo(em, '给赵六寄样品', sales.id);
    const before = replies.length;
    const res = await sendMorningDigest(em, { notifier: t.app.chatOps.notifier, approvals: t.app.approvals, timeZone: 'Asia/Shanghai' }, new Date('2030-01-02T00:30:00Z'));
    expect(res.failed).toBe(0);
    const toManager = (await waitFor(() => replies.slice(before).find((r) => r.to === managerContact.id), 'manager digest')).text;
    expect(toManager).toContain(`CAMP_D_${dialect}`);
    const toSales = (await waitFor(() => replies.slice(before).find((r) => r.to === salesContact.id), 'sales digest')).text;
    expect(toSales).toContain('给赵六寄样品');
    expect(toSales).toContain('已逾期');
  });
});
