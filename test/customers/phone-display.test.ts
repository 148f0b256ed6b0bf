import { describe, expect, it } from 'vitest';
import { nationalNumber, normalizePhone } from '../../src/domain/shared/phone.js';

describe('a stored number as staff read and dial it', () => {
  it.each([
    ['138 0013 8000', '13800138000'],
    ['0571-8888 1234', '057188881234'],
    ['010 1234 5678', '01012345678'],
    ['+86 21 1234 5678', '02112345678'],
    ['400-800-1234', '4008001234'],
  ])('%s is dialled as %s', (typed, dialled) => {
    expect(nationalNumber(normalizePhone(typed)!.e164)).toBe(dialled);
  });

  it('keeps a foreign number whole, without the plus', () => {
    expect(nationalNumber('+85291234567')).toBe('85291234567');
  });
});
