import { randomUUID } from 'node:crypto';
import type { PlaceCallRequest, PlaceCallResult, VoiceGateway } from '../domain/ports/voice-gateway.port.js';
import { isMainlandMobile } from '../domain/shared/phone.js';
import type { Logger } from '../logging/logger.js';

/**
 * The embedded default when neither Tencent voice messages nor FreeSWITCH are configured: the call is
 * written to the log (number masked) and answered as placed, so the outreach flow runs end to end.
 */
export function createRecordingVoiceGateway(logger: Logger): { gateway: VoiceGateway & { placed(): PlaceCallRequest[] }; description: string } {
  const log = logger.child({ component: 'recording-voice-gateway' });
  const placed: PlaceCallRequest[] = [];
  return {
    description: 'voice calls are recorded in the log, not placed (no TENCENT_VMS_* or FreeSWITCH settings)',
    gateway: {
      name: 'recording',
      placed: () => [...placed],
      async placeCall(request): Promise<PlaceCallResult> {
        if (!isMainlandMobile(request.to)) return { ok: false, code: 'INVALID_NUMBER', message: 'not a mainland mobile number' };
        placed.push(request);
        if (placed.length > 1000) placed.shift();
        log.info({ callId: request.callId, to: request.to, scriptChars: request.script.length }, 'call recorded, not placed');
        return { ok: true, carrierCallId: `rec-${randomUUID()}` };
      },
    },
  };
}
