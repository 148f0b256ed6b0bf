import type { AuditChannel } from '../audit/audit-log.entity.js';
import { DomainError } from '../shared/domain-error.js';

/**
 * Who is acting: a staff member with the permissions of their role, the door they came through and,
 * for HTTP, the request id (audit rows carry both). Every door builds one; domain services take it and
 * check permissions through `authorize`, never through role names.
 */
export type Actor = {
  staffId: number;
  name: string;
  role: string;
  permissions: ReadonlySet<string>;
  channel: AuditChannel;
  requestId?: string;
};

/** Whether the actor holds at least one of the permissions. */
export function can(actor: Actor, ...anyOf: string[]): boolean {
  return anyOf.some((p) => actor.permissions.has(p));
}

/**
 * Throws FORBIDDEN (403; a Chinese refusal in chat) unless the actor holds at least one of the
 * permissions. `what` names the action for the message, e.g. 审批邀约.
 */
export function authorize(actor: Actor, anyOf: string | readonly string[], what?: string): void {
  const required = typeof anyOf === 'string' ? [anyOf] : [...anyOf];
  if (can(actor, ...required)) return;
  const action = what ? `${what}的` : '';
  throw new DomainError('FORBIDDEN', `你没有${action}权限（需要 ${required.join(' 或 ')}），未做任何更改。`, { required });
}
