import type { SmsGateway } from '../domain/ports/sms-gateway.port.js';
import type { VoiceGateway } from '../domain/ports/voice-gateway.port.js';
import type { Metrics } from './metrics.js';

/**
 * The SMS port with its sends counted: one `salesops_sms_sends_total` per recipient by outcome, and the
 * carrier's error codes (whole-request refusals and per-number failures) in `salesops_carrier_api_errors_total`.
 * Dry-run gateways are counted too (outcome as the dry run reports it); their carrier label says so.
 */
export function measuredSmsGateway(gateway: SmsGateway, metrics: Metrics): SmsGateway {
  const carrier = gateway.name;
  const measured: SmsGateway = {
    get name() {
      return gateway.name;
    },
    get dryRun() {
      return gateway.dryRun;
    },
    async send(request) {
      const result = await gateway.send(request);
      if (result.ok) {
        for (const outcome of result.outcomes) {
          metrics.smsSends.inc({ outcome: outcome.status });
          if (outcome.status !== 'sent') metrics.carrierErrors.inc({ carrier, code: outcome.code });
        }
      } else {
        metrics.smsSends.inc({ outcome: result.code === 'OUTCOME_UNKNOWN' ? 'unknown' : 'request_failed' }, request.phones.length);
        metrics.carrierErrors.inc({ carrier, code: result.code });
      }
      return result;
    },
  };
  if (gateway.pullStatus) {
    const pull = gateway.pullStatus.bind(gateway);
    measured.pullStatus = async (options) => {
      const result = await pull(options);
      if (!result.ok) metrics.carrierErrors.inc({ carrier, code: result.code });
      return result;
    };
  }
  return measured;
}

/** The voice port with carrier errors counted by code (busy and no-answer are outcomes, not errors). */
export function measuredVoiceGateway(gateway: VoiceGateway, metrics: Metrics): VoiceGateway {
  const NOT_ERRORS = new Set(['CALLEE_BUSY', 'NO_ANSWER']);
  return {
    get name() {
      return gateway.name;
    },
    get dryRun() {
      return gateway.dryRun;
    },
    async placeCall(request) {
      const result = await gateway.placeCall(request);
      if (!result.ok && !NOT_ERRORS.has(result.code)) metrics.carrierErrors.inc({ carrier: gateway.name, code: result.code });
      return result;
    },
  };
}
