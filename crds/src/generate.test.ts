import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import type { CelValidation } from './cel.ts';
import { predicateFor } from './cel.ts';
import { tradingBotCrd } from './crd.ts';
import { generatedFiles } from './generate.ts';

type Node = Record<string, unknown>;
const root = resolve(import.meta.dirname, '../..');

/** Every schema node with its path, depth first. */
function nodes(node: Node, path = ''): [string, Node][] {
  const out: [string, Node][] = [[path || '.', node]];
  for (const [name, child] of Object.entries((node.properties ?? {}) as Record<string, Node>)) {
    out.push(...nodes(child, `${path}.${name}`));
  }
  if (node.items) out.push(...nodes(node.items as Node, `${path}[]`));
  return out;
}

const crd = tradingBotCrd() as { spec: { versions: { schema: { openAPIV3Schema: Node } }[] } };
const schema = crd.spec.versions[0]!.schema.openAPIV3Schema;
const all = nodes(schema);

describe('generated files', () => {
  it.each(Object.entries(generatedFiles()))('%s is up to date (run `npm run generate`)', (path, content) => {
    expect(readFileSync(resolve(root, path), 'utf8')).toBe(content);
  });

  it('the committed CRD YAML parses back to the CRD object', () => {
    expect(parse(readFileSync(resolve(root, 'crds/tradingbot.yaml'), 'utf8'))).toEqual(tradingBotCrd());
  });
});

// The rules of a structural schema the apiserver enforces, and the CEL cost rules we rely on.
describe('structural schema', () => {
  it.each(all.filter(([path]) => path !== '.metadata'))('%s has a type', (_path, node) => {
    expect(['object', 'array', 'string', 'integer', 'number', 'boolean']).toContain(node.type);
  });

  it('uses no JSON Schema keyword the apiserver refuses', () => {
    const forbidden = [
      '$id',
      '$schema',
      '$ref',
      'const',
      'uniqueItems',
      'additionalProperties',
      'anyOf',
      'oneOf',
      'allOf',
    ];
    for (const [path, node] of all) {
      for (const key of forbidden) expect(node[key], `${path} has ${key}`).toBeUndefined();
    }
  });

  it('has boolean exclusive bounds (OpenAPI 3.0), each beside its bound', () => {
    for (const [path, node] of all) {
      if (node.exclusiveMinimum !== undefined) expect([path, typeof node.minimum]).toEqual([path, 'number']);
      if (node.exclusiveMaximum !== undefined) expect([path, typeof node.maximum]).toEqual([path, 'number']);
      for (const key of ['exclusiveMinimum', 'exclusiveMaximum']) {
        if (node[key] !== undefined) expect(node[key], `${path}.${key}`).toBe(true);
      }
    }
  });

  it('bounds every spec list and every spec string, so CEL cost estimates are finite', () => {
    for (const [path, node] of nodes((schema.properties as Record<string, Node>).spec!)) {
      if (node.type === 'array') expect(node.maxItems, path).toBeTypeOf('number');
      if (node.type === 'string' && !node.enum) expect(node.maxLength, path).toBeTypeOf('number');
    }
  });

  it('uses set lists only for scalars and map lists only with required keys', () => {
    for (const [path, node] of all) {
      const items = node.items as Node | undefined;
      if (node['x-kubernetes-list-type'] === 'set') expect(items?.type, path).not.toBe('object');
      if (node['x-kubernetes-list-type'] === 'map') {
        expect(items?.required, path).toEqual(
          expect.arrayContaining(node['x-kubernetes-list-map-keys'] as string[]),
        );
      }
    }
  });

  it('declares every CEL rule with a message naming a spec field and a TS predicate', () => {
    const rules = all.flatMap(
      ([, node]) => (node['x-kubernetes-validations'] as CelValidation[] | undefined) ?? [],
    );
    expect(rules.length).toBeGreaterThanOrEqual(9);
    for (const rule of rules) {
      expect(rule.message, rule.rule).toMatch(/spec\.[a-zA-Z.]+/);
      expect(predicateFor(rule.rule), rule.rule).toBeTypeOf('function');
    }
  });

  it('describes every field (the text of `kubectl explain`)', () => {
    const undescribed = all
      .filter(([path]) => path.startsWith('.spec') || path.startsWith('.status'))
      .filter(([path, node]) => !node.description && !path.endsWith('[]'))
      .map(([path]) => path);
    expect(undescribed).toEqual([]);
  });

  it('declares the names, scope, status subresource and printer columns kubectl relies on', () => {
    const spec = (tradingBotCrd() as { spec: Node }).spec as {
      names: Node;
      scope: string;
      versions: { subresources: Node; additionalPrinterColumns: { name: string }[] }[];
    };
    expect(spec.names).toMatchObject({ plural: 'tradingbots', singular: 'tradingbot', shortNames: ['tb'] });
    expect(spec.scope).toBe('Namespaced');
    expect(spec.versions[0]!.subresources).toEqual({ status: {} });
    expect(spec.versions[0]!.additionalPrinterColumns.map((c) => c.name.toUpperCase())).toEqual([
      'MODE',
      'MARKETS',
      'PHASE',
      'EQUITY',
      'DRAWDOWN',
      'REVISION',
      'AGE',
    ]);
  });
});
