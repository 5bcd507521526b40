/** Where Redis is and how keys are named; resolved at boot (REDIS_URL or the embedded server). */
export class RedisOptions {
  constructor(
    readonly url: string,
    readonly prefix: string,
  ) {}
}
