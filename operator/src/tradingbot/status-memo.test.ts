import { describe, expect, it } from 'vitest';
import { StatusMemo } from './status-memo.ts';
import { exampleBot } from './testing.ts';

const at = (resourceVersion: string, phase?: 'Pending' | 'Running') => {
  const bot = exampleBot();
  return { ...bot, metadata: { ...bot.metadata, resourceVersion }, ...(phase ? { status: { phase } } : {}) };
};

describe('StatusMemo', () => {
  it('answers with our write while the cache shows the object we wrote over', () => {
    const memo = new StatusMemo();
    memo.remember('traders/krw-majors', '10', { phase: 'Pending', observedGeneration: 1 });
    expect(memo.effective('traders/krw-majors', at('10'))).toEqual({
      phase: 'Pending',
      observedGeneration: 1,
    });
  });

  it('answers with the cache once it moved on, and forgets the write', () => {
    const memo = new StatusMemo();
    memo.remember('traders/krw-majors', '10', { phase: 'Pending' });
    expect(memo.effective('traders/krw-majors', at('11', 'Running'))).toEqual({ phase: 'Running' });
    expect(memo.effective('traders/krw-majors', at('10'))).toBeUndefined();
  });
});
