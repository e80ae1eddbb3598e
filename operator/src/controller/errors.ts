// Errors of the controller core: values with a stable `code` and a message a person can act on.

export type KubeErrorCode = 'KubeRequestFailed' | 'KubeGone' | 'KubeUnreachable' | 'WatchInactive';

/** A request to the apiserver failed; `status` is the HTTP status (0 when no response came). */
export class KubeApiError extends Error {
  readonly code: KubeErrorCode;
  readonly status: number;
  readonly reason: string;

  constructor(code: KubeErrorCode, status: number, message: string, reason = '') {
    super(message);
    this.name = 'KubeApiError';
    this.code = code;
    this.status = status;
    this.reason = reason;
  }

  static fromResponse(method: string, path: string, status: number, body: unknown): KubeApiError {
    const s = (body ?? {}) as { message?: string; reason?: string };
    const detail = s.message ?? (typeof body === 'string' ? body.slice(0, 200) : '');
    return new KubeApiError(
      status === 410 ? 'KubeGone' : 'KubeRequestFailed',
      status,
      `${method} ${path} failed with HTTP ${status}${detail ? `: ${detail}` : ''}`,
      s.reason ?? '',
    );
  }
}

export const isGone = (err: unknown): boolean => err instanceof KubeApiError && err.status === 410;
export const isNotFound = (err: unknown): boolean => err instanceof KubeApiError && err.status === 404;
export const isConflict = (err: unknown): boolean => err instanceof KubeApiError && err.status === 409;
