import { describe, expect, it } from 'vitest';
import { shownValue } from '../../src/domain/imports/cell-values.js';

describe('what an import error list shows of a rejected value', () => {
  it('masks a phone column: a full number as 138****8888, anything shorter digit by digit', () => {
    expect(shownValue('13800138000', true)).toBe('138****8000');
    expect(shownValue('+86 138-0013-8000', true)).toBe('138****8000');
    expect(shownValue(13800138000, true)).toBe('138****8000');
    expect(shownValue('12345', true)).toBe('*****');
    expect(shownValue('1380013800', true)).toBe('**********');
    expect(shownValue('(010) 1234', true)).toBe('(***) ****');
    expect(shownValue('not a phone', true)).toBe('not a phone');
  });

  it('masks 11 or more digits in a row in any other column and keeps dates and amounts readable', () => {
    expect(shownValue('王 13800138000', false)).toBe('王 138****8000');
    expect(shownValue('110101199003071234', false)).toBe('110****1234');
    expect(shownValue('2026-13-01', false)).toBe('2026-13-01');
    expect(shownValue('¥1,288.50', false)).toBe('¥1,288.50');
    expect(shownValue('', false)).toBeNull();
    expect(shownValue('字'.repeat(120), false)).toBe(`${'字'.repeat(100)}…`);
  });
});
