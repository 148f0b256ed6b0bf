import type { ApprovableKind } from '../../domain/approvals/approvable.js';
import { ApprovalService } from '../../domain/approvals/approval.service.js';
import { UsageError, type Command, type CommandContext } from './command.js';

/** `CAMP_1` or `campaign:CAMP_1` (when the same id exists for two kinds). */
export function parseSubject(raw: string | undefined): { kind?: ApprovableKind; id: string } {
  if (!raw || raw.length > 64 || !/^[\w:.-]+$/.test(raw)) throw new UsageError();
  const colon = raw.indexOf(':');
  if (colon > 0) {
    const kind = raw.slice(0, colon);
    const id = raw.slice(colon + 1);
    if (!ApprovalService.isKind(kind) || !id) throw new UsageError(`不认识的类型“${kind}”`);
    return { kind, id };
  }
  return { id: raw };
}

export const pendingCommand: Command = {
  names: ['审批', 'approvals', 'pending'],
  usage: '审批',
  summary: '查看等我审批的事项',
  async run(_args, ctx) {
    const items = await ctx.deps.approvals.pendingFor(ctx.em, ctx.me());
    if (items.length === 0) return '没有等你审批的事项。';
    const lines = items.slice(0, 20).map((p) => {
      const facts = p.lines.slice(0, 4).map(([k, v]) => `${k}:${v}`).join('；');
      return `[${ctx.deps.approvals.label(p.kind)}] ${p.id} ${p.title}${facts ? `\n  ${facts}` : ''}`;
    });
    return `等你审批（${items.length}）：\n${lines.join('\n')}\n回复：批准 <编号> 或 驳回 <编号> <原因>`;
  },
};

export async function decide(ctx: CommandContext, subject: { kind?: ApprovableKind; id: string }, approve: boolean, reason?: string): Promise<string> {
  const done = await ctx.deps.approvals.decide(ctx.em, ctx.me(), { ...subject, approve, reason });
  return approve ? `已批准${done.label} ${done.id}：${done.title}` : `已驳回${done.label} ${done.id}：${done.title}（原因：${reason}）`;
}

export const approveCommand: Command = {
  names: ['批准', 'approve'],
  usage: '批准 <编号>',
  summary: '批准一项待审批事项（需要审批权限）',
  run: (args, ctx) => decide(ctx, parseSubject(args[0]), true),
};

export const rejectCommand: Command = {
  names: ['驳回', 'reject'],
  usage: '驳回 <编号> <原因>',
  summary: '驳回一项待审批事项并说明原因（需要审批权限）',
  async run(args, ctx) {
    const subject = parseSubject(args[0]);
    const reason = args.slice(1).join(' ').trim();
    if (!reason) throw new UsageError('驳回需要写明原因');
    return decide(ctx, subject, false, reason);
  },
};
