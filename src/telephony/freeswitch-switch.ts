import type { CallEnded, OriginateRequest, OriginateResult, SwitchPort } from '../domain/ports/switch.port.js';
import type { EventClient } from './event-client.js';
import { originateArgument } from './originate-argument.js';

const SAFE_VALUE = /[^A-Za-z0-9_.+:@/-]/g;

/** One channel variable as `{k=v}` accepts it: no commas, braces, quotes or spaces. */
function varValue(v: string | number): string {
  return String(v).replace(SAFE_VALUE, '').slice(0, 128);
}

/** The originate command: `originate {vars}sofia/gateway/<gw>/<number> <destination>` (an inline application quoted). */
export function originateCommand(request: OriginateRequest): string {
  const vars: Record<string, string | number> = {
    origination_uuid: request.callId,
    salesops_call: 'outbound',
    salesops_call_id: request.callId,
    originate_timeout: Math.max(1, Math.round(request.timeoutSec)),
    ignore_early_media: 'ring_ready',
    ...(request.callerId ? { origination_caller_id_number: request.callerId } : {}),
    ...(request.vars ?? {}),
  };
  const list = Object.entries(vars).map(([k, v]) => `${k.replace(/[^A-Za-z0-9_]/g, '')}=${varValue(v)}`);
  const destination = request.destination.replace(/[\r\n]/g, ' ').trim();
  // An inline application is one argument (quoted); an extension is `<ext> <dialplan> <context>`, three.
  const target = destination.startsWith('&') ? originateArgument(destination) : destination;
  return `originate {${list.join(',')}}sofia/gateway/${varValue(request.gateway)}/${request.number.replace(/\D/g, '')} ${target}`;
}

/**
 * The switch port over the event socket: `bgapi originate` answers `+OK Job-UUID` at once and the result
 * later as BACKGROUND_JOB (`+OK <uuid>` once answered, `-ERR <CAUSE>`); a result that does not come in
 * time, or a dropped connection, is `unknown` — the channel's own events settle it.
 */
export function createFreeSwitchSwitch(options: {
  events: Pick<EventClient, 'bgapi' | 'connected'>;
  /** A connection for originates only (while it is up; otherwise they go on `events`). */
  originates?: Pick<EventClient, 'bgapi' | 'connected'>;
  resultTimeoutMs?: (req: OriginateRequest) => number;
}) {
  const listeners = new Set<(ended: CallEnded) => void>();
  const port: SwitchPort & { emitCallEnded(ended: CallEnded): void } = {
    async originate(request): Promise<OriginateResult> {
      const timeoutMs = options.resultTimeoutMs?.(request) ?? (request.timeoutSec + 10) * 1000;
      let acknowledged = false;
      const accepted = () => {
        if (acknowledged) return;
        acknowledged = true;
        request.accepted?.();
      };
      let reply: string;
      try {
        const via = options.originates?.connected() ? options.originates : options.events;
        const { body } = await via.bgapi(originateCommand(request), timeoutMs, accepted);
        reply = String(body['_body'] ?? '').trim();
      } catch (err) {
        const message = err instanceof Error ? err.message : String(err);
        if (/not connected/.test(message)) return { kind: 'failed', cause: 'SWITCH_NOT_CONNECTED' };
        return { kind: 'unknown', reason: message.slice(0, 200) };
      } finally {
        accepted();
      }
      const ok = /^\+OK\s+(\S+)/.exec(reply);
      if (ok) return { kind: 'answered', channelUuid: ok[1]! };
      const cause = /^-ERR\s+([A-Z_]+)/.exec(reply)?.[1];
      return cause ? { kind: 'failed', cause } : { kind: 'unknown', reason: `unreadable reply: ${reply.slice(0, 100)}` };
    },
    async channelExists(callId) {
      try {
        const { body } = await options.events.bgapi(`uuid_exists ${varValue(callId)}`, 5000);
        const reply = String(body['_body'] ?? '').trim();
        if (reply === 'true' || reply === '+true') return true;
        if (reply === 'false' || reply === '+false') return false;
        return null;
      } catch {
        return null;
      }
    },
    onCallEnded(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    connected: () => options.events.connected(),
    emitCallEnded(ended) {
      for (const l of listeners) l(ended);
    },
  };
  return port;
}

export type FreeSwitchSwitch = ReturnType<typeof createFreeSwitchSwitch>;
