/** The demo data set of `npm run seed:demo`: a 400-number sales team and its customers (fictional). */

type DemoVisit = [daysAgo: number, spendingYuan: number, categories: string[]];

export const demoData = {
  staff: [
    { key: 'manager', name: '张经理', role: 'manager', mobile: '13800000001', wecom: 'zhangjingli', ext: '8000', dutyDays: ['mon', 'tue', 'wed', 'thu', 'fri'], dutyHours: ['09:00', '18:00'] },
    { key: 'sales_a', name: '销售经理A', role: 'sales', mobile: '13800000011', wecom: 'sales_a', ext: '8001', forwarding: 'simultaneous' as const, dutyDays: ['mon', 'tue', 'wed', 'thu', 'fri'], dutyHours: ['09:00', '22:00'] },
    { key: 'sales_b', name: '销售经理B', role: 'sales', mobile: '13800000012', wecom: 'sales_b', ext: '8002', forwarding: 'sequential' as const, dutyDays: ['mon', 'tue', 'wed', 'thu', 'fri', 'sat'], dutyHours: ['09:00', '20:00'] },
    { key: 'sales_c', name: '销售经理C', role: 'sales', mobile: '13800000013', wecom: 'sales_c', ext: '8003', dutyDays: ['wed', 'thu', 'fri', 'sat', 'sun'], dutyHours: ['10:00', '21:00'] },
    { key: 'duty', name: '值班人员', role: 'duty', mobile: '13800009999', wecom: 'duty', ext: undefined, dutyDays: ['sun'], dutyHours: ['09:00', '18:00'] },
    { key: 'admin', name: '系统管理员', role: 'admin', mobile: '13800000099', wecom: 'admin', ext: undefined, dutyDays: [], dutyHours: ['09:00', '18:00'] },
  ] as Array<{ key: string; name: string; role: string; mobile: string; wecom: string; ext: string | undefined; forwarding?: 'sequential' | 'simultaneous'; dutyDays: string[]; dutyHours: [string, string] }>,

  customers: [
    {
      id: 'CUST_001', company: '宁波奥克斯空调有限公司', phone: '0574-87654321', level: 'vip' as const, segment: 'VIP' as const, tier: 'gold', owner: 'sales_a',
      annualRevenueYuan: 5_800_000, orders: 12, lastContactDaysAgo: 5, lastVisitDaysAgo: 3, birthday: null, consentSms: true,
      tags: ['大客户', '长期合作'], notes: '正在洽谈PCR-ABS批量订单',
      contact: { name: '张经理', mobile: '13812348888', department: '采购部', position: '采购经理' },
      visits: [[3, 1800, ['package', 'beer']], [17, 2200, ['package', 'wine']], [40, 1500, ['beer']]] as DemoVisit[],
    },
    {
      id: 'CUST_002', company: '杭州海康科技有限公司', phone: '0571-88880000', level: 'vip' as const, segment: 'loyal' as const, tier: 'silver', owner: 'sales_b',
      annualRevenueYuan: 1_200_000, orders: 8, lastContactDaysAgo: 12, lastVisitDaysAgo: 9, birthday: null, consentSms: true,
      tags: ['长期合作'], notes: '季度框架协议客户',
      contact: { name: '李总', mobile: '13912345678', department: '总经办', position: '总经理' },
      visits: [[9, 900, ['beer', 'snack']], [30, 700, ['beer']]] as DemoVisit[],
    },
    {
      id: 'CUST_003', company: '上海锦江贸易有限公司', phone: '021-63210000', level: 'normal' as const, segment: 'regular' as const, tier: 'basic', owner: 'sales_b',
      annualRevenueYuan: 300_000, orders: 3, lastContactDaysAgo: 35, lastVisitDaysAgo: 33, birthday: null, consentSms: true,
      tags: ['价格敏感'], notes: null,
      contact: { name: '王主管', mobile: '13712340001', department: '行政部', position: '主管' },
      visits: [[33, 400, ['snack']]] as DemoVisit[],
    },
    {
      id: 'CUST_004', company: '苏州工业园区新材料公司', phone: null, level: 'potential' as const, segment: 'potential' as const, tier: 'basic', owner: 'sales_c',
      annualRevenueYuan: 0, orders: 0, lastContactDaysAgo: 2, lastVisitDaysAgo: 60, birthday: null, consentSms: false,
      tags: ['新线索'], notes: '来电咨询ABS价格',
      contact: { name: '陈工', mobile: '15012345678', department: '技术部', position: '工程师' },
      visits: [[60, 300, ['snack']]] as DemoVisit[],
    },
    {
      id: 'CUST_005', company: null, phone: null, level: 'normal' as const, segment: 'churn_risk' as const, tier: 'silver', owner: 'sales_a',
      annualRevenueYuan: 60_000, orders: 15, lastContactDaysAgo: 95, lastVisitDaysAgo: 92, birthday: '1990-11-25', consentSms: true,
      tags: ['夜场常客'], notes: '三个月未到店',
      contact: { name: '赵先生', mobile: '18612345678', department: null, position: null },
      visits: [[92, 600, ['beer', 'night']], [120, 800, ['beer', 'night']], [150, 700, ['wine', 'night']]] as DemoVisit[],
    },
    {
      id: 'CUST_006', company: null, phone: null, level: 'normal' as const, segment: 'new' as const, tier: 'basic', owner: 'sales_c',
      annualRevenueYuan: 2_000, orders: 1, lastContactDaysAgo: 1, lastVisitDaysAgo: 1, birthday: null, consentSms: true,
      tags: [], notes: '首次到店',
      contact: { name: '孙女士', mobile: '13698765432', department: null, position: null },
      visits: [[1, 500, ['package']]] as DemoVisit[],
    },
  ],

  event: { id: 'EVENT_001', name: '周末狂欢夜', eventDate: '2026-12-05T11:00:00Z', venue: '旗舰店大厅', description: '周末主题派对，VIP专属包厢' },

  templates: [
    { code: 'TPL_001', name: '到店感谢', category: 'notification' as const, vendorTemplateId: '1000001', content: '{1}您好，感谢您的光临！期待再次为您服务。', paramNames: ['name'] },
    { code: 'TPL_002', name: '周末活动', category: 'marketing' as const, vendorTemplateId: '1000002', content: '尊敬的{1}，{2}本周末特惠：{3}。', paramNames: ['name', 'event', 'offer'] },
    { code: 'TPL_INVITE', name: '活动邀约', category: 'marketing' as const, vendorTemplateId: '1000004', content: '{1}您好，诚邀您参加{3}的「{2}」，凭此邀约享{4}。拒收请回复R', paramNames: ['name', 'event', 'time', 'incentive'] },
    { code: 'TPL_003', name: '预约提醒', category: 'reminder' as const, vendorTemplateId: '1000003', content: '{1}您好，您预约的{2}将于{3}开始。', paramNames: ['name', 'item', 'time'] },
  ],

  holidays: [
    { date: '2027-01-01', name: '元旦', workday: false },
    { date: '2027-02-06', name: '春节', workday: false },
  ],
};
