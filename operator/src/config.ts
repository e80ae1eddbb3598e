// The operator's own configuration, validated once at start-up (STYLE.md: validate at the edge,
// fail fast, name the field). Every setting is a flag (`--name=value`) with an environment
// variable (`KUBETRADE_NAME`) behind it; flags win. A bad value stops start-up with a ConfigError
// naming the flag, the variable and the value.
import { LOG_LEVELS, type LogLevel } from './controller/logger.ts';

export interface ResourceQuantities {
  cpu: string;
  memory: string;
}

export interface OperatorConfig {
  /** `host:port` of /metrics, /healthz, /readyz; `0` turns the server off. */
  metricsBindAddress: string;
  leaderElect: boolean;
  leaderElectionNamespace: string;
  leaderElectionId: string;
  maxConcurrentReconciles: number;
  /** Full re-list + re-reconcile of every object. */
  syncPeriodMs: number;
  /** '' watches every namespace. */
  watchNamespace: string;
  runtimeImage: string;
  trainerImage: string;
  runtimeResources: { requests: ResourceQuantities; limits: ResourceQuantities };
  /**
   * The Secrets (in each bot's namespace) whose keys hold the runtime's PostgreSQL and Redis URLs;
   * secretName '' = not configured (PGlite for paper bots; live bots are held back, naming the flag).
   */
  runtimeDatabase: SecretKeySelector;
  runtimeRedis: SecretKeySelector;
  logLevel: LogLevel;
}

export interface SecretKeySelector {
  secretName: string;
  key: string;
}

export class ConfigError extends Error {
  readonly code = 'InvalidConfig';
  readonly flag: string;
  readonly envVar: string;
  readonly value: string;

  constructor(flag: string, envVar: string, value: string, problem: string) {
    super(`invalid --${flag} (env ${envVar}) value ${JSON.stringify(value)}: ${problem}`);
    this.name = 'ConfigError';
    this.flag = flag;
    this.envVar = envVar;
    this.value = value;
  }
}

interface Setting<T> {
  flag: string;
  help: string;
  default: (env: Env) => string;
  /** Returns the value, or throws a string saying what is wrong. */
  parse: (raw: string) => T;
}
type Env = Record<string, string | undefined>;

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
// Kubernetes resource.Quantity: a decimal number with an optional SI, binary or exponent suffix.
const QUANTITY = /^(\d+(\.\d*)?|\.\d+)(m|k|M|G|T|P|E|Ki|Mi|Gi|Ti|Pi|Ei|[eE][+-]?\d+)?$/;
const SUFFIX: Record<string, number> = {
  '': 1,
  m: 1e-3,
  k: 1e3,
  M: 1e6,
  G: 1e9,
  T: 1e12,
  P: 1e15,
  E: 1e18,
  Ki: 2 ** 10,
  Mi: 2 ** 20,
  Gi: 2 ** 30,
  Ti: 2 ** 40,
  Pi: 2 ** 50,
  Ei: 2 ** 60,
};
const DURATION_PART = /(\d+(?:\.\d+)?)(ms|s|m|h)/g;
const DURATION_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

const text =
  (what: string, pattern: RegExp, maxLength: number) =>
  (raw: string): string => {
    if (raw.length > maxLength || !pattern.test(raw)) throw `must be ${what}`;
    return raw;
  };

const bool = (raw: string): boolean => {
  const v = raw.toLowerCase();
  if (['true', '1', 'yes'].includes(v)) return true;
  if (['false', '0', 'no'].includes(v)) return false;
  throw 'must be true or false';
};

const intInRange =
  (min: number, max: number) =>
  (raw: string): number => {
    const n = Number(raw);
    if (!/^\d+$/.test(raw) || n < min || n > max) throw `must be a whole number from ${min} to ${max}`;
    return n;
  };

/** Go-style durations: `90s`, `10m`, `1h30m`, `500ms`. */
export function parseDuration(raw: string): number {
  const whole = raw.replace(DURATION_PART, '');
  if (!raw || whole !== '') throw 'must be a duration like 30s, 10m or 1h30m';
  let ms = 0;
  for (const [, n, unit] of raw.matchAll(DURATION_PART)) ms += Number(n) * DURATION_MS[unit ?? 's']!;
  return ms;
}

/** A Kubernetes quantity as a plain number (cores or bytes), for comparing requests with limits. */
export function quantityValue(raw: string): number {
  const m = QUANTITY.exec(raw);
  if (!m) throw 'must be a Kubernetes quantity like 250m, 1, 512Mi or 2Gi';
  const suffix = m[3] ?? '';
  const factor = /^[eE]/.test(suffix) ? 10 ** Number(suffix.slice(1)) : SUFFIX[suffix]!;
  return Number(m[1]) * factor;
}

const quantity = (raw: string): string => {
  quantityValue(raw);
  return raw;
};

const bindAddress = (raw: string): string => {
  if (raw === '0') return raw;
  const m = /^(.*):(\d{1,5})$/.exec(raw);
  if (!m || Number(m[2]) > 65535) throw 'must be host:port or :port (or 0 to disable)';
  return raw;
};

const secretName = (raw: string): string =>
  raw === '' ? raw : text('a Secret name (DNS-1123 subdomain) or empty', DNS_SUBDOMAIN, 253)(raw);
// A Secret data key: alphanumerics, '-', '_' or '.' (Kubernetes IsConfigMapKey).
const secretKey = text('a Secret key (letters, digits, -, _ or .)', /^[-._a-zA-Z0-9]+$/, 253);

const image = text('an image reference like ghcr.io/org/name:tag (no spaces)', /^[a-z0-9][\w.\-/:@]*$/, 255);

const SETTINGS = {
  metricsBindAddress: {
    flag: 'metrics-bind-address',
    help: 'where /metrics, /healthz and /readyz listen',
    default: () => ':8080',
    parse: bindAddress,
  },
  leaderElect: {
    flag: 'leader-elect',
    help: 'elect one active replica through a Lease',
    default: () => 'true',
    parse: bool,
  },
  leaderElectionNamespace: {
    flag: 'leader-election-namespace',
    help: "namespace of the Lease (default: the pod's namespace)",
    default: (env: Env) => env.POD_NAMESPACE || 'kubetrade-system',
    parse: text('a namespace name (DNS-1123 label)', DNS_LABEL, 63),
  },
  leaderElectionId: {
    flag: 'leader-election-id',
    help: 'name of the Lease',
    default: () => 'kubetrade-operator',
    parse: text('a DNS-1123 subdomain', DNS_SUBDOMAIN, 253),
  },
  maxConcurrentReconciles: {
    flag: 'max-concurrent-reconciles',
    help: 'TradingBots reconciled in parallel',
    default: () => '4',
    parse: intInRange(1, 64),
  },
  syncPeriodMs: {
    flag: 'sync-period',
    help: 'full re-list and re-reconcile of every object',
    default: () => '10m',
    parse: (raw: string) => {
      const ms = parseDuration(raw);
      if (ms < 10_000) throw 'must be at least 10s (a shorter period floods the apiserver with lists)';
      return ms;
    },
  },
  watchNamespace: {
    flag: 'watch-namespace',
    help: 'only watch this namespace (default: all)',
    default: () => '',
    parse: (raw: string) =>
      raw === '' ? raw : text('a namespace name (DNS-1123 label) or empty', DNS_LABEL, 63)(raw),
  },
  runtimeImage: {
    flag: 'runtime-image',
    help: 'bot-runtime container image',
    default: () => 'ghcr.io/kubetrade/bot-runtime:0.1.0',
    parse: image,
  },
  trainerImage: {
    flag: 'trainer-image',
    help: 'nightly retrain container image',
    default: () => 'ghcr.io/kubetrade/trainer:0.1.0',
    parse: image,
  },
  runtimeCpuRequest: {
    flag: 'runtime-cpu-request',
    help: 'bot-runtime CPU request',
    default: () => '100m',
    parse: quantity,
  },
  runtimeMemoryRequest: {
    flag: 'runtime-memory-request',
    help: 'bot-runtime memory request',
    default: () => '256Mi',
    parse: quantity,
  },
  runtimeCpuLimit: {
    flag: 'runtime-cpu-limit',
    help: 'bot-runtime CPU limit',
    default: () => '1',
    parse: quantity,
  },
  runtimeMemoryLimit: {
    flag: 'runtime-memory-limit',
    help: 'bot-runtime memory limit',
    default: () => '512Mi',
    parse: quantity,
  },
  databaseSecretName: {
    flag: 'database-secret-name',
    help: "Secret in each bot's namespace holding the runtime's PostgreSQL URL (DATABASE_URL); empty: PGlite, paper bots only",
    default: () => '',
    parse: secretName,
  },
  databaseSecretKey: {
    flag: 'database-secret-key',
    // CloudNativePG's <cluster>-app Secret carries the connection URL under `uri`.
    help: 'key of that Secret holding the URL',
    default: () => 'uri',
    parse: secretKey,
  },
  redisSecretName: {
    flag: 'redis-secret-name',
    help: "Secret in each bot's namespace holding the runtime's Redis URL (REDIS_URL); live bots need it",
    default: () => '',
    parse: secretName,
  },
  redisSecretKey: {
    flag: 'redis-secret-key',
    help: 'key of that Secret holding the URL',
    default: () => 'url',
    parse: secretKey,
  },
  logLevel: {
    flag: 'log-level',
    help: LOG_LEVELS.join(' | '),
    default: () => 'info',
    parse: (raw: string) => {
      if (!(LOG_LEVELS as readonly string[]).includes(raw)) throw `must be one of ${LOG_LEVELS.join(', ')}`;
      return raw as LogLevel;
    },
  },
} satisfies Record<string, Setting<unknown>>;

type Settings = typeof SETTINGS;
type Parsed = { [K in keyof Settings]: ReturnType<Settings[K]['parse']> };

export const envVarOf = (flag: string): string => `KUBETRADE_${flag.toUpperCase().replaceAll('-', '_')}`;

/** Parses `--flag=value` / `--flag value` / `--flag` (booleans) over `KUBETRADE_*` env and defaults. */
export function parseConfig(argv: readonly string[], env: Env): OperatorConfig {
  const byFlag = new Map(Object.entries(SETTINGS).map(([key, s]) => [s.flag, key as keyof Settings]));
  const fromArgs = new Map<string, string>();
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const m = /^--([a-z0-9-]+)(?:=(.*))?$/s.exec(arg);
    const key = m ? byFlag.get(m[1]!) : undefined;
    if (!m || !key) {
      throw new ConfigError(
        m?.[1] ?? arg,
        m ? envVarOf(m[1]!) : '-',
        arg,
        `unknown flag; known flags: ${[...byFlag.keys()].map((f) => `--${f}`).join(', ')}`,
      );
    }
    let value = m[2];
    if (value === undefined) {
      const next = argv[i + 1];
      if (key === 'leaderElect' && (next === undefined || next.startsWith('--'))) value = 'true';
      else if (next === undefined)
        throw new ConfigError(m[1]!, envVarOf(m[1]!), '', 'the flag needs a value');
      else {
        value = next;
        i++;
      }
    }
    fromArgs.set(key, value);
  }
  const parsed = {} as Record<string, unknown>;
  for (const [key, setting] of Object.entries(SETTINGS) as Array<[keyof Settings, Setting<unknown>]>) {
    const envVar = envVarOf(setting.flag);
    const raw = fromArgs.get(key) ?? env[envVar] ?? setting.default(env);
    try {
      parsed[key] = setting.parse(raw);
    } catch (problem) {
      throw new ConfigError(
        setting.flag,
        envVar,
        raw,
        typeof problem === 'string' ? problem : String(problem),
      );
    }
  }
  const p = parsed as Parsed;
  for (const [what, request, limit] of [
    ['cpu', p.runtimeCpuRequest, p.runtimeCpuLimit],
    ['memory', p.runtimeMemoryRequest, p.runtimeMemoryLimit],
  ] as const) {
    if (quantityValue(request) > quantityValue(limit)) {
      const flag = `runtime-${what}-request`;
      throw new ConfigError(
        flag,
        envVarOf(flag),
        request,
        `must not exceed --runtime-${what}-limit (${limit})`,
      );
    }
  }
  return {
    metricsBindAddress: p.metricsBindAddress,
    leaderElect: p.leaderElect,
    leaderElectionNamespace: p.leaderElectionNamespace,
    leaderElectionId: p.leaderElectionId,
    maxConcurrentReconciles: p.maxConcurrentReconciles,
    syncPeriodMs: p.syncPeriodMs,
    watchNamespace: p.watchNamespace,
    runtimeImage: p.runtimeImage,
    trainerImage: p.trainerImage,
    runtimeResources: {
      requests: { cpu: p.runtimeCpuRequest, memory: p.runtimeMemoryRequest },
      limits: { cpu: p.runtimeCpuLimit, memory: p.runtimeMemoryLimit },
    },
    runtimeDatabase: { secretName: p.databaseSecretName, key: p.databaseSecretKey },
    runtimeRedis: { secretName: p.redisSecretName, key: p.redisSecretKey },
    logLevel: p.logLevel,
  };
}

/** `--help` text: every flag, its variable and its default. */
export function usage(env: Env = {}): string {
  const lines = Object.values(SETTINGS).map(
    (s) =>
      `  --${s.flag.padEnd(28)} ${envVarOf(s.flag).padEnd(40)} ${s.help} (default ${JSON.stringify(s.default(env))})`,
  );
  return ['Usage: kubetrade-operator [flags]   (flags win over environment variables)', ...lines].join('\n');
}
