import { describe, expect, it } from 'vitest';
import { parseDecimal } from './decimal.ts';
import { Prng } from './prng.ts';

const read = (text: string) => parseDecimal(`,${text},`, 1, text.length + 1);

describe('parseDecimal', () => {
  it.each([
    '92792.05',
    '51.41651',
    '1735603200000',
    '0',
    '0.0001',
    '-3.5',
    '+7',
    '2.4255',
    '22918000.0',
    '83776335468.46335',
    '0.00000001',
    '1e5',
    '123456789012345678',
    ' 12.5 ',
  ])('reads %s exactly as Number() does', (text) => {
    expect(Object.is(read(text), Number(text))).toBe(true);
  });

  it.each(['', '  ', 'abc', 'NaN', '1.2.3', '-', '.'])(
    'gives NaN for %o (never 0 for a missing field)',
    (text) => {
      expect(read(text)).toBeNaN();
    },
  );

  it('agrees with Number() on 100,000 random prices and volumes of 1..15 significant digits', () => {
    const rng = new Prng(3, 'decimal');
    let mismatches = 0;
    for (let k = 0; k < 100_000; k++) {
      const digits = 1 + Math.floor(rng.next() * 15);
      const decimals = Math.floor(rng.next() * Math.min(digits + 1, 10));
      let s = '';
      for (let d = 0; d < digits; d++) s += String(Math.floor(rng.next() * 10));
      const text = decimals > 0 ? `${s.slice(0, digits - decimals) || '0'}.${s.slice(digits - decimals)}` : s;
      if (!Object.is(read(text), Number(text))) mismatches++;
    }
    expect(mismatches).toBe(0);
  });
});
