import { AppConfig } from '@centralino/config';
import { ResumeTokenService } from './resume-token.service';

function service(secret: string): ResumeTokenService {
  return new ResumeTokenService({ jwtSecret: secret } as AppConfig);
}

describe('ResumeTokenService', () => {
  const conversationId = '0b6f3c1e-6d3a-4a53-9a43-2f0d7a3c9e11';
  const tokens = service('a'.repeat(32));

  it('gives back the conversation of a token it issued', () => {
    expect(tokens.verify(tokens.issue(conversationId))).toBe(conversationId);
  });

  it('refuses a token for another conversation, a tampered or foreign token, and garbage', () => {
    const token = tokens.issue(conversationId);
    const other = '1b6f3c1e-6d3a-4a53-9a43-2f0d7a3c9e11';
    expect(tokens.verify(`${other}.${token.split('.')[1]}`)).toBeNull();
    expect(tokens.verify(`${token.slice(0, -2)}xx`)).toBeNull();
    expect(service('b'.repeat(32)).verify(token)).toBeNull();
    for (const garbage of [undefined, 42, '', 'abc', `${conversationId}.`, 'x'.repeat(500)]) {
      expect(tokens.verify(garbage)).toBeNull();
    }
  });
});
