import { OperatorClient } from './operator-client';

/**
 * The operator consoles of one test file: each connected and made available on request, and all set
 * away and closed after each test (call `closeAll` in `afterEach`), so tests do not see each other's.
 */
export class OperatorPool {
  private readonly clients: OperatorClient[] = [];

  constructor(private readonly baseUrl: () => string) {}

  /**
   * Connects `username` and makes them available. Idle times are in ms: the wait after it makes the
   * next operator connected idle for certain less long (the order of the longest idle is then known).
   */
  async available(username: string, settleMs = 20): Promise<OperatorClient> {
    const client = await OperatorClient.connect(this.baseUrl(), username);
    this.clients.push(client);
    await client.available();
    if (settleMs > 0) await new Promise((done) => setTimeout(done, settleMs));
    return client;
  }

  async closeAll(): Promise<void> {
    for (const client of this.clients.splice(0)) {
      await client.send('state.set', { state: 'away' }).catch(() => undefined);
      client.close();
    }
  }
}
