// One JSON line per event (level, time, msg + fields), like pino's output, so log pipelines can
// filter on `controller`, `namespace` and `name` without parsing prose.

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';
export const LOG_LEVELS: readonly LogLevel[] = ['debug', 'info', 'warn', 'error'];

export type LogFields = Record<string, unknown>;
export type LogSink = (line: string) => void;

const RANK: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };

export class Logger {
  readonly level: LogLevel;
  readonly #fields: LogFields;
  readonly #sink: LogSink;

  constructor(options: { level?: LogLevel; fields?: LogFields; sink?: LogSink } = {}) {
    this.level = options.level ?? 'info';
    this.#fields = options.fields ?? {};
    this.#sink = options.sink ?? ((line) => process.stdout.write(line + '\n'));
  }

  /** A logger whose every line also carries `fields` (e.g. controller, namespace, name). */
  child(fields: LogFields): Logger {
    return new Logger({ level: this.level, fields: { ...this.#fields, ...fields }, sink: this.#sink });
  }

  debug(msg: string, fields?: LogFields): void {
    this.#write('debug', msg, fields);
  }
  info(msg: string, fields?: LogFields): void {
    this.#write('info', msg, fields);
  }
  warn(msg: string, fields?: LogFields): void {
    this.#write('warn', msg, fields);
  }
  error(msg: string, fields?: LogFields): void {
    this.#write('error', msg, fields);
  }

  #write(level: LogLevel, msg: string, fields?: LogFields): void {
    if (RANK[level] < RANK[this.level]) return;
    const line: LogFields = { level, time: new Date().toISOString(), msg, ...this.#fields, ...fields };
    for (const [k, v] of Object.entries(line)) {
      if (v instanceof Error) line[k] = errorFields(v);
    }
    this.#sink(JSON.stringify(line));
  }
}

function errorFields(err: Error): LogFields {
  const code = (err as { code?: unknown }).code;
  return { message: err.message, ...(code === undefined ? {} : { code }), name: err.name };
}

/** A logger that drops everything (tests that do not look at logs). */
export const silentLogger = (): Logger => new Logger({ level: 'error', sink: () => {} });
