import { DomainError } from '@centralino/contacts';
import { MessageStatusRules } from './message-status';

describe('MessageStatusRules', () => {
  it('assigning moves a new message to assigned and keeps later statuses', () => {
    expect(MessageStatusRules.afterAssign('new')).toBe('assigned');
    expect(MessageStatusRules.afterAssign('assigned')).toBe('assigned');
    expect(MessageStatusRules.afterAssign('answered')).toBe('answered');
  });

  it('refuses to assign a done message', () => {
    expect(() => MessageStatusRules.afterAssign('done')).toThrow(DomainError);
  });

  it('a reply answers the message unless it is done', () => {
    expect(MessageStatusRules.afterReply('new')).toBe('answered');
    expect(MessageStatusRules.afterReply('assigned')).toBe('answered');
    expect(MessageStatusRules.afterReply('answered')).toBe('answered');
    expect(MessageStatusRules.afterReply('done')).toBe('done');
  });

  it('done is final', () => {
    expect(MessageStatusRules.afterDone()).toBe('done');
  });
});
