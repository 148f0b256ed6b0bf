import type { CallTaskControl } from '../../domain/ports/call-task-control.port.js';
import { DomainError } from '../../domain/shared/domain-error.js';

const unavailable = (): never => {
  throw new DomainError('CALL_TASKS_UNAVAILABLE', '外呼任务功能尚未开通，请联系管理员');
};

/** Used until a call-task service is wired into main.ts: every request is refused with one clear answer. */
export const unavailableCallTasks: CallTaskControl = {
  list: async () => unavailable(),
  start: async () => unavailable(),
  stop: async () => unavailable(),
  cancel: async () => unavailable(),
};
