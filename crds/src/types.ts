// The TS types of the API, all derived from schema.ts (TypeBox Static<>), so no generated
// types file is needed: operator and bot-runtime import these from @kubetrade/crds.
import type { TradingBotSpec, TradingBotStatus } from './schema.ts';

export const GROUP = 'kubetrade.io';
export const VERSION = 'v1alpha1';
export const API_VERSION = `${GROUP}/${VERSION}` as const;
export const KIND = 'TradingBot';
export const PLURAL = 'tradingbots';
export const SINGULAR = 'tradingbot';
export const SHORT_NAME = 'tb';
export const CATEGORY = 'kubetrade';

export type { TradingBotSpec, TradingBotStatus };

/** The metadata fields kubetrade reads; the apiserver sends more, which stay untyped. */
export interface ObjectMeta {
  name?: string;
  namespace?: string;
  uid?: string;
  generation?: number;
  resourceVersion?: string;
  creationTimestamp?: string;
  deletionTimestamp?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  [key: string]: unknown;
}

export interface TradingBot {
  apiVersion: typeof API_VERSION;
  kind: typeof KIND;
  metadata: ObjectMeta;
  spec: TradingBotSpec;
  status?: TradingBotStatus;
}

export interface TradingBotList {
  apiVersion: typeof API_VERSION;
  kind: 'TradingBotList';
  metadata: { resourceVersion?: string; continue?: string };
  items: TradingBot[];
}

/** The spec fields that stay optional after defaulting: they have no default by design. */
export const FIELDS_WITHOUT_DEFAULT = [
  'marketData.path',
  'ml.modelPath',
  'rl.policyPath',
  'credentialsSecretRef',
] as const;

type DeepRequired<T> = T extends readonly (infer U)[]
  ? DeepRequired<U>[]
  : T extends object
    ? { [K in keyof T]-?: DeepRequired<T[K]> }
    : T;

type Full = DeepRequired<TradingBotSpec>;

/** A spec with every default applied: what the runtime and the operator compute with. */
export type ResolvedSpec = Omit<Full, 'marketData' | 'ml' | 'rl' | 'credentialsSecretRef'> & {
  marketData: Omit<Full['marketData'], 'path'> & { path?: string };
  ml: Omit<Full['ml'], 'modelPath'> & { modelPath?: string };
  rl: { policyPath?: string };
  credentialsSecretRef?: Full['credentialsSecretRef'];
};

export type ResolvedArm = ResolvedSpec['capital']['split'][number];
export type Layer = ResolvedArm['layers'][number];
export type Timeframe = ResolvedSpec['engine']['multiTimeframe']['trend'];
export type Phase = NonNullable<TradingBotStatus['phase']>;
export type Condition = NonNullable<TradingBotStatus['conditions']>[number];
export type Performance = NonNullable<TradingBotStatus['performance']>;
export type DailyReturn = NonNullable<Performance['dailyReturns']>[number];

/** The one contract between operator and runtime (DESIGN.md): rendered by the operator, parsed by the runtime. */
export interface RuntimeConfig {
  apiVersion: typeof API_VERSION;
  kind: 'RuntimeConfig';
  bot: { namespace: string; name: string; uid?: string };
  revision: string;
  spec: ResolvedSpec;
}
