import { Router } from '@koa/router';
import { z } from 'zod';
import type { ApprovalService } from '../../../domain/approvals/approval.service.js';
import { createInvitation, invitationPerformance, type InvitationSettings } from '../../../domain/outreach/invitation.service.js';
import type { Notifier } from '../../../domain/ports/notifier.port.js';
import { requirePermission } from '../../auth/authenticate.js';
import { respond } from '../../http/envelope.js';
import type { AppState } from '../../http/request-context.js';
import { validate } from '../../http/validate.js';

const createBody = z.object({ customerId: z.string().trim().min(1).max(64), eventId: z.string().trim().min(1).max(50) });
const rejectBody = z.object({ reason: z.string().trim().min(1).max(500) });
const idParam = z.string().regex(/^[A-Za-z0-9_-]{1,50}$/);

/**
 * Invitations (seed 000 §5.5): generated and submitted for approval; a manager approves or rejects
 * (the same decision the chat card and 批准/驳回 commands take), then the send job delivers it.
 */
export function invitationRoutes(approvals: ApprovalService, notifier: () => Notifier, settings: InvitationSettings): Router<AppState> {
  const router = new Router<AppState>({ prefix: '/api/ai-ops/outreach' });
  router.post('/invitation', requirePermission('outreach:invitation:create'), async (ctx) => {
    const body = validate(createBody, ctx.request.body);
    respond(ctx, await createInvitation(ctx.state.em, ctx.state.actor!, body, settings, { approvals, notifier: notifier() }), 201);
  });
  router.get('/invitations/performance', requirePermission('outreach:history:view', 'outreach:invitation:approve'), async (ctx) => {
    const { eventId } = validate(z.object({ eventId: z.string().trim().min(1).max(50) }), ctx.query);
    respond(ctx, await invitationPerformance(ctx.state.em, eventId));
  });
  for (const action of ['approve', 'reject'] as const) {
    router.post(`/invitations/:id/${action}`, requirePermission('outreach:invitation:approve'), async (ctx) => {
      const id = validate(idParam, ctx.params.id);
      const reason = action === 'reject' ? validate(rejectBody, ctx.request.body).reason : undefined;
      const decided = await approvals.decide(ctx.state.em, ctx.state.actor!, { kind: 'invitation', id, approve: action === 'approve', reason });
      respond(ctx, { invitationId: decided.id, status: action === 'approve' ? 'approved' : 'rejected' });
    });
  }
  return router;
}
