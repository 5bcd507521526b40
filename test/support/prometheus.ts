export type Labels = Record<string, string>;

/** The Prometheus text format, parsed into samples. */
export class Scrape {
  private constructor(
    readonly text: string,
    private readonly samples: { name: string; labels: Labels; value: number }[],
  ) {}

  static async from(url: string): Promise<Scrape> {
    const response = await fetch(`${url}/metrics`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/plain/);
    const text = await response.text();
    const samples = text
      .split('\n')
      .filter((line) => line && !line.startsWith('#'))
      .map((line) => {
        const match = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
        if (!match) throw new Error(`unparseable metrics line: ${line}`);
        const labels: Labels = {};
        for (const [, key, value] of (match[2] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g))
          labels[key] = value;
        return { name: match[1], labels, value: Number(match[3]) };
      });
    return new Scrape(text, samples);
  }

  has(name: string): boolean {
    return this.samples.some((sample) => sample.name === name);
  }

  /** The sum of the samples of `name` whose labels include `labels` (0 when there are none). */
  value(name: string, labels: Labels = {}): number {
    return this.samples
      .filter(
        (sample) =>
          sample.name === name &&
          Object.entries(labels).every(([key, value]) => sample.labels[key] === value),
      )
      .reduce((sum, sample) => sum + sample.value, 0);
  }
}
