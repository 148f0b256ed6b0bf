import { randomUUID } from 'node:crypto';
import type { PlaceCallRequest, PlaceCallResult, VoiceGateway } from '../domain/ports/voice-gateway.port.js';
import { isMainlandMobile } from '../domain/shared/phone.js';
import type { Logger } from '../logging/logger.js';

/**
 * The dry-run voice gateway (OUTREACH_DRY_RUN=true, or neither Tencent voice messages nor FreeSWITCH
 * outside production): the call is written to the log (number masked, `dryRun: true`) and answered as
 * placed, so the outreach flow runs end to end; the domain marks those calls dry-run.
 */
export function createRecordingVoiceGateway(logger: Logger): { gateway: VoiceGateway & { placed(): PlaceCallRequest[] }; description: string } {
  const log = logger.child({ component: 'recording-voice-gateway' });
  const placed: PlaceCallRequest[] = [];
  return {
    description: 'outreach calls dry run: calls are recorded in the log, never placed',
    gateway: {
      name: 'recording',
      dryRun: true,
      placed: () => [...placed],
      async placeCall(request): Promise<PlaceCallResult> {
        if (!isMainlandMobile(request.to)) return { ok: false, code: 'INVALID_NUMBER', message: 'not a mainland mobile number' };
        placed.push(request);
        if (placed.length > 1000) placed.shift();
        log.info({ dryRun: true, callId: request.callId, to: request.to, scriptChars: request.script.length }, 'dry run: call recorded, not placed');
        return { ok: true, carrierCallId: `dry-${randomUUID()}` };
      },
    },
  };
}
