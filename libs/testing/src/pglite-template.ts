import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';

/**
 * One freshly initialised PGlite cluster, dumped to a tar file once per test run: every embedded test
 * database is unpacked from it (PGLITE_TEMPLATE) instead of running PGlite's initdb again, which costs a
 * few seconds per service start.
 */
export class PgliteTemplate {
  private dir = '';
  path = '';

  async create(): Promise<string> {
    this.dir = mkdtempSync(join(tmpdir(), 'centralino-pglite-template-'));
    const db = await PGlite.create();
    try {
      const dump = await db.dumpDataDir('none');
      this.path = join(this.dir, 'pglite.tar');
      writeFileSync(this.path, Buffer.from(await dump.arrayBuffer()));
    } finally {
      await db.close();
    }
    return this.path;
  }

  remove(): void {
    if (this.dir) rmSync(this.dir, { recursive: true, force: true });
  }
}
