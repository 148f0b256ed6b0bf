import type { EntityManager } from '@mikro-orm/core';
import type { Notifier } from '../ports/notifier.port.js';
import { loadRoutingInput } from '../routing/routing-context.js';
import { planRoute, type RoutePlan } from '../routing/routing-policy.js';
import { normalizePhone } from '../shared/phone.js';
import { createLeadForCaller, identifyCaller, type CallerMatch } from './caller-identification.service.js';
import { CallerIdentificationSchema } from './caller-identification.entity.js';
import { CallSchema } from './call.entity.js';
import { buildScreenPop } from './screen-pop.js';
import { ScreenPopEventSchema } from './screen-pop-event.entity.js';

export type InboundCall = {
  uuid: string;
  callerNumber: string;
  /** The dialled number (the 400 number or the gateway's line). */
  calleeNumber: string;
  ivrChoice: string | null;
  receivedAt: Date;
};

export type InboundCallDeps = {
  em: EntityManager;
  notifier: Notifier;
  timeZone: string;
  serviceNumber: string;
  voicemailMaxSeconds: number;
  onError?: (err: unknown, stage: 'notify' | 'persist') => void;
};

export type InboundCallResult = {
  match: CallerMatch;
  plan: RoutePlan;
  /** Resolves when the screen-pops are handed to the notifier and the call, identification and screen-pop are stored. */
  settled: Promise<void>;
  /** Resolves when the call record is stored (or storing failed): the switch's later events about the call wait for it. */
  stored: Promise<void>;
};

/**
 * A 400 call arrived: identify the caller, plan the route, pop the screen of everyone about to ring, and
 * store the call. Returns as soon as the plan exists so the switch can start ringing; notifying and
 * storing carry on in `settled` (failures there are reported to onError, never thrown at the switch).
 */
export async function handleInboundCall(deps: InboundCallDeps, call: InboundCall): Promise<InboundCallResult> {
  const { em } = deps;
  const match = await identifyCaller(em, call.callerNumber);
  const routing = await loadRoutingInput(em, {
    now: call.receivedAt,
    timeZone: deps.timeZone,
    ownerStaffId: match.customer?.ownerStaffId ?? null,
    voicemailMaxSeconds: deps.voicemailMaxSeconds,
  });
  const plan = planRoute(routing);
  const suggested = routing.staff.find((s) => s.id === plan.suggestedStaffId);
  const pop = buildScreenPop({
    callUuid: call.uuid,
    serviceNumber: deps.serviceNumber,
    match,
    ivrChoice: call.ivrChoice,
    suggestedStaffName: suggested?.name ?? null,
    now: call.receivedAt,
    timeZone: deps.timeZone,
  });
  const notified = Promise.all(plan.staffIds.map((id) => deps.notifier.notifyStaff(id, pop))).then(
    () => undefined,
    (err: unknown) => deps.onError?.(err, 'notify'),
  );
  const stored = persist(em, call, match, plan, pop).catch((err: unknown) => deps.onError?.(err, 'persist'));
  return { match, plan, stored, settled: Promise.all([notified, stored]).then(() => undefined) };
}

async function persist(em: EntityManager, call: InboundCall, match: CallerMatch, plan: RoutePlan, pop: ReturnType<typeof buildScreenPop>): Promise<void> {
  const caller = match.phone ?? normalizePhone(call.callerNumber);
  const callee = normalizePhone(call.calleeNumber);
  const customerId = match.customer?.id ?? (match.newLead && caller ? createLeadForCaller(em, caller, call.receivedAt) : null);
  const record = em.create(CallSchema, {
    uuid: call.uuid,
    direction: 'inbound',
    caller: caller?.e164 ?? digitsOf(call.callerNumber, 20),
    callerLast8: caller?.last8 ?? digitsOf(call.callerNumber, 8, true),
    callee: callee?.e164 ?? digitsOf(call.calleeNumber, 20),
    calleeLast8: callee?.last8 ?? digitsOf(call.calleeNumber, 8, true),
    customer: customerId,
    ivrChoice: call.ivrChoice,
    startedAt: call.receivedAt,
  });
  em.create(CallerIdentificationSchema, {
    callRecord: record,
    callerNumber: caller?.e164 ?? digitsOf(call.callerNumber, 20),
    callerNumberLast8: caller?.last8 ?? digitsOf(call.callerNumber, 8, true),
    matchKind: match.kind,
    matchedCustomer: customerId,
    matchedContact: match.contact?.id ?? null,
    matchConfidence: match.confidence,
    companyName: match.customer?.companyName ?? null,
    contactName: match.contact?.name ?? null,
    department: match.contact?.department ?? null,
    position: match.contact?.position ?? null,
    customerLevel: match.customer?.level ?? (match.newLead ? 'potential' : null),
  });
  em.create(ScreenPopEventSchema, { callUuid: call.uuid, staffIds: plan.staffIds, payload: { ...pop, plan: { period: plan.period, dayType: plan.dayType, steps: plan.steps.length } } });
  await em.flush();
}

function digitsOf(raw: string, max: number, tail = false): string {
  const digits = raw.replace(/\D/g, '');
  return tail ? digits.slice(-max) : digits.slice(0, max);
}
