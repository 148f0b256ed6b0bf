/**
 * Call tasks as chat commands (`外呼 列表|启动|停止|取消`) use them. Until the
 * call-task service is wired, the bot uses an implementation that answers CALL_TASKS_UNAVAILABLE.
 * Every member throws DomainError with a stable code on refusal (…_NOT_FOUND, …_CONFLICT, CALL_TASKS_UNAVAILABLE).
 */
export interface CallTaskControl {
  /** Tasks the staff member may see, newest first, as one line each. */
  list(staffId: number): Promise<Array<{ id: string; name: string; status: string; progress: string }>>;
  start(staffId: number, taskId: string): Promise<{ id: string; status: string }>;
  stop(staffId: number, taskId: string): Promise<{ id: string; status: string }>;
  cancel(staffId: number, taskId: string): Promise<{ id: string; status: string }>;
}
