export const CALL_TASKS_ERRORS = {
  CALL_TASK_NOT_FOUND: { status: 404 },
  CALL_RECORD_NOT_FOUND: { status: 404 },
  /** Seed 004 §2.8: 已完成或已停止的任务无法取消 (also cancelled or failed ones). */
  CALL_TASK_NOT_CANCELLABLE: { status: 409 },
  /** START of a completed or cancelled task. */
  CALL_TASK_NOT_STARTABLE: { status: 409 },
  /** STOP of a task that is not running. */
  CALL_TASK_NOT_RUNNING: { status: 409 },
} as const;
