import { decide, parseSubject } from './approval.commands.js';
import type { CommandContext } from './command.js';
import { completeCommand } from './staff.commands.js';
import { revealCallBackNumber } from '../../domain/calls/call-back.service.js';
import { claimCallTodos, markCallHandled } from '../../domain/calls/call-todos.service.js';

/** What a click did: the reply to send, and the caption that replaces the clicked button when it worked. */
export type CardActionResult = {
  ok: boolean;
  reply: string;
  caption?: string;
  /** A number the clicker must dial, revealed on purpose (and audited); the only unmasked number in a reply. */
  reveal?: string;
};

const KEY = /^(approve|reject|done|handled|assign|callback):([a-z_]{2,32}):([\w.-]{1,64})$/;

/** Card reasons are fixed: the card has no text box, and the command remains for a written reason. */
export const CARD_REJECT_REASON = '经理在审批卡片上驳回';

/**
 * Runs a card button. Keys are `<action>:<subject type>:<id>`; approvals and todos go through exactly
 * the code the 批准/驳回/完成 commands use, so the rules (permission, own submission, audit) are the same; call-card buttons are
 * checked by their domain services (telephony:calls:view, todo:manage to take over another's todo).
 */
export async function runCardAction(key: string, ctx: CommandContext): Promise<CardActionResult> {
  const m = KEY.exec(key);
  if (!m) return { ok: false, reply: '这个按钮已失效，请使用命令（发送“帮助”查看）。' };
  const [, action, type, id] = m as unknown as [string, string, string, string];
  const callCard = type === 'call' || type === 'voicemail';
  switch (action) {
    case 'approve':
    case 'reject': {
      const subject = parseSubject(`${type}:${id}`);
      const approve = action === 'approve';
      const reply = await decide(ctx, subject, approve, approve ? undefined : CARD_REJECT_REASON);
      return { ok: true, reply: approve ? reply : `${reply}\n如需写明原因，请发送：驳回 ${id} <原因>（已驳回的事项需重新提交）`, caption: approve ? '已批准' : '已驳回' };
    }
    case 'done': {
      if (type !== 'todo') break;
      const reply = await completeCommand.run([id], ctx);
      return { ok: true, reply, caption: '已完成' };
    }
    case 'handled': {
      if (!callCard) break;
      await markCallHandled(ctx.em, ctx.me(), { subjectType: type, callUuid: id, now: ctx.now });
      return { ok: true, reply: `已标记为已处理（${id}）。`, caption: '已处理' };
    }
    case 'assign': {
      if (!callCard) break;
      const { claimed } = await claimCallTodos(ctx.em, ctx.me(), { subjectType: type, callUuid: id });
      return { ok: true, reply: `已指派给你：${claimed.length} 条相关待办（发送“待办”查看）。`, caption: '已指派给我' };
    }
    case 'callback': {
      if (!callCard) break;
      const { phone, who } = await revealCallBackNumber(ctx.em, ctx.me(), { callUuid: id });
      return { ok: true, reply: `请回拨 ${who}`, reveal: phone, caption: '已取号回拨' };
    }
  }
  return { ok: false, reply: '这个按钮已失效，请使用命令（发送“帮助”查看）。' };
}
