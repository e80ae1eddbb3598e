import type { KubernetesObject } from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import { keyOf, objectKey, parseKey } from './object-key.ts';
import { controllerOwnerKey } from './owner-ref.ts';

const BOT = { apiVersion: 'kubetrade.io/v1alpha1', kind: 'TradingBot' };

function child(refs: NonNullable<KubernetesObject['metadata']>['ownerReferences']): KubernetesObject {
  return {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { namespace: 'team-a', name: 'x', ownerReferences: refs },
  };
}

describe('controllerOwnerKey', () => {
  const cases: Array<[string, KubernetesObject, string | undefined]> = [
    [
      'controller owner of the right kind',
      child([{ ...BOT, name: 'bot', uid: 'u', controller: true }]),
      'team-a/bot',
    ],
    ['no owner references', child(undefined), undefined],
    ['owner but not controller', child([{ ...BOT, name: 'bot', uid: 'u' }]), undefined],
    [
      'controller of another kind',
      child([{ apiVersion: 'apps/v1', kind: 'Deployment', name: 'd', uid: 'u', controller: true }]),
      undefined,
    ],
    [
      'same kind in another group',
      child([{ apiVersion: 'other.io/v1alpha1', kind: 'TradingBot', name: 'b', uid: 'u', controller: true }]),
      undefined,
    ],
    [
      'another version of the same group',
      child([
        { apiVersion: 'kubetrade.io/v1', kind: 'TradingBot', name: 'bot2', uid: 'u', controller: true },
      ]),
      'team-a/bot2',
    ],
    [
      'picks the controller among several owners',
      child([
        { ...BOT, name: 'not-controller', uid: 'u1', controller: false },
        { ...BOT, name: 'the-controller', uid: 'u2', controller: true },
      ]),
      'team-a/the-controller',
    ],
  ];
  it.each(cases)('%s', (_, obj, want) => {
    expect(controllerOwnerKey(obj, BOT)).toBe(want);
  });
});

describe('object keys', () => {
  it('round-trips namespaced and cluster-scoped keys', () => {
    expect(keyOf({ namespace: 'ns', name: 'a' })).toBe('ns/a');
    expect(keyOf({ namespace: '', name: 'node-1' })).toBe('node-1');
    expect(parseKey('ns/a')).toEqual({ namespace: 'ns', name: 'a' });
    expect(parseKey('node-1')).toEqual({ namespace: '', name: 'node-1' });
    expect(objectKey({ metadata: { namespace: 'ns', name: 'b' } })).toBe('ns/b');
  });
});
