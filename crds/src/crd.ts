// From the TypeBox schema (JSON Schema 2020-12 flavour) to the CustomResourceDefinition, whose
// openAPIV3Schema must be a Kubernetes *structural* schema (OpenAPI 3.0 subset):
// - every node has a `type` (TypeBox's Enum has none);
// - `exclusiveMinimum`/`exclusiveMaximum` are booleans beside minimum/maximum, not numbers;
// - `additionalProperties` may not sit beside `properties` (unknown fields are pruned, and
//   `kubectl apply`'s strict field validation reports them), so it is dropped;
// - no `$id`/`$schema`/`const`, and TypeBox's own markers are left out;
// - an object's `default: {}` is expanded to the object with its nested defaults: the apiserver
//   checks each default against the CEL rules as written, without nested defaulting, so `{}`
//   fails `self.oversold < self.overbought` with "no such key" (seen on kube-apiserver v1.34).
import type { TSchema } from 'typebox';
import Value from 'typebox/value';
import { TradingBotSpecSchema, TradingBotStatusSchema } from './schema.ts';
import { API_VERSION, CATEGORY, GROUP, KIND, PLURAL, SHORT_NAME, SINGULAR, VERSION } from './types.ts';

type Json = Record<string, unknown>;

/** Keys the structural conversion drops. */
const DROPPED = new Set(['$id', '$schema', 'additionalProperties']);

/** Converts a TypeBox schema to a Kubernetes structural schema (a new plain object). */
export function toStructural(schema: TSchema | Json): Json {
  // JSON round trip: keeps only enumerable, JSON-representable keys (drops TypeBox's markers).
  const node = JSON.parse(JSON.stringify(schema)) as Json;
  const out: Json = {};
  if (node.type === undefined) {
    if (Array.isArray(node.enum)) out.type = typeOfEnum(node.enum);
    else if ('const' in node) out.type = typeof node.const === 'number' ? 'number' : typeof node.const;
  }
  for (const [key, value] of Object.entries(node)) {
    if (DROPPED.has(key)) continue;
    if (key === 'const') out.enum = [value];
    else if (key === 'exclusiveMinimum' && typeof value === 'number') {
      out.minimum = value;
      out.exclusiveMinimum = true;
    } else if (key === 'exclusiveMaximum' && typeof value === 'number') {
      out.maximum = value;
      out.exclusiveMaximum = true;
    } else if (key === 'properties') {
      // Recurse into the TypeBox originals: Value.Default needs TypeBox's markers.
      const originals = (schema as Json).properties as Record<string, Json>;
      out.properties = Object.fromEntries(
        Object.keys(value as Json).map((name) => [name, toStructural(originals[name]!)]),
      );
    } else if (key === 'items') out.items = toStructural((schema as Json).items as Json);
    else if (key === 'default' && value !== null && typeof value === 'object') {
      out.default = Value.Default(schema as TSchema, structuredClone(value));
    } else out[key] = value;
  }
  return out;
}

function typeOfEnum(values: unknown[]): string {
  if (values.every((v) => typeof v === 'string')) return 'string';
  if (values.every((v) => Number.isInteger(v))) return 'integer';
  throw new Error(`enum of mixed types cannot be structural: ${JSON.stringify(values)}`);
}

export const PRINTER_COLUMNS = [
  { name: 'Mode', type: 'string', jsonPath: '.spec.mode', description: 'paper or live' },
  { name: 'Markets', type: 'string', jsonPath: '.spec.markets', description: 'Markets traded' },
  { name: 'Phase', type: 'string', jsonPath: '.status.phase', description: 'Lifecycle phase' },
  {
    name: 'Equity',
    type: 'integer',
    jsonPath: '.status.performance.equityKRW',
    description: 'Equity in KRW',
  },
  {
    name: 'Drawdown',
    type: 'number',
    jsonPath: '.status.performance.maxDrawdownPct',
    description: 'Maximum drawdown, percent',
  },
  {
    name: 'Revision',
    type: 'string',
    jsonPath: '.status.runningRevision',
    description: 'Revision running now',
  },
  { name: 'Age', type: 'date', jsonPath: '.metadata.creationTimestamp' },
];

/** The apiextensions.k8s.io/v1 CustomResourceDefinition of TradingBot. */
export function tradingBotCrd(): Json {
  // With a default, a bot applied without a spec still gets every SPEC default.
  const spec = toStructural(TradingBotSpecSchema);
  spec.default = Value.Default(TradingBotSpecSchema, {});
  return {
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: {
      name: `${PLURAL}.${GROUP}`,
      labels: { 'app.kubernetes.io/name': 'kubetrade', 'app.kubernetes.io/component': 'crd' },
    },
    spec: {
      group: GROUP,
      scope: 'Namespaced',
      names: {
        kind: KIND,
        listKind: `${KIND}List`,
        plural: PLURAL,
        singular: SINGULAR,
        shortNames: [SHORT_NAME],
        categories: [CATEGORY],
      },
      versions: [
        {
          name: VERSION,
          served: true,
          storage: true,
          subresources: { status: {} },
          additionalPrinterColumns: PRINTER_COLUMNS,
          schema: {
            openAPIV3Schema: {
              type: 'object',
              description: `A trading bot (${API_VERSION}): markets, engines, A/B capital split and risk limits.`,
              properties: {
                apiVersion: { type: 'string', description: 'APIVersion of this object.' },
                kind: { type: 'string', description: 'Kind of this object.' },
                metadata: { type: 'object' },
                spec,
                status: toStructural(TradingBotStatusSchema),
              },
            },
          },
        },
      ],
    },
  };
}
