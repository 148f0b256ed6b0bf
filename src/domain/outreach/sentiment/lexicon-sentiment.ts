import type { SentimentScores } from '../customer-feedback.entity.js';
import { buildLexicon, type LexiconEntry } from './lexicon.js';
import { toScores } from './sentiment-scores.js';

export type SentimentTerm = { text: string; score: number };
export type LexiconAnalysis = { scores: SentimentScores; positive: number; negative: number; terms: SentimentTerm[] };

const { entries, maxLength } = buildLexicon();
/** Clause boundaries; ！ also strengthens the clause it closes. */
const BOUNDARY = /[，,。.！!？?；;、\n\r~～…]/;
const EXCLAMATION = /[！!]/;
/** Earlier clauses weigh less after 但是/不过; the clause after weighs more. */
const BEFORE_CONTRAST = 0.5;
const AFTER_CONTRAST = 1.5;

type Token = { text: string; entry: LexiconEntry | undefined };

/**
 * Scores Chinese feedback with the lexicon: longest-match tokens, degree adverbs multiply the next
 * sentiment word, negators flip (不/没) or dampen (不太) it, a contrast (但是/不过) shifts the weight to what
 * follows, and an exclamation mark strengthens its clause.
 */
export function analyseSentiment(text: string): LexiconAnalysis {
  const terms: SentimentTerm[] = [];
  let sentenceTerms: SentimentTerm[] = [];
  for (const clause of splitClauses(text)) {
    const clauseTerms = scoreClause(clause.tokens, (terms) => {
      for (const t of sentenceTerms) t.score *= BEFORE_CONTRAST;
      return terms;
    });
    if (clause.exclaimed) for (const t of clauseTerms) t.score *= 1.3;
    sentenceTerms.push(...clauseTerms);
    if (clause.endsSentence) {
      terms.push(...sentenceTerms);
      sentenceTerms = [];
    }
  }
  terms.push(...sentenceTerms);
  const positive = terms.filter((t) => t.score > 0).reduce((s, t) => s + t.score, 0);
  const negative = terms.filter((t) => t.score < 0).reduce((s, t) => s - t.score, 0);
  return { scores: toScores(positive, negative), positive, negative, terms };
}

type Clause = { tokens: Token[]; exclaimed: boolean; endsSentence: boolean };

function splitClauses(text: string): Clause[] {
  const clauses: Clause[] = [];
  let current = '';
  const flush = (boundary: string) => {
    if (current.trim() !== '' || clauses.length === 0) {
      clauses.push({ tokens: tokenize(current), exclaimed: EXCLAMATION.test(boundary), endsSentence: /[。.！!？?\n]/.test(boundary) });
    } else if (EXCLAMATION.test(boundary)) {
      clauses.at(-1)!.exclaimed = true;
    }
    current = '';
  };
  for (const ch of text) {
    if (BOUNDARY.test(ch)) flush(ch);
    else current += ch;
  }
  flush('');
  return clauses;
}

function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < text.length) {
    let matched: Token | undefined;
    for (let len = Math.min(maxLength, text.length - i); len >= 1; len--) {
      const piece = text.slice(i, i + len);
      const entry = entries.get(piece);
      if (entry) {
        matched = { text: piece, entry };
        break;
      }
    }
    const token = matched ?? { text: text[i]!, entry: undefined };
    tokens.push(token);
    i += token.text.length;
  }
  return tokens;
}

/** 好/真 directly before another sentiment word are degree adverbs (好贵, 真脏), not praise. */
const ADVERB_WHEN_BEFORE_SENTIMENT: Record<string, number> = { 好: 1.5 };

function scoreClause(tokens: Token[], onContrast: (t: SentimentTerm[]) => SentimentTerm[]): SentimentTerm[] {
  const out: SentimentTerm[] = [];
  let degree = 1;
  let negation = 1;
  let weight = 1;
  tokens.forEach((token, index) => {
    const entry = token.entry;
    if (!entry || entry.kind === 'neutral') return;
    if (entry.kind === 'contrast') {
      for (const t of out) t.score *= BEFORE_CONTRAST;
      onContrast(out);
      weight = AFTER_CONTRAST;
      degree = 1;
      negation = 1;
      if (token.text === '可惜') out.push({ text: token.text, score: -0.5 });
      return;
    }
    if (entry.kind === 'degree') {
      degree *= entry.factor;
      return;
    }
    if (entry.kind === 'negation') {
      negation *= entry.factor;
      return;
    }
    if (entry.kind === 'postDegree') {
      const last = out.at(-1);
      if (last) last.score *= entry.factor;
      return;
    }
    const next = tokens[index + 1]?.entry;
    const asAdverb = ADVERB_WHEN_BEFORE_SENTIMENT[token.text];
    if (asAdverb && next?.kind === 'sentiment') {
      degree *= asAdverb;
      return;
    }
    out.push({ text: token.text, score: entry.weight * degree * negation * weight });
    degree = 1;
    negation = 1;
  });
  return out;
}
