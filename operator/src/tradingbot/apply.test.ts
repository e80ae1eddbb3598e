import { describe, expect, it } from 'vitest';
import { isSubset, needsApply, withAppliedHash } from './apply.ts';
import type { DesiredChild } from './desired.ts';
import { ANNOTATION_APPLIED_HASH } from './names.ts';

const child = (data: Record<string, string>): DesiredChild =>
  withAppliedHash({
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name: 'c', namespace: 'n' },
    data,
  } as DesiredChild);

describe('isSubset', () => {
  it.each([
    [{ a: 1 }, { a: 1, b: 2 }, true],
    [{ a: 1 }, { a: 2 }, false],
    [{ a: { b: [1, 2] } }, { a: { b: [1, 2, 3] } }, true],
    [{ a: [{ x: 1 }] }, { a: [{ x: 1, y: 2 }] }, true],
    [{ a: [1, 2] }, { a: [2, 1] }, false],
    [{ a: [1] }, { a: 1 }, false],
    [{ a: {} }, { a: { defaultMode: 420 } }, true],
    [{ a: 'x' }, {}, false],
  ])('%j within %j -> %s', (want, have, expected) => {
    expect(isSubset(want, have)).toBe(expected);
  });
});

describe('needsApply', () => {
  const desired = child({ k: 'v' });
  const observed = { ...desired, metadata: { ...desired.metadata, resourceVersion: '7', uid: 'u' } };
  it('applies a child that is not in the cache', () => {
    expect(needsApply(desired, undefined)).toBe(true);
  });
  it('skips a child that carries our hash and our fields', () => {
    expect(needsApply(desired, observed)).toBe(false);
  });
  it('applies when the desired object changed (hash differs)', () => {
    expect(needsApply(child({ k: 'w' }), observed)).toBe(true);
  });
  it('applies when someone edited a field we own (hash equal, value drifted)', () => {
    const edited = { ...observed, data: { k: 'edited' } } as DesiredChild;
    expect(needsApply(desired, edited)).toBe(true);
  });
  it('records a hash that depends on content only', () => {
    expect(child({ k: 'v' }).metadata.annotations?.[ANNOTATION_APPLIED_HASH]).toBe(
      desired.metadata.annotations?.[ANNOTATION_APPLIED_HASH],
    );
  });
});
