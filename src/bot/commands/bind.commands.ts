import { bindWechatContact, issueStaffCode } from '../../domain/chat/binding.service.js';
import { localParts } from '../../domain/shared/business-time.js';
import type { Command } from './command.js';

export const bindCommand: Command = {
  names: ['绑定', 'bind'],
  usage: '绑定（获取绑定码） | 绑定 <绑定码>（在微信里绑定自己）',
  summary: '绑定小程序或个人微信到员工身份',
  anonymous: true,
  async run(args, ctx) {
    const code = args[0];
    if (code) {
      if (ctx.sender.channel !== 'wechaty') return '绑定码请在小程序或个人微信中使用。';
      const bound = await bindWechatContact(ctx.em, { code, contactId: ctx.sender.senderId, now: ctx.now });
      return `绑定成功：${bound.name}。现在可以在这里使用所有命令，发送“帮助”查看。`;
    }
    if (!ctx.staff) {
      return ctx.sender.channel === 'wecom'
        ? '你的企业微信账号还没有登记为员工，请联系管理员。'
        : '请先在企业微信里发送“绑定”获取绑定码，再在这里发送“绑定 <绑定码>”。';
    }
    const issued = await issueStaffCode(ctx.em, ctx.staff.id, ctx.sender.channel, ctx.now);
    return `你的绑定码：${issued.code}（${localParts(issued.expiresAt, ctx.deps.timeZone).hhmm} 前有效，只能使用一次）\n小程序：在“绑定员工身份”中输入；个人微信：向机器人发送“绑定 ${issued.code}”。`;
  },
};
