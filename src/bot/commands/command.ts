import type { EntityManager } from '@mikro-orm/core';
import type { ApprovalService } from '../../domain/approvals/approval.service.js';
import type { PermissionService } from '../../domain/auth/permission.service.js';
import type { CallTaskControl } from '../../domain/ports/call-task-control.port.js';
import type { Staff } from '../../domain/staff/staff.entity.js';
import type { Logger } from '../../logging/logger.js';

/** Which chat door a message came through; also the audit channel. */
export type ChatChannel = 'wecom' | 'wechaty';

/** Who wrote: a WeCom member (user id) or a WeChat contact (Wechaty contact id). */
export type ChatSender = { channel: ChatChannel; senderId: string };

export type BotDeps = {
  approvals: ApprovalService;
  permissions: PermissionService;
  callTasks: CallTaskControl;
  timeZone: string;
  log: Logger;
};

export type CommandContext = {
  em: EntityManager;
  sender: ChatSender;
  /** The staff member behind the sender; null only for commands with `anonymous: true`. */
  staff: Staff | null;
  deps: BotDeps;
  now: Date;
  /** Throws a refusal (DomainError CHAT_FORBIDDEN) unless the staff member holds the permission. */
  require(permission: string, why: string): Promise<Staff>;
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
