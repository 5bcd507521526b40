import { CONTACT_STATES, FINAL_STATES } from './contact-state';
import { ContactStateMachine } from './contact-state-machine';
import { DomainError } from './domain-error';

describe('ContactStateMachine', () => {
  it('allows the happy path received -> triaged -> queued -> offered -> connected -> completed', () => {
    const path = ['received', 'triaged', 'queued', 'offered', 'connected', 'completed'] as const;
    for (let i = 1; i < path.length; i++) {
      expect(ContactStateMachine.canTransition(path[i - 1], path[i])).toBe(true);
    }
  });

  it('lets a rejected or timed-out offer go back to the queue', () => {
    expect(ContactStateMachine.canTransition('offered', 'queued')).toBe(true);
  });

  it('lets an operator hand a connected contact on: back to a queue, out to a number, or as a message', () => {
    for (const to of ['queued', 'transferred', 'message_taken'] as const) {
      expect(ContactStateMachine.canTransition('connected', to)).toBe(true);
    }
    expect(ContactStateMachine.isFinal('transferred')).toBe(true);
  });

  it('puts a waiting caller who asked for a directory entry with a phone through to it, not an offered one', () => {
    expect(ContactStateMachine.canTransition('queued', 'transferred')).toBe(true);
    expect(ContactStateMachine.canTransition('offered', 'transferred')).toBe(false);
    expect(ContactStateMachine.canTransition('messaging', 'transferred')).toBe(false);
  });

  it('moves a callback through its outbound attempts: reached, retried at its place, or failed', () => {
    const reached = ['queued', 'offered', 'calling_back', 'connected', 'completed'] as const;
    for (let i = 1; i < reached.length; i++) {
      expect(ContactStateMachine.canTransition(reached[i - 1], reached[i])).toBe(true);
    }
    expect(ContactStateMachine.canTransition('calling_back', 'callback_pending')).toBe(true);
    expect(ContactStateMachine.canTransition('callback_pending', 'queued')).toBe(true);
    expect(ContactStateMachine.canTransition('calling_back', 'callback_failed')).toBe(true);
    expect(ContactStateMachine.isFinal('callback_failed')).toBe(true);
    // Not answered yet: the operator cannot complete it, and the customer cannot abandon a call not placed.
    expect(ContactStateMachine.canTransition('calling_back', 'completed')).toBe(false);
    expect(ContactStateMachine.canTransition('callback_pending', 'offered')).toBe(false);
  });

  it('refuses illegal transitions with a coded domain error', () => {
    expect(() => ContactStateMachine.assertTransition('queued', 'completed')).toThrow(DomainError);
    try {
      ContactStateMachine.assertTransition('connected', 'abandoned');
      throw new Error('expected a refusal');
    } catch (error) {
      expect(error).toBeInstanceOf(DomainError);
      expect((error as DomainError).code).toBe('illegal_transition');
      expect((error as DomainError).details).toEqual({ from: 'connected', to: 'abandoned' });
    }
  });

  it('never leaves a final state', () => {
    for (const final of FINAL_STATES) {
      for (const to of CONTACT_STATES) {
        expect(ContactStateMachine.canTransition(final, to)).toBe(false);
      }
    }
  });

  it('gives every non-final state a way to a final state', () => {
    const reachesFinal = (state: (typeof CONTACT_STATES)[number], seen = new Set<string>()): boolean => {
      if (ContactStateMachine.isFinal(state)) return true;
      seen.add(state);
      return CONTACT_STATES.some(
        (next) =>
          !seen.has(next) && ContactStateMachine.canTransition(state, next) && reachesFinal(next, seen),
      );
    };
    for (const state of CONTACT_STATES) expect(reachesFinal(state)).toBe(true);
  });
});
