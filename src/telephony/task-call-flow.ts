import type { FreeSwitchResponse } from 'esl';
import type { AgentBridge, AnsweredPlan, RobotKeyResult } from '../domain/call-tasks/answered-call.js';
import { TASK_CALL_PROMPTS, type TaskCallPrompt } from '../domain/call-tasks/robot-prompts.js';
import type { Logger } from '../logging/logger.js';
import { bridgeString } from './bridge-string.js';
import { recordingPath } from './recording-path.js';

/** What the task-call flow asks the domain (each call runs in its own unit of work). */
export type TaskCallHooks = {
  answer(callId: string): Promise<AnsweredPlan>;
  abandon(callId: string): Promise<void>;
  robotKey(callId: string, digit: string | null): Promise<RobotKeyResult>;
  /** The prepared WAV of a text (under RECORDINGS_DIR/prompts/), or null: the switch's own TTS speaks it. */
  promptFile(text: string): Promise<string | null>;
};

export type TaskCallFlowOptions = {
  hooks: TaskCallHooks;
  gateway: string;
  recordingsDir: string;
  ringback: string;
  /** `<engine>|<voice>` of the switch's own TTS (FREESWITCH_TTS), used when a prompt has no WAV. */
  tts: string;
  commandTimeoutMs: number;
  timeZone: string;
  log: Logger;
};

/** How long the robot waits for a key after its prompt. */
const MENU_WAIT_MS = 5000;
/** A bridged call may talk for hours before `bridge` returns. */
const TALK_LIMIT_MS = 4 * 3_600_000;
const PLAY_LIMIT_MS = 5 * 60_000;

/**
 * An answered call of a call task, handed to our outbound socket by `originate … &socket(…)` (the channel
 * carries `salesops_call=outbound` and our call id as `salesops_call_id`). The callee is recorded from the
 * start; while a salesperson's phone rings the callee hears the ring tone (`transfer_ringback`), never silence.
 * Agent mode bridges to the salesperson the domain reserved; if they do not answer within their ring time
 * the callee hears a short apology and the attempt is abandoned. Robot mode plays the script with the key
 * menu (`play_and_get_digits` into `salesops_digit`): 1 → bridge to the task's salesperson, 2 → opted out,
 * nothing → goodbye.
 */
export async function runTaskCall(call: FreeSwitchResponse, uuid: string, callId: string, options: TaskCallFlowOptions, onStage: (stage: 'setup' | 'bridge' | 'prompt') => void): Promise<void> {
  const { hooks, log } = options;
  const t = options.commandTimeoutMs;
  const plan = await hooks.answer(callId);
  if (plan.kind === 'not_ours') {
    log.warn({ uuid }, 'task call not found: hanging up');
    await call.command('hangup', 'NORMAL_CLEARING', t);
    return;
  }
  const recording = recordingPath(options.recordingsDir, 'calls', new Date(), options.timeZone, uuid);
  const tone = options.ringback;
  const [engine = 'tts_commandline', voice = 'default'] = options.tts.split('|');
  await call.execute('multiset', `verbose_events=true hangup_after_bridge=true continue_on_fail=true RECORD_BRIDGE_REQ=false ringback=${tone} transfer_ringback=${tone} tts_engine=${engine} tts_voice=${voice} salesops_recording=${recording}`);
  await call.execute('record_session', recording);

  const say = async (key: TaskCallPrompt) => {
    onStage('prompt');
    const text = TASK_CALL_PROMPTS[key];
    const file = await hooks.promptFile(text);
    if (file) await call.command('playback', file, PLAY_LIMIT_MS);
    else await call.command('speak', `${engine}|${voice}|${text}`, PLAY_LIMIT_MS);
  };
  /** Rings the salesperson; true when they answered (the call then talked and ended inside `bridge`). */
  const bridge = async (agent: AgentBridge): Promise<boolean> => {
    onStage('bridge');
    const dial = bridgeString({ steps: agent.steps }, { gateway: options.gateway });
    const done = await call.command('bridge', dial, agent.ringSeconds * 1000 + TALK_LIMIT_MS);
    const status = String(done.body['variable_DIALSTATUS'] ?? done.body['variable_originate_disposition'] ?? '');
    log.info({ uuid, staffId: agent.staffId, status }, 'task call bridge finished');
    return status === 'SUCCESS';
  };
  const end = () => call.command('hangup', 'NORMAL_CLEARING', t);

  if (plan.kind === 'agent') {
    if (plan.agent && (await bridge(plan.agent))) return;
    await hooks.abandon(callId);
    log.info({ uuid, taskId: plan.taskId, agent: plan.agent?.staffId ?? null }, 'nobody took the answered callee: apology, abandoned');
    await say('apology');
    await end();
    return;
  }

  onStage('prompt');
  const prompt = await hooks.promptFile(plan.promptText);
  let menuFile = 'silence_stream://250';
  if (prompt) menuFile = prompt;
  else await call.command('speak', `${engine}|${voice}|${plan.promptText.replace(/\s+/g, ' ')}`, PLAY_LIMIT_MS);
  const menu = await call.command('play_and_get_digits', `1 1 1 ${MENU_WAIT_MS} # ${menuFile} silence_stream://250 salesops_digit ^[12]$`, PLAY_LIMIT_MS);
  const digit = String(menu.body['variable_salesops_digit'] ?? '').trim() || null;
  const choice = await hooks.robotKey(callId, digit);
  log.info({ uuid, taskId: plan.taskId, digit, action: choice.action }, 'robot menu answered');
  if (choice.action === 'transfer') {
    if (choice.agent) {
      await say('transferring');
      if (await bridge(choice.agent)) return;
    }
    await say('apology');
  } else {
    await say(choice.action === 'opted_out' ? 'optedOut' : 'goodbye');
  }
  await end();
}
