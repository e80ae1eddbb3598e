import { describe, expect, it } from 'vitest';
import { ConfigError, parseConfig, parseDuration, quantityValue, usage } from './config.ts';

function configError(argv: string[], env: Record<string, string> = {}): ConfigError {
  try {
    parseConfig(argv, env);
  } catch (err) {
    if (err instanceof ConfigError) return err;
    throw err;
  }
  throw new Error('expected a ConfigError');
}

describe('parseConfig', () => {
  it('applies the documented defaults', () => {
    const c = parseConfig([], {});
    expect(c).toEqual({
      metricsBindAddress: ':8080',
      leaderElect: true,
      leaderElectionNamespace: 'kubetrade-system',
      leaderElectionId: 'kubetrade-operator',
      maxConcurrentReconciles: 4,
      syncPeriodMs: 600_000,
      watchNamespace: '',
      runtimeImage: 'ghcr.io/kubetrade/bot-runtime:0.1.0',
      trainerImage: 'ghcr.io/kubetrade/trainer:0.1.0',
      runtimeResources: { requests: { cpu: '100m', memory: '256Mi' }, limits: { cpu: '1', memory: '512Mi' } },
      runtimeDatabase: { secretName: '', key: 'uri' },
      runtimeRedis: { secretName: '', key: 'url' },
      logLevel: 'info',
    });
  });

  it('reads env vars, and flags win over them', () => {
    const env = {
      KUBETRADE_MAX_CONCURRENT_RECONCILES: '8',
      KUBETRADE_LOG_LEVEL: 'debug',
      KUBETRADE_WATCH_NAMESPACE: 'bots',
      POD_NAMESPACE: 'ops',
    };
    const c = parseConfig(['--log-level=warn', '--sync-period', '1h30m', '--leader-elect=false'], env);
    expect(c.maxConcurrentReconciles).toBe(8);
    expect(c.logLevel).toBe('warn');
    expect(c.watchNamespace).toBe('bots');
    expect(c.syncPeriodMs).toBe(90 * 60_000);
    expect(c.leaderElect).toBe(false);
    expect(c.leaderElectionNamespace).toBe('ops');
  });

  it('takes a bare --leader-elect as true', () => {
    expect(
      parseConfig(['--leader-elect', '--log-level=error'], { KUBETRADE_LEADER_ELECT: 'false' }).leaderElect,
    ).toBe(true);
  });

  const bad: Array<[string, string[], Record<string, string>, string, string]> = [
    ['concurrency zero', ['--max-concurrent-reconciles=0'], {}, 'max-concurrent-reconciles', '0'],
    [
      'concurrency not a number',
      [],
      { KUBETRADE_MAX_CONCURRENT_RECONCILES: 'four' },
      'max-concurrent-reconciles',
      'four',
    ],
    ['sync period without unit', ['--sync-period=600'], {}, 'sync-period', '600'],
    ['sync period too short', ['--sync-period=1s'], {}, 'sync-period', '1s'],
    [
      'bind address without port',
      ['--metrics-bind-address=localhost'],
      {},
      'metrics-bind-address',
      'localhost',
    ],
    ['port out of range', [], { KUBETRADE_METRICS_BIND_ADDRESS: ':70000' }, 'metrics-bind-address', ':70000'],
    ['leader elect not boolean', [], { KUBETRADE_LEADER_ELECT: 'maybe' }, 'leader-elect', 'maybe'],
    [
      'lease namespace with capitals',
      ['--leader-election-namespace=Ops'],
      {},
      'leader-election-namespace',
      'Ops',
    ],
    ['watch namespace invalid', ['--watch-namespace=bad_ns'], {}, 'watch-namespace', 'bad_ns'],
    ['image with a space', ['--runtime-image=my image'], {}, 'runtime-image', 'my image'],
    ['cpu not a quantity', ['--runtime-cpu-request=lots'], {}, 'runtime-cpu-request', 'lots'],
    [
      'memory request above limit',
      ['--runtime-memory-request=1Gi', '--runtime-memory-limit=512Mi'],
      {},
      'runtime-memory-request',
      '1Gi',
    ],
    ['unknown log level', [], { KUBETRADE_LOG_LEVEL: 'verbose' }, 'log-level', 'verbose'],
    ['unknown flag', ['--resync=1m'], {}, 'resync', '--resync=1m'],
    ['flag missing its value', ['--runtime-image'], {}, 'runtime-image', ''],
  ];
  it.each(bad)('rejects %s, naming the flag, env var and value', (_, argv, env, flag, value) => {
    const err = configError(argv, env);
    expect(err.code).toBe('InvalidConfig');
    expect(err.flag).toBe(flag);
    expect(err.value).toBe(value);
    expect(err.message).toContain(`--${flag}`);
    expect(err.message).toContain(JSON.stringify(value));
    if (flag !== 'resync')
      expect(err.message).toContain(`KUBETRADE_${flag.toUpperCase().replaceAll('-', '_')}`);
  });
});

describe('value parsers', () => {
  it('parses Go-style durations', () => {
    expect(parseDuration('500ms')).toBe(500);
    expect(parseDuration('90s')).toBe(90_000);
    expect(parseDuration('1h30m')).toBe(5_400_000);
    expect(() => parseDuration('10 m')).toThrow();
    expect(() => parseDuration('')).toThrow();
  });

  it('compares Kubernetes quantities across suffixes', () => {
    expect(quantityValue('250m')).toBeCloseTo(0.25);
    expect(quantityValue('1')).toBe(1);
    expect(quantityValue('512Mi')).toBe(512 * 2 ** 20);
    expect(quantityValue('1G')).toBe(1e9);
    expect(quantityValue('1e3')).toBe(1000);
    expect(quantityValue('1Gi')).toBeGreaterThan(quantityValue('1G'));
  });

  it('documents every flag with its env var in --help', () => {
    const text = usage();
    expect(text).toContain('--runtime-memory-limit');
    expect(text).toContain('KUBETRADE_RUNTIME_MEMORY_LIMIT');
    expect(text).toContain('"512Mi"');
  });
});
