import { applyDefaults, type TradingBot } from '@kubetrade/crds';
import { describe, expect, it } from 'vitest';
import { botHistory } from './history.ts';
import { desiredControllerRevision } from './revisions.ts';

const bot = { metadata: { namespace: 'n', name: 'b', uid: 'mine' } } as TradingBot;
const revision = (uid: string, hash: string) =>
  desiredControllerRevision({ namespace: 'n', name: 'b', uid }, hash, applyDefaults({}), 1, new Date(0));

describe('botHistory', () => {
  it('keeps only revisions the bot controls (a re-created bot of the same name starts afresh)', () => {
    const cache = {
      list: () => [revision('mine', 'aaa'), revision('old-uid', 'bbb'), { metadata: { name: 'x' } }],
    };
    expect(botHistory(cache, bot).map((r) => r.hash)).toEqual(['aaa']);
  });
});
