import type { WecomClient } from '../../gateways/wecom/wecom-client.js';
import type { Logger } from '../../logging/logger.js';
import type { CommandRouter } from '../commands/router.js';
import type { WecomInbound } from './callback-handler.js';

/**
 * What happens after the callback was acknowledged: a text message runs a command and the reply is sent
 * with message/send; a card click runs the card action, replies, and (when it worked) greys out the
 * clicked button with the click's response code. Other messages and events are ignored.
 */
export function createWecomInbound(deps: { router: CommandRouter; client: WecomClient; log: Logger }) {
  const { router, client, log } = deps;
  return async function processInbound(m: WecomInbound): Promise<void> {
    const user = m.FromUserName!;
    const sender = { channel: 'wecom' as const, senderId: user };
    if (m.MsgType === 'text') {
      const reply = await router.handleText(sender, m.Content ?? '');
      const sent = await client.sendText(user, reply);
      if (!sent.ok) log.warn({ user, code: sent.code, detail: sent.message }, 'wecom reply not delivered');
      return;
    }
    if (m.MsgType === 'event' && m.Event === 'template_card_event') {
      const result = await router.handleCardAction(sender, m.EventKey ?? '');
      const sent = await client.sendText(user, result.reply);
      if (!sent.ok) log.warn({ user, code: sent.code }, 'wecom click reply not delivered');
      if (result.ok && result.caption && m.ResponseCode) {
        const updated = await client.updateCardButton([user], m.ResponseCode, result.caption);
        if (!updated.ok) log.warn({ user, code: updated.code, detail: updated.message }, 'wecom card update failed');
      }
      return;
    }
    if (m.MsgType === 'event' && m.Event === 'enter_agent') return;
    log.debug({ msgType: m.MsgType, event: m.Event }, 'wecom message ignored');
  };
}
