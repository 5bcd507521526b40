/** Raised when configuration is invalid; the message names every bad variable or config path. */
export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}
