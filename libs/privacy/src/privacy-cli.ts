import type { CliCommandGroup, CliIo } from '@centralino/admin';
import { CLI_ACTOR } from '@centralino/admin';
import { eraseRequestSchema } from './erase.dto';
import { PrivacyService } from './privacy.service';

/** `npm run admin -- privacy erase <address>`: the same erasure as POST /admin/privacy/erase. */
export class PrivacyCli implements CliCommandGroup {
  readonly name = 'privacy';
  readonly usage = [
    "privacy erase <address>                      (a caller's number, e.g. +393331234567, or webchat:<id>)",
  ];

  constructor(private readonly privacy: PrivacyService) {}

  async run(args: string[], io: CliIo): Promise<number> {
    const [command, address, ...extra] = args;
    if (command !== 'erase' || extra.length > 0) {
      for (const line of this.usage) io.err(line);
      return 2;
    }
    const request = eraseRequestSchema.parse({ address });
    io.out(JSON.stringify(await this.privacy.eraseCaller(CLI_ACTOR, request.address)));
    return 0;
  }
}
