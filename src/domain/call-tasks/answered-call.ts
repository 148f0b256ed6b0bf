import type { EntityManager } from '@mikro-orm/core';
import { CallSchema, type Call } from '../calls/call.entity.js';
import { identifyCaller } from '../calls/caller-identification.service.js';
import { recordConsent } from '../compliance/consent-ledger.service.js';
import type { Notifier } from '../ports/notifier.port.js';
import { loadRoutingInput } from '../routing/routing-context.js';
import { staffSteps, withinRingBudget, type RouteStep } from '../routing/routing-policy.js';
import { maskPhone } from '../shared/phone.js';
import { CallTaskSchema, type CallTask } from './call-task.entity.js';
import { freeAgents } from './free-agents.js';
import { ROBOT_MENU_TEXT } from './robot-prompts.js';

export type AnsweredCallDeps = {
  em: EntityManager;
  notifier: Notifier;
  timeZone: string;
  now: Date;
  /** The longest a salesperson's phones ring in all before the callee hears the apology (CALL_TASK_AGENT_SECONDS). */
  agentSeconds?: number;
};

/** The salesperson an answered callee is bridged to, rung as inbound routing rings them. */
export type AgentBridge = { staffId: number; name: string; steps: RouteStep[]; ringSeconds: number };

export type AnsweredPlan =
  | { kind: 'not_ours' }
  /** Agent mode: bridge to `agent` (null: nobody is free any more — the callee hears the apology). */
  | { kind: 'agent'; taskId: number; agent: AgentBridge | null }
  /** Robot mode: play the script and the key menu (`promptText` is what the prompt audio says). */
  | { kind: 'robot'; taskId: number; promptText: string };

async function taskCall(em: EntityManager, callId: string): Promise<{ call: Call; task: CallTask } | null> {
  const call = await em.findOne(CallSchema, { uuid: callId });
  if (!call || call.source !== 'task' || !call.task) return null;
  const task = await em.findOne(CallTaskSchema, { id: call.task });
  return task ? { call, task } : null;
}

/**
 * A task call was answered (the switch handed its channel to us): agent mode picks a free salesperson of
 * the task, reserves them on this call (`answered_by`), pushes the customer's card and the task's script to
 * them in WeCom at once and answers how to ring them; robot mode answers what the prompt says.
 */
export async function answerTaskCall(deps: AnsweredCallDeps, callId: string): Promise<AnsweredPlan> {
  const found = await taskCall(deps.em, callId);
  if (!found) return { kind: 'not_ours' };
  const { call, task } = found;
  if (!call.answeredAt) {
    call.answeredAt = deps.now;
    await deps.em.flush();
  }
  if (task.mode === 'robot') return { kind: 'robot', taskId: task.id, promptText: robotPromptText(task) };
  const agent = await reserveAgent(deps, call, task);
  if (agent) await pushAgentCard(deps, call, task, agent);
  return { kind: 'agent', taskId: task.id, agent };
}

/** What the robot says: the task's script, then the key menu. */
export function robotPromptText(task: Pick<CallTask, 'callScript'>): string {
  return `${task.callScript.trim()}\n${ROBOT_MENU_TEXT}`;
}

/**
 * The first free salesperson of the task (longest since their last task call) who can be rung, reserved
 * on this call by a conditional update (two calls answered at once never take the same person).
 */
async function reserveAgent(deps: AnsweredCallDeps, call: Call, task: CallTask): Promise<AgentBridge | null> {
  const { em } = deps;
  const free = await freeAgents(em, task, deps.now);
  if (free.length === 0) return null;
  const routing = await loadRoutingInput(em, { now: deps.now, timeZone: deps.timeZone, ownerStaffId: null, voicemailMaxSeconds: 0 });
  for (const staffId of free) {
    const person = routing.staff.find((s) => s.id === staffId);
    if (!person) continue;
    const own = staffSteps(person, routing.rules).filter((s) => s.legs.length > 0);
    const steps = deps.agentSeconds ? withinRingBudget(own, deps.agentSeconds) : own;
    if (steps.length === 0) continue;
    const taken = await em.nativeUpdate(CallSchema, { id: call.id, answeredBy: null }, { answeredBy: staffId });
    if (taken !== 1) return null;
    const ringSeconds = steps.reduce((n, s) => n + Math.max(...s.legs.map((l) => l.timeoutSec)), 0);
    return { staffId, name: person.name, steps, ringSeconds };
  }
  return null;
}

/** The customer's card with the task's script, to the salesperson about to take the call. */
async function pushAgentCard(deps: AnsweredCallDeps, call: Call, task: CallTask, agent: AgentBridge): Promise<void> {
  const match = await identifyCaller(deps.em, call.callee);
  const c = match.customer;
  const lines: Array<[string, string]> = [
    ['📞 客户号码', maskPhone(call.callee)],
    ['🏢 客户', c ? (c.companyName ?? c.name) : '未匹配到客户（新号码）'],
  ];
  if (match.contact) lines.push(['👤 联系人', match.contact.department ? `${match.contact.name} (${match.contact.department})` : match.contact.name]);
  if (c?.notes) lines.push(['📝 备注', c.notes.slice(0, 100)]);
  lines.push(['📋 外呼任务', `${task.name}（第 ${call.attempt ?? 1} 次呼叫）`]);
  await deps.notifier.notifyStaff(agent.staffId, {
    kind: 'screen_pop',
    callId: call.uuid,
    title: `☎️ 外呼已接通，请接听 - ${task.name}`,
    lines,
    urgency: 'high',
    buttons: [{ key: `callback:call:${call.uuid}`, text: '回拨' }],
  });
  // The script in full (a card shows only a line of it).
  await deps.notifier.notifyStaff(agent.staffId, { kind: 'text', title: `🗣️ 外呼话术 - ${task.name}`, text: task.callScript.slice(0, 2000) });
}

/**
 * Nobody took the answered callee (no free salesperson, or theirs did not answer in time): the call is
 * `abandoned` (its hangup keeps that outcome; the number is final), the reservation is released.
 */
export async function abandonTaskCall(em: EntityManager, callId: string): Promise<void> {
  await em.nativeUpdate(CallSchema, { uuid: callId, source: 'task' }, { outcome: 'abandoned', answeredBy: null });
}

export type RobotKeyResult = { action: 'transfer'; agent: AgentBridge | null } | { action: 'opted_out' } | { action: 'goodbye' };

/**
 * The callee's answer to the robot's key menu, recorded on the call (`ivr_choice`): 1 → a hot lead, bridged
 * to a free salesperson of the task (the lead itself is made after hang-up); 2 → never call again (an
 * `opted_out` row in the consent ledger, source `ivr`, so no task or outreach dials the number again);
 * nothing (null) → goodbye.
 */
export async function robotKey(deps: AnsweredCallDeps, callId: string, digit: string | null): Promise<RobotKeyResult> {
  const found = await taskCall(deps.em, callId);
  if (!found) return { action: 'goodbye' };
  const { call, task } = found;
  const { em } = deps;
  call.ivrChoice = digit ? digit.slice(0, 8) : 'none';
  if (digit === '2') {
    recordConsent(em, { phone: call.callee, channel: 'call', state: 'opted_out', source: 'ivr', reason: `外呼任务 ${task.id} 按键 2：不再接收来电`, evidence: `call:${call.uuid}`, at: deps.now });
    await em.flush();
    return { action: 'opted_out' };
  }
  if (digit === '1') {
    await em.flush();
    const agent = await reserveAgent(deps, call, task);
    if (agent) await pushAgentCard(deps, call, task, agent);
    return { action: 'transfer', agent };
  }
  await em.flush();
  return { action: 'goodbye' };
}
