/** The campaigns' marketing SMS template as the suites create it: {1} name, {2} offer, {3} the member's link. */
export const CAMPAIGN_TEMPLATE = { code: 'TPL_CAMPAIGN', name: '分层营销', category: 'marketing', vendorTemplateId: '100009', content: '{1}您好，{2}，领取：{3}', paramNames: ['name', 'offer', 'link'] };
