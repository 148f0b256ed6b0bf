import type { Message, Wechaty, WechatyPlugin } from 'wechaty';
import type { Logger } from '../../logging/logger.js';
import type { CommandRouter } from '../commands/router.js';

/**
 * The command router as a Wechaty plugin: a text from a contact (not a room, not the bot itself) runs
 * a command and the reply goes back to that contact. Failures to reply are logged, never thrown.
 */
export function commandPlugin(router: CommandRouter, log: Logger): WechatyPlugin {
  return (bot: Wechaty) => {
    const onMessage = async (message: Message) => {
      try {
        if (message.self() || message.room() || message.type() !== bot.Message.Type.Text) return;
        const talker = message.talker();
        const reply = await router.handleText({ channel: 'wechaty', senderId: talker.id }, message.text());
        await talker.say(reply);
      } catch (err) {
        log.error({ err }, 'wechaty message handling failed');
      }
    };
    bot.on('message', onMessage);
    return () => {
      bot.off('message', onMessage);
    };
  };
}
