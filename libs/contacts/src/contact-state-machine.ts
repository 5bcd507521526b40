import { CONTACT_TRANSITIONS, ContactState, FINAL_STATES } from './contact-state';
import { DomainError } from './domain-error';

/** Pure rules about contact states; callers persist the result. */
export class ContactStateMachine {
  static canTransition(from: ContactState, to: ContactState): boolean {
    return CONTACT_TRANSITIONS[from].includes(to);
  }

  /** Throws `illegal_transition` unless `from -> to` is a legal move. */
  static assertTransition(from: ContactState, to: ContactState): void {
    if (!ContactStateMachine.canTransition(from, to)) {
      throw new DomainError('illegal_transition', `A contact cannot go from ${from} to ${to}`, { from, to });
    }
  }

  static isFinal(state: ContactState): boolean {
    return FINAL_STATES.has(state);
  }
}
