import type { EntityManager } from '@mikro-orm/core';
import type { ApprovalService } from '../../domain/approvals/approval.service.js';
import type { Actor } from '../../domain/auth/actor.js';
import type { PermissionService } from '../../domain/auth/permission.service.js';
import type { CallTaskDeps } from '../../domain/call-tasks/call-task-deps.js';
import type { Staff } from '../../domain/staff/staff.entity.js';
import type { Logger } from '../../logging/logger.js';

/** Which chat door a message came through (cli: the operator's chat CLI); also the audit channel. */
export type ChatChannel = 'wecom' | 'wechaty' | 'cli';

/** Who wrote: a WeCom member (user id), a WeChat contact (Wechaty contact id) or, from the CLI, a staff id. */
export type ChatSender = { channel: ChatChannel; senderId: string };

export type BotDeps = {
  approvals: ApprovalService;
  permissions: PermissionService;
  callTasks: CallTaskDeps | undefined;
  timeZone: string;
  log: Logger;
};

export type CommandContext = {
  em: EntityManager;
  sender: ChatSender;
  /** The staff member behind the sender; null only for commands with `anonymous: true`. */
  staff: Staff | null;
  /** The same staff member as domain services take them (channel wecom or wechaty); null when unbound. */
  actor: Actor | null;
  deps: BotDeps;
  now: Date;
  /** The actor, or a refusal (FORBIDDEN through authorize, CHAT_NOT_BOUND) unless they hold the permission. */
  require(permission: string, why: string): Actor;
  /** The actor of a bound sender (commands other than `anonymous` ones only run for bound senders). */
  me(): Actor;
};

/** One chat command: Chinese name first, then aliases; `run` returns the reply text. */
export type Command = {
  names: string[];
  usage: string;
  summary: string;
  /** Usable before the sender is bound to a staff member (only `帮助` and `绑定 <code>`). */
  anonymous?: boolean;
  run(args: string[], ctx: CommandContext): Promise<string>;
};

/** Thrown by a command when its arguments are missing or malformed: the router answers with the usage. */
export class UsageError extends Error {
  constructor(readonly hint?: string) {
    super(hint ?? 'usage');
  }
}
