import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CallSchema } from '../../src/domain/calls/call.entity.js';
import { CallAnalysisSchema } from '../../src/domain/calls/call-analysis.entity.js';
import { CallTaskPhoneSchema } from '../../src/domain/call-tasks/call-task-phone.entity.js';
import { GatewayDeviceSchema } from '../../src/domain/voice-gateways/gateway-device.entity.js';
import { GatewayLineSchema } from '../../src/domain/voice-gateways/gateway-line.entity.js';
import { bootApp, type TestApp } from '../support/app.js';
import { DIALECTS } from '../support/database.js';

const BASE = '/api/v1/lead-generation';
const inAnHour = () => new Date(Date.now() + 3_600_000).toISOString();

describe.each(DIALECTS)('seed 004 call-task API (%s)', (dialect) => {
  let t: TestApp;
  let manager: { id: number; token: string };
  let sales: { id: number; token: string };
  let duty: { id: number; token: string };
  let deviceId: number;

  beforeAll(async () => {
    t = await bootApp(dialect, { CALL_TASK_CALLER_IDS: '0592-5550001' });
    manager = await t.staffWithToken('manager');
    sales = await t.staffWithToken('sales');
    duty = await t.staffWithToken('duty');
    const em = t.app.orm.em.fork();
    const device = em.create(GatewayDeviceSchema, { name: `dag-${dialect}`, host: '10.0.0.5', sipProfile: 'external', lineCount: 4, status: 'online' });
    await em.flush();
    deviceId = device.id;
    em.create(GatewayLineSchema, { device: device.id, port: 1, number: '+8657488880001', numberLast8: '88880001' });
    await em.flush();
  }, 180_000);
  afterAll(async () => t?.close());

  const create = (token: string, json: unknown) => t.call('POST', `${BASE}/call-tasks`, { token, json });

  it('creates a task: 201 with SCHEDULED, duplicates removed and reported', async () => {
    const res = await create(sales.token, {
      name: '新产品推广外呼任务',
      description: '针对潜在客户进行新产品推广',
      phoneNumbers: ['13800000001', '138 0000 0002', '+86 13800000001'],
      callScript: '您好，这里是存客宝',
      scheduledTime: inAnHour(),
      callerId: '0574-88880001',
      deviceIds: [deviceId],
      tags: ['高意向', '新客'],
      source: '电话外呼',
    });
    expect(res.status).toBe(201);
    expect(res.body.data).toMatchObject({ name: '新产品推广外呼任务', status: 'SCHEDULED', phoneCount: 2, duplicatesRemoved: ['138****0001'] });
    expect(typeof res.body.data.taskId).toBe('number');
  });

  it('422 lists every bad field at once: empty name and script, bad numbers by index, past time, unknown device, foreign caller id', async () => {
    const res = await create(sales.token, {
      name: ' ',
      phoneNumbers: ['13800000001', '12345', 'abc'],
      callScript: '',
      scheduledTime: '2020-01-01T00:00:00Z',
      callerId: '13912345678',
      deviceIds: [deviceId, 999_999],
    });
    expect(res.status).toBe(422);
    expect(res.body.error).toBe('VALIDATION_FAILED');
    const fields = res.body.details.fields.map((f: { field: string }) => f.field).sort();
    expect(fields).toEqual(['callScript', 'callerId', 'deviceIds.1', 'name', 'phoneNumbers.1', 'phoneNumbers.2', 'scheduledTime'].sort());
    const none = await create(sales.token, { name: 'x', phoneNumbers: [], callScript: 'y' });
    expect(none.status).toBe(422);
    expect(none.body.details.fields).toEqual([expect.objectContaining({ field: 'phoneNumbers' })]);
    const unparsable = await create(sales.token, { name: 'x', phoneNumbers: ['13800000001'], callScript: 'y', scheduledTime: 'tomorrow' });
    expect(unparsable.status).toBe(422);
    expect(unparsable.body.details.fields[0].field).toBe('scheduledTime');
  });

  it('lists with paging {records,total,size,current,pages}, fuzzy name and status filters, live counts; numbers masked without lead:call:edit', async () => {
    for (const name of ['春季推广A', '春季推广B', '老客回访']) await create(sales.token, { name, phoneNumbers: ['13900000001'], callScript: '您好', scheduledTime: inAnHour() });
    const page = await t.call('GET', `${BASE}/call-tasks?name=${encodeURIComponent('春季')}&size=1&page=2&sort=createTime&order=asc`, { token: sales.token });
    expect(page.status).toBe(200);
    expect(page.body.data).toMatchObject({ total: 2, size: 1, current: 2, pages: 2 });
    expect(page.body.data.records[0]).toMatchObject({ name: '春季推广B', status: 'SCHEDULED', totalCalls: 0, successfulCalls: 0, intendedCustomers: 0 });
    const byStatus = await t.call('GET', `${BASE}/call-tasks?status=RUNNING`, { token: sales.token });
    expect(byStatus.body.data.total).toBe(0);
    const defaults = await t.call('GET', `${BASE}/call-tasks`, { token: sales.token });
    expect(defaults.body.data).toMatchObject({ size: 10, current: 1 });

    const taskId = page.body.data.records[0].taskId;
    const em = t.app.orm.em.fork();
    const phone = await em.findOneOrFail(CallTaskPhoneSchema, { task: taskId });
    const call = em.create(CallSchema, { uuid: `c-${dialect}-1`, direction: 'outbound', source: 'task', task: taskId, taskPhone: phone.id, attempt: 1, callee: '+8613900000001', calleeLast8: '00000001', startedAt: new Date(), answeredAt: new Date(), endedAt: new Date(), duration: 42, outcome: 'answered', analysisStatus: 'COMPLETED' });
    await em.flush();
    em.create(CallAnalysisSchema, { call: call.id, sentiment: 'POSITIVE', intention: '高意向', intentionScore: 0.9, keywords: ['价格'], summary: '有兴趣', transcription: '客户：多少钱' });
    phone.intended = true;
    await em.flush();

    const detail = await t.call('GET', `${BASE}/call-tasks/${taskId}`, { token: sales.token });
    expect(detail.status).toBe(200);
    expect(detail.body.data).toMatchObject({ taskId, totalCalls: 1, successfulCalls: 1, intendedCustomers: 1, phoneNumbers: ['139****0001'], callScript: '您好' });
    expect(detail.body.data.callRecords).toEqual([expect.objectContaining({ recordId: call.id, phoneNumber: '139****0001', duration: 42, analysisStatus: 'COMPLETED' })]);
    const full = await t.call('GET', `${BASE}/call-tasks/${taskId}`, { token: manager.token });
    expect(full.body.data.phoneNumbers).toEqual(['13900000001']);

    const records = await t.call('GET', `${BASE}/call-records?taskId=${taskId}&phoneNumber=13900000001&analysisStatus=COMPLETED`, { token: duty.token });
    expect(records.status).toBe(200);
    expect(records.body.data).toMatchObject({ total: 1, current: 1, pages: 1 });
    expect(records.body.data.records[0]).toMatchObject({ recordId: call.id, taskId, analysisResult: { sentiment: 'POSITIVE', intention: '高意向' } });
    const rec = await t.call('GET', `${BASE}/call-records/${call.id}`, { token: duty.token });
    expect(rec.body.data.analysisResult).toEqual({ sentiment: 'POSITIVE', intention: '高意向', intentionScore: 0.9, keywords: ['价格'], summary: '有兴趣', transcription: '客户：多少钱' });
    expect((await t.call('GET', `${BASE}/call-records/${call.id}/recording`, { token: duty.token })).body.error).toBe('RECORDING_NOT_FOUND');
    expect((await t.call('GET', `${BASE}/call-records/999999`, { token: duty.token })).status).toBe(404);
  });

  it('START / STOP / cancel with the seed statuses and 409s; 404 for an unknown task; permissions checked', async () => {
    const { body } = await create(sales.token, { name: '控制', phoneNumbers: ['13700000001', '13700000002'], callScript: '您好', scheduledTime: inAnHour() });
    const id = body.data.taskId;
    const put = (path: string, token: string, json?: unknown) => t.call('PUT', `${BASE}/call-tasks/${path}`, { token, json });
    expect((await put(`${id}/status`, sales.token, { action: 'STOP' })).body.error).toBe('CALL_TASK_NOT_RUNNING');
    expect((await put(`${id}/status`, sales.token, { action: 'START' })).body.data).toEqual({ taskId: id, status: 'RUNNING' });
    expect((await put(`${id}/status`, sales.token, { action: 'STOP' })).body.data).toEqual({ taskId: id, status: 'STOPPED' });
    const stoppedCancel = await put(`${id}/cancel`, sales.token);
    expect(stoppedCancel.status).toBe(409);
    expect(stoppedCancel.body).toMatchObject({ error: 'CALL_TASK_NOT_CANCELLABLE', message: '已完成或已停止的任务无法取消' });
    expect((await put(`${id}/status`, sales.token, { action: 'START' })).body.data.status).toBe('RUNNING');
    expect((await put(`${id}/cancel`, duty.token)).status).toBe(403);
    expect((await put(`${id}/cancel`, sales.token)).body.data).toEqual({ taskId: id, status: 'CANCELLED' });
    const start = await put(`${id}/status`, sales.token, { action: 'START' });
    expect(start.status).toBe(409);
    expect(start.body.error).toBe('CALL_TASK_NOT_STARTABLE');
    expect((await put(`${id}/status`, sales.token, { action: 'PAUSE' })).status).toBe(422);
    expect((await put('424242/cancel', sales.token)).status).toBe(404);
    expect((await t.call('GET', `${BASE}/call-tasks/424242`, { token: sales.token })).body.error).toBe('CALL_TASK_NOT_FOUND');
    expect((await create(duty.token, { name: 'x', phoneNumbers: ['13800000001'], callScript: 'y' })).status).toBe(403);
  });

  it('chat 外呼 列表|启动|停止|取消 runs the same service with the same permissions', async () => {
    const { body } = await create(sales.token, { name: '聊天控制', phoneNumbers: ['13600000001'], callScript: '您好', scheduledTime: inAnHour() });
    const id = body.data.taskId;
    await t.staffWithToken('sales', { wecomUserId: `chat-sales-${dialect}` });
    await t.staffWithToken('duty', { wecomUserId: `chat-duty-${dialect}` });
    const say = (who: string, text: string) => t.app.chatOps.router.handleText({ channel: 'wecom', senderId: who }, text);
    expect(await say(`chat-sales-${dialect}`, '外呼 列表')).toContain(`${id} 聊天控制 待执行`);
    expect(await say(`chat-sales-${dialect}`, `外呼 停止 ${id}`)).toContain('未在运行');
    expect(await say(`chat-sales-${dialect}`, `外呼 启动 ${id}`)).toContain(`已启动外呼任务 ${id}（进行中）`);
    expect(await say(`chat-sales-${dialect}`, `外呼 停止 ${id}`)).toContain(`已停止外呼任务 ${id}（已停止）`);
    expect(await say(`chat-sales-${dialect}`, `外呼 取消 ${id}`)).toContain('已完成或已停止的任务无法取消');
    expect(await say(`chat-duty-${dialect}`, `外呼 启动 ${id}`)).toContain('lead:call:control');
    const api = await t.call('GET', `${BASE}/call-tasks/${id}`, { token: sales.token });
    expect(api.body.data.status).toBe('STOPPED');
  });
});
