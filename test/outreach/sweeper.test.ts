import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bootApp, type TestApp } from '../support/app.js';
import { DIALECTS } from '../support/database.js';
import { requeueStuckOutreach, STUCK_AFTER_MS } from '../../src/domain/outreach/outreach-sweeper.service.js';
import { CustomerSchema } from '../../src/domain/customers/customer.entity.js';
import { CustomerContactSchema } from '../../src/domain/customers/customer-contact.entity.js';
import { EventSchema } from '../../src/domain/events/event.entity.js';

describe.each(DIALECTS)('outreach work that lost its job is queued again (%s)', (dialect) => {
  let t: TestApp;
  let manager: { token: string };

  beforeAll(async () => {
    // No worker: jobs stay queued, so the test can take them away as a failed queueing would.
    t = await bootApp(dialect, { JOBS_ENABLED: 'false' });
    manager = await t.staffWithToken('manager');
    await t.call('POST', '/api/ai-ops/outreach/templates', { token: manager.token, json: { code: 'TPL_N', name: 'n', category: 'notification', vendorTemplateId: '1', content: '您好', paramNames: [] } });
    const em = t.app.orm.em.fork();
    const c = em.create(CustomerSchema, { id: 'CUST_S1', name: '孙', level: 'normal', segment: 'regular', tags: [] });
    em.create(CustomerContactSchema, { customer: c, name: '孙', mobile: '+8613900003001', mobileLast8: '00003001', isPrimary: true });
    em.create(EventSchema, { id: 'EVENT_S', name: '活动', eventDate: new Date(Date.now() + 5 * 86_400_000) });
    await em.flush();
  });
  afterAll(async () => t?.close());

  it('re-queues a sending batch and an approved invitation without a job, once', async () => {
    const batch = (await t.call('POST', '/api/ai-ops/outreach/sms/batch', { token: manager.token, json: { templateId: 'TPL_N', phoneNumbers: ['13900003002', '13900003003'] } })).body.data;
    const sales = await t.staffWithToken('sales');
    const inv = (await t.call('POST', '/api/ai-ops/outreach/invitation', { token: sales.token, json: { customerId: 'CUST_S1', eventId: 'EVENT_S' } })).body.data;
    expect((await t.call('POST', `/api/ai-ops/outreach/invitations/${inv.id}/approve`, { token: manager.token })).status).toBe(200);
    const queue = t.app.jobQueue;
    expect(await queue.isPending('sms.batch', { batchId: batch.batchId })).toBe(true);
    const later = new Date(Date.now() + STUCK_AFTER_MS + 60_000);

    // Both still have their jobs: nothing to do.
    expect(await requeueStuckOutreach(t.app.orm.em.fork(), queue, later)).toEqual({ batches: [], invitations: [] });

    // The jobs are lost (as when queueing failed after the commit): the sweeper queues them again, once.
    expect(await queue.cancel('sms.batch', { batchId: batch.batchId })).toBe(1);
    expect(await queue.cancel('invitation.send', { invitationId: inv.id })).toBe(1);
    expect(await requeueStuckOutreach(t.app.orm.em.fork(), queue, new Date())).toEqual({ batches: [], invitations: [] });
    expect(await requeueStuckOutreach(t.app.orm.em.fork(), queue, later)).toEqual({ batches: [batch.batchId], invitations: [inv.id] });
    expect(await queue.isPending('sms.batch', { batchId: batch.batchId })).toBe(true);
    expect(await queue.isPending('invitation.send', { invitationId: inv.id })).toBe(true);
    expect(await requeueStuckOutreach(t.app.orm.em.fork(), queue, later)).toEqual({ batches: [], invitations: [] });
  });
});
