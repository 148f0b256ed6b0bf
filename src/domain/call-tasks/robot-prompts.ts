/** What the robot says after the task's script: the key menu (seed 004 robot mode). */
export const ROBOT_MENU_TEXT = '如需了解详情，请按 1 转接销售顾问；如不希望再接到我们的电话，请按 2。';

/** The short prompts of task calls, spoken by the same voice as the scripts. */
export const TASK_CALL_PROMPTS = {
  /** Agent mode: nobody took the answered callee in time (the attempt is abandoned). */
  apology: '抱歉，销售顾问暂时无法接听，我们会尽快再与您联系，再见。',
  /** Robot mode: no key pressed. */
  goodbye: '感谢您的接听，再见。',
  /** Robot mode: key 2. */
  optedOut: '好的，我们不会再致电您，再见。',
  /** Robot mode: key 1, while the salesperson's phone rings. */
  transferring: '正在为您转接销售顾问，请稍候。',
} as const;

export type TaskCallPrompt = keyof typeof TASK_CALL_PROMPTS;
