import { describe, expect, it } from 'vitest';
import { analyseSentiment } from '../../src/domain/outreach/sentiment/lexicon-sentiment.js';
import { labelOf, type SentimentLabel } from '../../src/domain/outreach/sentiment/sentiment-scores.js';
import { extractTags } from '../../src/domain/outreach/sentiment/feedback-tags.js';

const label = (text: string) => labelOf(analyseSentiment(text).scores);

/** Feedback as customers write it, labelled by hand. */
const LABELLED: Array<[string, SentimentLabel]> = [
  ['服务很好，环境不错', 'positive'],
  ['包厢很干净，音响效果好，下次还来', 'positive'],
  ['服务员态度热情，果盘也很新鲜', 'positive'],
  ['性价比很高，价格实惠，推荐朋友来', 'positive'],
  ['非常满意！', 'positive'],
  ['整体还可以，音质挺清晰的', 'positive'],
  ['没有不满意的地方', 'positive'],
  ['价格不贵，环境也舒服', 'positive'],
  ['虽然等了一会儿，但是服务很周到', 'positive'],
  ['经理很贴心，生日布置得很温馨，给好评', 'positive'],
  ['音响好极了，唱得很尽兴', 'positive'],
  ['包间没有异味，卫生做得很到位', 'positive'],
  ['这次体验超级棒', 'positive'],
  ['前台小姐姐很有耐心，谢谢', 'positive'],
  ['服务太差了，等了半天没人理', 'negative'],
  ['价格太贵，酒水也不新鲜', 'negative'],
  ['音响有杂音，话筒还坏了', 'negative'],
  ['厕所很脏，还有异味', 'negative'],
  ['服务很好但是太贵了', 'negative'],
  ['不好', 'negative'],
  ['服务员态度不太好', 'negative'],
  ['再也不来了，乱收费', 'negative'],
  ['包厢有点小，隔壁很吵', 'negative'],
  ['果盘不新鲜，啤酒是过期的', 'negative'],
  ['等了很久才上酒水，太慢了', 'negative'],
  ['环境还行，不过服务员很冷淡', 'negative'],
  ['对这次消费很不满意', 'negative'],
  ['点歌机老是卡顿，烦死了', 'negative'],
  ['收费不合理，多收了我们两百块', 'negative'],
  ['我要投诉你们经理', 'negative'],
  ['周六晚上还有包厢吗', 'neutral'],
  ['请问会员积分怎么用', 'neutral'],
  ['我们下周五想订一个大包', 'neutral'],
  ['麻烦帮我开一下发票', 'neutral'],
  ['这次是朋友请客', 'neutral'],
  ['知道了', 'neutral'],
  ['明天下午几点营业？', 'neutral'],
  ['你们有停车位吗', 'neutral'],
  ['灯光氛围很赞，就是话筒有点不灵', 'negative'],
  ['服务员一直催我们续钟，很烦', 'negative'],
  ['这家店的曲库很全，新歌更新得很快', 'positive'],
  ['小吃味道一般，分量也少', 'negative'],
  ['空调太冷了，叫了两次都没人来调', 'negative'],
  ['生日当天店里送了蛋糕，朋友们都很开心', 'positive'],
  ['下次聚会还选你们家', 'positive'],
  ['想问一下包厢最低消费是多少', 'neutral'],
];

describe('lexicon sentiment analyser', () => {
  it(`labels at least 85% of ${LABELLED.length} hand-labelled feedback texts correctly`, () => {
    const wrong = LABELLED.filter(([text, expected]) => label(text) !== expected).map(([text, expected]) => `${text} → ${label(text)} (expected ${expected})`);
    const accuracy = (LABELLED.length - wrong.length) / LABELLED.length;
    expect(LABELLED.length).toBeGreaterThanOrEqual(30);
    expect(accuracy, wrong.join('\n')).toBeGreaterThanOrEqual(0.85);
  });

  it.each<[string, SentimentLabel]>([
    ['不好', 'negative'],
    ['不错', 'positive'],
    ['没有不满意', 'positive'],
    ['服务很好但是太贵了', 'negative'],
    ['有点贵', 'negative'],
    ['好贵', 'negative'],
    ['不知道', 'neutral'],
  ])('%s is %s', (text, expected) => {
    expect(label(text)).toBe(expected);
  });

  it('weighs degree adverbs and damped negation', () => {
    const score = (text: string) => analyseSentiment(text);
    expect(label('不太贵')).not.toBe('negative');
    expect(score('不太贵').positive).toBeGreaterThan(0);
    expect(score('非常好').positive).toBeGreaterThan(score('好').positive);
    expect(score('很差').negative).toBeGreaterThan(score('有点差').negative);
    expect(score('不太好').negative).toBeLessThan(score('不好').negative);
    expect(score('太贵了！').negative).toBeGreaterThan(score('太贵了').negative);
  });

  it('puts more weight on the clause after 但是/不过', () => {
    expect(label('价格有点贵，不过服务非常好')).toBe('positive');
    expect(label('环境不错，不过音响很差')).toBe('negative');
  });

  it('returns three scores summing to exactly 1, matching the seed example', () => {
    for (const [text] of LABELLED) {
      const s = analyseSentiment(text).scores;
      expect(Math.round((s.positive + s.negative + s.neutral) * 100)).toBe(100);
      for (const v of Object.values(s)) expect(v).toBeGreaterThanOrEqual(0);
    }
    const seed = analyseSentiment('服务很好，环境不错').scores;
    expect(seed.positive).toBeGreaterThanOrEqual(0.7);
    expect(seed.negative).toBeLessThanOrEqual(0.1);
    expect(analyseSentiment('').scores).toEqual({ positive: 0.03, negative: 0.03, neutral: 0.94 });
  });

  it('extracts topic tags by keyword group', () => {
    expect(extractTags('服务很好，环境不错')).toEqual(['服务', '环境']);
    expect(extractTags('音响有杂音，厕所很脏，等了半天，啤酒太贵')).toEqual(['价格', '音响', '卫生', '等待', '食品酒水']);
    expect(extractTags('周末见')).toEqual([]);
  });
});
