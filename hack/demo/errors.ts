/** Every failure of the demo's own steps: a code for the `[demo:check] failed` line and a message saying what to do. */
export class DemoError extends Error {
  readonly code: string;
  constructor(code: string, message: string) {
    super(message);
    this.name = 'DemoError';
    this.code = code;
  }
}
