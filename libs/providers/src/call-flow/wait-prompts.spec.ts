import { closedPrompt } from './wait-prompts';

describe('closedPrompt', () => {
  // Monday 7 December 2026, 08:30 in Rome (UTC+1 in winter).
  const opening = new Date('2026-12-07T07:30:00Z');

  it('says when the queue opens again, in the caller language and the queue time zone', () => {
    expect(closedPrompt('it', 'out_of_hours', opening, 'Europe/Rome')).toBe(
      'I nostri uffici sono chiusi in questo momento. Riapriamo lunedì 7 dicembre alle ore 08:30. Arrivederci.',
    );
    expect(closedPrompt('en', 'out_of_hours', opening, 'Europe/Rome')).toBe(
      'Our offices are closed at the moment. We open again Monday 7 December at 08:30. Goodbye.',
    );
    // The same instant on New York's wall clock.
    expect(closedPrompt('en', 'out_of_hours', opening, 'America/New_York')).toMatch(
      /Monday 7 December at 02:30/,
    );
  });

  it('without an opening (a calendar that never opens) only says closed; full or waited too long says busy', () => {
    expect(closedPrompt('it', 'out_of_hours', null, 'Europe/Rome')).toBe(
      'I nostri uffici sono chiusi in questo momento. Arrivederci.',
    );
    expect(closedPrompt('it', 'queue_full', opening, 'Europe/Rome')).toBe(
      'Tutte le nostre linee sono occupate. La preghiamo di richiamare più tardi. Arrivederci.',
    );
    expect(closedPrompt('en', 'max_wait', null, 'Europe/Rome')).toBe(
      'All our lines are busy. Please call again later. Goodbye.',
    );
  });

  it('falls back to English for a language without built-in prompts', () => {
    expect(closedPrompt('nl', 'queue_full', null, 'Europe/Rome')).toBe(
      'All our lines are busy. Please call again later. Goodbye.',
    );
  });
});
