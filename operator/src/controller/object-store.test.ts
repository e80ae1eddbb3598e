import type { KubernetesObject } from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import { ObjectStore } from './object-store.ts';

const cm = (name: string, rv: string, namespace = 'ns'): KubernetesObject => ({
  metadata: { namespace, name, resourceVersion: rv },
});

describe('ObjectStore', () => {
  it('reports a re-list as adds, updates (only when the resourceVersion moved) and deletes', () => {
    const store = new ObjectStore();
    expect(store.replace([cm('a', '1'), cm('b', '1'), cm('c', '1')]).map((e) => e.type)).toEqual([
      'add',
      'add',
      'add',
    ]);
    const events = store.replace([cm('a', '1'), cm('b', '2'), cm('d', '1')]);
    expect(events.map((e) => `${e.type} ${e.obj.metadata?.name}`)).toEqual(['update b', 'add d', 'delete c']);
    expect(store.keys().sort()).toEqual(['ns/a', 'ns/b', 'ns/d']);
    expect(store.size).toBe(3);
  });

  it('applies watch events, ignoring replays and deletes of unknown objects', () => {
    const store = new ObjectStore();
    expect(store.upsert(cm('a', '1'))?.type).toBe('add');
    expect(store.upsert(cm('a', '1'))).toBeUndefined();
    const update = store.upsert(cm('a', '2'));
    expect(update?.type === 'update' && update.old.metadata?.resourceVersion).toBe('1');
    expect(store.get('ns/a')?.metadata?.resourceVersion).toBe('2');
    expect(store.remove(cm('zzz', '3'))).toBeUndefined();
    expect(store.remove(cm('a', '3'))?.type).toBe('delete');
    expect(store.get('ns/a')).toBeUndefined();
  });

  it('keys objects by namespace, so equal names in two namespaces are two objects', () => {
    const store = new ObjectStore();
    store.replace([cm('a', '1', 'x'), cm('a', '1', 'y')]);
    expect(store.size).toBe(2);
  });
});
