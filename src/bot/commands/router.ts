import { randomUUID } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/core';
import { authorize } from '../../domain/auth/actor.js';
import { actorForStaff } from '../../domain/auth/staff-actor.js';
import { DomainError } from '../../domain/shared/domain-error.js';
import { chatReply, classifyError } from '../../domain/errors/classify.js';
import { StaffSchema, type Staff } from '../../domain/staff/staff.entity.js';
import type { Orm } from '../../db/orm.js';
import { maskPhonesInText } from '../../logging/mask-phones.js';
import { approveCommand, pendingCommand, rejectCommand } from './approval.commands.js';
import { bindCommand } from './bind.commands.js';
import { callTaskCommand } from './call-task.commands.js';
import { runCardAction, type CardActionResult } from './card-actions.js';
import { UsageError, type BotDeps, type ChatSender, type Command, type CommandContext } from './command.js';
import { customerCodeCommand, customerCommand } from './customer.commands.js';
import { completeCommand, statusCommand, todosCommand } from './staff.commands.js';

const MAX_TEXT = 500;

/**
 * The one command router both chat doors use: text in, reply text out. It finds the staff member behind
 * the sender, runs the command in its own unit of work, and turns every refusal into a readable reply.
 */
export type CommandRouter = {
  handleText(sender: ChatSender, text: string): Promise<string>;
  /** A card button (`approve:campaign:CAMP_1`, `done:todo:12`, …) does what the matching command does. */
  handleCardAction(sender: ChatSender, key: string): Promise<CardActionResult>;
  readonly commands: readonly Command[];
};

export function createCommandRouter(orm: Orm, deps: BotDeps): CommandRouter {
  const helpCommand: Command = {
    names: ['帮助', 'help', '?', '？'],
    usage: '帮助',
    summary: '显示这份说明',
    anonymous: true,
    run: async () => helpText(),
  };
  const commands: Command[] = [helpCommand, statusCommand, pendingCommand, approveCommand, rejectCommand, callTaskCommand, customerCommand, customerCodeCommand, todosCommand, completeCommand, bindCommand];
  const byName = new Map<string, Command>();
  for (const c of commands) for (const n of c.names) byName.set(n.toLowerCase(), c);

  function helpText(): string {
    return ['可用命令：', ...commands.map((c) => `· ${c.usage} — ${c.summary}`), '英文别名：help, status, approvals, approve, reject, calls, customer, todo, done, bind'].join('\n');
  }

  async function findStaff(em: EntityManager, sender: ChatSender): Promise<Staff | null> {
    if (sender.channel === 'cli') return /^\d{1,9}$/.test(sender.senderId) ? em.findOne(StaffSchema, { id: Number(sender.senderId), active: true }) : null;
    const where = sender.channel === 'wecom' ? { wecomUserId: sender.senderId } : { wechatContactId: sender.senderId };
    return em.findOne(StaffSchema, { ...where, active: true });
  }

  async function context(em: EntityManager, sender: ChatSender, staff: Staff | null): Promise<CommandContext> {
    const actor = staff ? await actorForStaff(em, deps.permissions, staff, sender.channel) : null;
    const me = () => {
      if (!actor) throw new DomainError('CHAT_NOT_BOUND', notBound(sender));
      return actor;
    };
    return {
      em,
      sender,
      staff,
      actor,
      deps,
      now: new Date(),
      me,
      require(permission, why) {
        authorize(me(), permission, why);
        return me();
      },
    };
  }

  function refusal(err: unknown, usage?: string): string {
    if (err instanceof UsageError) return `${err.hint ? `${err.hint}。` : ''}用法：${usage}`;
    const known = classifyError(err);
    if (known) {
      const reply = chatReply(known);
      return `${reply}${/[。！？]$/.test(reply) ? '' : '。'}`;
    }
    const ref = randomUUID().slice(0, 8);
    deps.log.error({ err, ref }, 'chat command failed');
    return `处理失败，请稍后重试（编号 ${ref}）。`;
  }

  const router: CommandRouter = {
    commands,
    async handleText(sender, rawText) {
      const text = rawText.replace(/\u3000/g, ' ').trim();
      if (!text) return helpText();
      if (text.length > MAX_TEXT) return `消息太长（超过 ${MAX_TEXT} 字），未处理。发送“帮助”查看命令。`;
      const [word = '', ...args] = text.split(/\s+/);
      const command = byName.get(word.toLowerCase());
      if (!command) return helpText();
      const em = orm.em.fork();
      try {
        const staff = await findStaff(em, sender);
        if (!staff && !command.anonymous) return notBound(sender);
        return await command.run(args, await context(em, sender, staff));
      } catch (err) {
        return refusal(err, command.usage);
      }
    },
    async handleCardAction(sender, key) {
      const em = orm.em.fork();
      try {
        const staff = await findStaff(em, sender);
        if (!staff) return { ok: false, reply: notBound(sender) };
        return await runCardAction(key, await context(em, sender, staff));
      } catch (err) {
        return { ok: false, reply: refusal(err, '点击卡片上的按钮') };
      }
    },
  };
  // Replies never carry a full mobile number, whatever a command or a record's text contains.
  return {
    commands,
    handleText: async (sender, text) => maskPhonesInText(await router.handleText(sender, text)),
    handleCardAction: async (sender, key) => {
      const result = await router.handleCardAction(sender, key);
      const reply = maskPhonesInText(result.reply);
      return { ...result, reply: result.reveal ? `${reply}：${result.reveal}` : reply };
    },
  };
}

function notBound(sender: ChatSender): string {
  if (sender.channel === 'cli') return `没有编号为 ${sender.senderId} 的在职员工。`;
  return sender.channel === 'wecom'
    ? '你的企业微信账号还没有登记为员工，请联系管理员。'
    : '你还没有绑定员工身份：请在企业微信里向应用发送“绑定”获取绑定码，然后在这里发送“绑定 <绑定码>”。';
}
