import { WechatyBuilder, type Wechaty } from 'wechaty';
import type * as PUPPET from 'wechaty-puppet';
import type { Logger } from '../../logging/logger.js';
import type { CommandRouter } from '../commands/router.js';
import { commandPlugin } from './command.plugin.js';

export type WechatyTransportOptions = {
  /** A puppet package name (WECHATY_PUPPET) or a puppet instance (tests: wechaty-puppet-mock). */
  puppet: string | PUPPET.impls.PuppetInterface;
  token?: string;
  router: CommandRouter;
  log: Logger;
  startTimeoutMs?: number;
};

export type WechatyTransport = {
  bot: Wechaty;
  /** Starts the puppet; a puppet that fails to start is logged, not fatal. */
  start(): Promise<void>;
  /** Plain text to a contact; false when the bot is not logged in or the contact is unknown. */
  send(contactId: string, text: string): Promise<boolean>;
  stop(): Promise<void>;
};

/** Builds Wechaty with the configured puppet and the command plugin; it connects in start(). */
export function createWechaty(options: WechatyTransportOptions): WechatyTransport {
  const log = options.log.child({ component: 'wechaty' });
  const bot =
    typeof options.puppet === 'string'
      ? WechatyBuilder.build({ name: 'sales-ops', puppet: options.puppet as any, puppetOptions: options.token ? { token: options.token } : {} })
      : WechatyBuilder.build({ name: 'sales-ops', puppet: options.puppet });
  bot.use(commandPlugin(options.router, log));
  bot.on('login', (user) => log.info({ user: user.id }, 'wechaty logged in'));
  bot.on('logout', (user) => log.warn({ user: user.id }, 'wechaty logged out'));
  bot.on('scan', (_qrcode, status) => log.info({ status }, 'wechaty waiting for a QR-code scan'));
  bot.on('error', (err) => log.error({ err }, 'wechaty error'));
  const timeout = options.startTimeoutMs ?? 15_000;
  return {
    bot,
    async start() {
      try {
        await Promise.race([bot.start(), new Promise((_, reject) => setTimeout(() => reject(new Error(`start took over ${timeout} ms`)), timeout).unref())]);
        log.info({ puppet: typeof options.puppet === 'string' ? options.puppet : 'instance' }, 'wechaty started');
      } catch (err) {
        log.error({ err }, 'wechaty failed to start; WeChat commands are unavailable until it does');
      }
    },
    async send(contactId, text) {
      try {
        if (!bot.isLoggedIn) return false;
        const contact = await bot.Contact.find({ id: contactId });
        if (!contact) return false;
        await contact.say(text);
        return true;
      } catch (err) {
        log.warn({ err, contactId }, 'wechaty send failed');
        return false;
      }
    },
    async stop() {
      try {
        await bot.stop();
      } catch (err) {
        log.warn({ err }, 'wechaty stop failed');
      }
    },
  };
}
