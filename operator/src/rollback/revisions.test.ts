import { applyDefaults } from '@kubetrade/crds';
import { describe, expect, it } from 'vitest';
import {
  desiredControllerRevision,
  LABEL_REVISION_HASH,
  nextRevisionNumber,
  revisionsToPrune,
  type StoredRevision,
  storedRevision,
} from './revisions.ts';

const ref = { namespace: 'trading', name: 'krw-majors', uid: 'uid-1' };
const spec = applyDefaults({});
const start = new Date('2026-11-20T01:02:03Z');

describe('ControllerRevision', () => {
  const object = desiredControllerRevision(ref, 'abc123', spec, 4, start);
  it('is hash-named, owned by the bot and stores the rendered spec', () => {
    expect(object.metadata?.name).toBe('krw-majors-abc123');
    expect(object.metadata?.labels?.[LABEL_REVISION_HASH]).toBe('abc123');
    expect(object.metadata?.ownerReferences?.[0]).toMatchObject({
      kind: 'TradingBot',
      uid: 'uid-1',
      controller: true,
    });
    expect(object.revision).toBe(4);
    expect(object.data).toEqual(spec);
  });
  it('reads back as what was stored', () => {
    expect(storedRevision(object)).toEqual({
      name: 'krw-majors-abc123',
      hash: 'abc123',
      revision: 4,
      start,
      spec,
    });
    expect(storedRevision({ ...object, metadata: { name: 'x' } })).toBeUndefined();
  });
});

describe('history', () => {
  const history: StoredRevision[] = Array.from({ length: 12 }, (_, i) => ({
    name: `bot-h${i + 1}`,
    hash: `h${i + 1}`,
    revision: i + 1,
    start,
    spec,
  }));
  it('numbers a new revision one above the newest', () => {
    expect(nextRevisionNumber(history)).toBe(13);
    expect(nextRevisionNumber([])).toBe(1);
  });
  it('prunes the oldest down to the limit', () => {
    expect(revisionsToPrune(history, ['h12'], 10)).toEqual(['bot-h1', 'bot-h2']);
  });
  it('never prunes the stable or running revision, however old', () => {
    expect(revisionsToPrune(history, ['h12', 'h1', 'h2'], 10)).toEqual(['bot-h3', 'bot-h4']);
  });
  it('prunes nothing within the limit', () => {
    expect(revisionsToPrune(history.slice(0, 10), ['h10'], 10)).toEqual([]);
  });
});
