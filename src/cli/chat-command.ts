import type { StaffNotification } from '../domain/ports/notifier.port.js';
import { migrateUp } from '../db/orm.js';
import { PermissionService } from '../domain/auth/permission.service.js';
import { actorForStaff } from '../domain/auth/staff-actor.js';
import { DomainError } from '../domain/shared/domain-error.js';
import { StaffSchema } from '../domain/staff/staff.entity.js';
import { toCardText } from '../bot/notifier/render.js';
import { build } from '../composition/root.js';
import { UsageError } from './usage-error.js';

type Sent = { staffId: number; notification: StaffNotification };

/**
 * `chat --as <staff> "<text>"` / `chat --as <staff> --click <key>` / `chat --as <staff> --cards`: one
 * message or one card button through the command router WeCom and WeChat use (the whole app is built,
 * its database opened; no job worker and no HTTP start — queued jobs are run by the server). The answer
 * is the reply, then every card or notice the message sent (to anyone), as text with its buttons.
 * `--cards` shows the cards waiting for the staff member (their pending approvals, as WeCom shows them).
 */
export async function chatCommand(env: NodeJS.ProcessEnv, args: { as?: string; text?: string; click?: string; cards?: boolean }): Promise<string> {
  if (!args.as) throw new UsageError('chat: --as <staff id or name> is required');
  if (!args.text && !args.click && !args.cards) throw new UsageError('chat: give a message, --click <key> or --cards');
  const sent: Sent[] = [];
  const notifier = { notifyStaff: async (staffId: number, notification: StaffNotification) => (sent.push({ staffId, notification }), { ok: true as const, transport: 'cli' }) };
  const { METRICS_PORT: _metrics, ...rest } = env;
  const app = build({ ...rest, LOG_LEVEL: env.LOG_LEVEL ?? 'silent' }, { notifier });
  const { orm, scheduler } = app;
  await orm.connect();
  try {
    await migrateUp(orm);
    await scheduler.connect();
    try {
      const em = orm.em.fork();
      const me = /^\d+$/.test(args.as) ? await em.findOne(StaffSchema, { id: Number(args.as), active: true }) : await em.findOne(StaffSchema, { name: args.as, active: true });
      if (!me) throw new DomainError('STAFF_NOT_FOUND', `no active staff member "${args.as}" (give the staff id or the exact name)`);
      const sender = { channel: 'cli' as const, senderId: String(me.id) };
      const out: string[] = [];
      if (args.text) out.push(await app.chatOps.router.handleText(sender, args.text));
      if (args.click) {
        const result = await app.chatOps.router.handleCardAction(sender, args.click);
        out.push(result.caption && result.ok ? `[${result.caption}] ${result.reply}` : result.reply);
      }
      if (args.cards) {
        const actor = await actorForStaff(em, new PermissionService(), me, 'cli');
        const waiting = app.approvals.isApprover(actor) ? await app.approvals.pendingFor(em, actor) : [];
        const mine = { notifyStaff: async (staffId: number, notification: StaffNotification) => (staffId === me.id && sent.push({ staffId, notification }), { ok: true as const, transport: 'cli' }) };
        for (const p of waiting) await app.approvals.notifyApprovers(em, mine, p.kind, p.id);
        if (waiting.length === 0) out.push('没有等你处理的卡片。');
      }
      const names = new Map((await em.find(StaffSchema, { id: { $in: [...new Set(sent.map((s) => s.staffId))] } }, { fields: ['id', 'name'] })).map((s) => [s.id, s.name]));
      for (const { staffId, notification } of sent) out.push(cardBlock(notification, staffId === me.id ? '你' : `${names.get(staffId) ?? '员工'}（#${staffId}）`, staffId));
      return out.join('\n\n');
    } finally {
      await scheduler.stop({ timeoutMs: 5_000 });
    }
  } finally {
    await orm.close(true);
  }
}

function cardBlock(n: StaffNotification, to: string, staffId: number): string {
  const { lines, buttons } = toCardText(n);
  return [
    `┌─ 卡片 → ${to}`,
    ...lines.map((l) => `│ ${l}`),
    ...buttons.map((b) => `│ [${b.text}]  npm run cli -- chat --as ${staffId} --click ${b.key}`),
    '└─',
  ].join('\n');
}
