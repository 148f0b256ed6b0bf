/**
 * The Chinese sentiment lexicon for customer feedback (KTV / hospitality wording). Entries are matched
 * longest-first, so a phrase (不满意, 不错, 不好意思) shadows its parts (不 + 满意).
 */
export type LexiconEntry =
  | { kind: 'sentiment'; weight: number }
  | { kind: 'degree'; factor: number }
  /** flip: 不好 → negative; dampen: 不太好 → mildly negative, 不太贵 → mildly positive. */
  | { kind: 'negation'; factor: number }
  | { kind: 'contrast' }
  /** Follows the word it strengthens: 好极了, 烦死了. */
  | { kind: 'postDegree'; factor: number }
  /** Words that contain a negator or a sentiment character but carry no sentiment (不知道, 好久). */
  | { kind: 'neutral' };

const POSITIVE: Record<string, number> = {
  好: 1, 很好: 1.5, 挺好: 1.3, 还好: 0.4, 好的: 0.5, 不错: 1, 满意: 1.2, 喜欢: 1.2, 棒: 1.3, 赞: 1.2, 优秀: 1.3,
  干净: 1, 整洁: 1, 舒服: 1, 舒适: 1, 热情: 1.1, 周到: 1.1, 专业: 0.9, 贴心: 1.1, 耐心: 1, 细心: 1, 用心: 1,
  及时: 0.9, 快: 0.7, 很快: 1, 迅速: 0.9, 实惠: 1, 便宜: 0.8, 划算: 1, 值: 0.8, 值得: 1, 超值: 1.3, 物超所值: 1.5,
  好听: 1, 清晰: 0.9, 好吃: 1, 好喝: 1, 新鲜: 0.9, 开心: 1.1, 愉快: 1.1, 高兴: 1, 尽兴: 1.2, 感谢: 0.8, 谢谢: 0.6,
  推荐: 1, 完美: 1.5, 漂亮: 0.9, 豪华: 0.9, 大气: 0.9, 温馨: 1, 友好: 1, 礼貌: 0.9, 给力: 1.2, 靠谱: 1.1,
  惊喜: 1.2, 难忘: 1, 一流: 1.4, 优惠: 0.6, 宽敞: 0.9, 安静: 0.6, 齐全: 0.8, 丰富: 0.8, 方便: 0.8, 到位: 1,
  可以: 0.4, 还行: 0.3, 还可以: 0.5, 好评: 1.3, 点赞: 1.3, 五星: 1.4, 满分: 1.4, 宾至如归: 1.5, 会再来: 1.2,
  还会再来: 1.4, 下次还来: 1.4, 回头客: 1, 效果好: 1.1, 正宗: 0.8, 流畅: 0.9, 给好评: 1.4, 放心: 0.9, 省心: 0.9,
  灵: 0.6, 灵敏: 0.8, 全: 0.6, 热闹: 0.8, 再来: 1, 还来: 1, 还选: 1, 常来: 1, 够味: 0.8,
};

const NEGATIVE: Record<string, number> = {
  差: 1.2, 很差: 1.8, 糟糕: 1.5, 糟: 1.2, 烂: 1.4, 垃圾: 1.6, 坑: 1.3, 坑人: 1.6, 宰客: 1.8, 黑店: 2, 失望: 1.4,
  不满: 1.2, 不满意: 1.2, 生气: 1.3, 气人: 1.3, 愤怒: 1.6, 恶心: 1.6, 难听: 1.1, 难吃: 1.2, 难喝: 1.1, 难受: 1.1,
  脏: 1.2, 乱: 0.8, 臭: 1.2, 吵: 0.9, 吵闹: 1, 嘈杂: 1, 贵: 0.9, 偏贵: 0.8, 乱收费: 1.8, 多收: 1.4, 忽悠: 1.5,
  欺骗: 1.8, 骗: 1.5, 强制消费: 1.6, 慢: 0.9, 拖拉: 1, 磨蹭: 1, 冷淡: 1.1, 敷衍: 1.2, 粗鲁: 1.4, 无礼: 1.3,
  傲慢: 1.3, 不耐烦: 1.3, 投诉: 1.2, 退款: 0.8, 后悔: 1.3, 郁闷: 1.1, 烦: 1, 麻烦: 0.5, 问题: 0.4, 故障: 1,
  坏了: 1.1, 失灵: 1.1, 卡顿: 1, 卡: 0.6, 破音: 1.1, 杂音: 1, 刺耳: 1.1, 模糊: 0.7, 过期: 1.4, 变质: 1.5,
  蟑螂: 1.6, 发霉: 1.4, 异味: 1.1, 潮湿: 0.8, 拥挤: 0.8, 狭小: 0.8, 简陋: 0.9, 陈旧: 0.8, 老旧: 0.8, 破旧: 1,
  久等: 1, 等了很久: 1.2, 等了半天: 1.2, 太久: 1, 没人管: 1.3, 没人理: 1.3, 不理人: 1.3, 再也不来: 1.8,
  不会再来: 1.6, 差评: 1.5, 一星: 1.4, 离谱: 1.3, 恶劣: 1.6, 不行: 1, 一般: 0.4, 凑合: 0.4, 错: 0.6, 弄错: 0.9,
  算错: 1, 漏水: 1, 不好用: 1, 不舒服: 1, 不卫生: 1.3, 难用: 1, 怠慢: 1.3, 态度差: 1.6, 无语: 1, 无聊: 0.8,
  遗憾: 0.8, 不爽: 1.2, 窝火: 1.3, 不值: 1, 不划算: 1, 坑爹: 1.5,
  少: 0.5, 冷: 0.6, 闷: 0.6, 没人来: 1.2, 没反应: 1, 不灵: 1,
};

const DEGREE: Record<string, number> = {
  很: 1.5, 非常: 2, 太: 2, 特别: 1.8, 超: 1.8, 超级: 2, 十分: 1.8, 极: 2, 极其: 2, 无比: 2, 相当: 1.6,
  挺: 1.3, 蛮: 1.3, 比较: 1.1, 还算: 0.9, 更: 1.5, 最: 2, 真: 1.5, 真的: 1.5, 实在: 1.6, 贼: 1.8,
  有点: 0.6, 有点儿: 0.6, 有些: 0.6, 稍微: 0.5, 稍: 0.5, 略: 0.5, 略微: 0.5, 一点: 0.6,
};

const POST_DEGREE: Record<string, number> = { 极了: 2, 死了: 1.8, 透了: 1.8, 得很: 1.5, 得要命: 2, 得离谱: 2 };

const NEGATION: Record<string, number> = {
  不: -1, 没: -1, 没有: -1, 别: -1, 未: -1, 无: -1, 并不: -1, 从不: -1, 绝不: -1, 毫不: -1, 不是: -1, 从没: -1,
  // Chinese understatement: 不太好 is a polite "bad", so a damped negation still tips the label.
  不太: -0.6, 不大: -0.6, 不怎么: -0.6, 不是很: -0.6, 不是太: -0.6, 不够: -0.6, 没那么: -0.5, 没什么: -0.8,
};

const CONTRAST = ['但是', '但', '可是', '不过', '然而', '只是', '就是', '可惜'];

const NEUTRAL = [
  '不知道', '不用', '不得不', '不但', '不仅', '不管', '不少', '不停', '不断', '不然', '不如', '不好意思', '差不多',
  '好像', '好几', '好久', '好多', '只好', '最好', '没关系', '没事', '没错', '无论', '不论', '别人', '别的', '好在',
  '一般来说', '不一定', '快点', '尽快', '问一下', '请问', '麻烦帮', '麻烦你', '麻烦您', '多少', '至少', '最低', '减少', '少量',
];

/** The merged dictionary; `maxLength` bounds the longest-match scan. */
export function buildLexicon(): { entries: Map<string, LexiconEntry>; maxLength: number } {
  const entries = new Map<string, LexiconEntry>();
  for (const [w, weight] of Object.entries(POSITIVE)) entries.set(w, { kind: 'sentiment', weight });
  for (const [w, weight] of Object.entries(NEGATIVE)) entries.set(w, { kind: 'sentiment', weight: -weight });
  for (const [w, factor] of Object.entries(DEGREE)) entries.set(w, { kind: 'degree', factor });
  for (const [w, factor] of Object.entries(NEGATION)) entries.set(w, { kind: 'negation', factor });
  for (const [w, factor] of Object.entries(POST_DEGREE)) entries.set(w, { kind: 'postDegree', factor });
  for (const w of CONTRAST) entries.set(w, { kind: 'contrast' });
  for (const w of NEUTRAL) entries.set(w, { kind: 'neutral' });
  const maxLength = Math.max(...[...entries.keys()].map((k) => k.length));
  return { entries, maxLength };
}
