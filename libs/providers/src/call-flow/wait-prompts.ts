import { formatOpening } from '@centralino/routing';
import { localeOf } from './locales';

/**
 * What a waiting caller hears each time the hold loop comes round. Built in for the languages centralino
 * ships examples for; any other language falls back to English.
 */
const POSITION: Record<string, (position: number) => string> = {
  it: (n) =>
    n === 1 ? 'Lei è il primo in attesa.' : `Ci sono ${n - 1} persone prima di lei. Lei è il numero ${n}.`,
  en: (n) => (n === 1 ? 'You are next in line.' : `You are number ${n} in line.`),
  es: (n) => (n === 1 ? 'Usted es el siguiente.' : `Usted es el número ${n} en la cola.`),
  ro: (n) => (n === 1 ? 'Sunteți următorul la rând.' : `Sunteți numărul ${n} la rând.`),
  fr: (n) => (n === 1 ? 'Vous êtes le prochain.' : `Vous êtes le numéro ${n} dans la file.`),
  de: (n) => (n === 1 ? 'Sie sind als Nächstes an der Reihe.' : `Sie sind Nummer ${n} in der Warteschlange.`),
};

const ESTIMATE: Record<string, (minutes: number) => string> = {
  it: (m) => (m <= 1 ? 'Attesa stimata: meno di un minuto.' : `Attesa stimata: circa ${m} minuti.`),
  en: (m) => (m <= 1 ? 'Estimated wait: under a minute.' : `Estimated wait: about ${m} minutes.`),
  es: (m) => (m <= 1 ? 'Espera estimada: menos de un minuto.' : `Espera estimada: unos ${m} minutos.`),
  ro: (m) => (m <= 1 ? 'Timp estimat: sub un minut.' : `Timp estimat: aproximativ ${m} minute.`),
  fr: (m) => (m <= 1 ? "Attente estimée : moins d'une minute." : `Attente estimée : environ ${m} minutes.`),
  de: (m) =>
    m <= 1 ? 'Geschätzte Wartezeit: unter einer Minute.' : `Geschätzte Wartezeit: etwa ${m} Minuten.`,
};

const STILL_WAITING: Record<string, string> = {
  it: 'La preghiamo di attendere, un operatore le risponderà a breve.',
  en: 'Please hold, an operator will be with you shortly.',
  es: 'Por favor, espere; un operador le atenderá en breve.',
  ro: 'Vă rugăm să așteptați, un operator vă va răspunde în curând.',
  fr: 'Veuillez patienter, un opérateur va vous répondre.',
  de: 'Bitte warten Sie, ein Mitarbeiter ist gleich für Sie da.',
};

const SORRY: Record<string, string> = {
  it: 'Ci scusi, non è stato possibile completare la chiamata. Arrivederci.',
  en: 'Sorry, we could not complete your call. Goodbye.',
  es: 'Lo sentimos, no ha sido posible completar la llamada. Adiós.',
  ro: 'Ne pare rău, apelul nu a putut fi finalizat. La revedere.',
  fr: "Désolé, l'appel n'a pas pu aboutir. Au revoir.",
  de: 'Leider konnte der Anruf nicht verbunden werden. Auf Wiederhören.',
};

function pick<T>(table: Record<string, T>, language: string): T {
  return table[language] ?? table.en!;
}

/** "You are number 3 in line. Estimated wait: about 2 minutes." (estimate only when known). */
export function positionPrompt(
  language: string,
  position: number | null,
  estimatedSeconds: number | null,
): string {
  const parts = [position ? pick(POSITION, language)(position) : pick(STILL_WAITING, language)];
  if (position && estimatedSeconds !== null) {
    parts.push(pick(ESTIMATE, language)(Math.max(1, Math.round(estimatedSeconds / 60))));
  }
  return parts.join(' ');
}

export function sorryPrompt(language: string): string {
  return pick(SORRY, language);
}

const TRANSFERRING: Record<string, string> = {
  it: 'La metto in comunicazione con {name}.',
  en: 'Connecting you to {name}.',
  es: 'Le comunico con {name}.',
  ro: 'Vă conectăm cu {name}.',
  fr: 'Je vous mets en relation avec {name}.',
  de: 'Ich verbinde Sie mit {name}.',
};

/** Said before a caller who asked for a directory entry with a phone is transferred there. */
export function transferringPrompt(language: string, name: string): string {
  return pick(TRANSFERRING, language).replace('{name}', name);
}

const CLOSED: Record<string, string> = {
  it: 'I nostri uffici sono chiusi in questo momento.',
  en: 'Our offices are closed at the moment.',
  es: 'Nuestras oficinas están cerradas en este momento.',
  ro: 'Birourile noastre sunt închise acum.',
  fr: 'Nos bureaux sont fermés pour le moment.',
  de: 'Unsere Büros sind gerade geschlossen.',
};

const REOPENS: Record<string, string> = {
  it: 'Riapriamo {when}.',
  en: 'We open again {when}.',
  es: 'Volvemos a abrir el {when}.',
  ro: 'Redeschidem {when}.',
  fr: 'Nous rouvrons le {when}.',
  de: 'Wir sind wieder da am {when}.',
};

const BUSY: Record<string, string> = {
  it: 'Tutte le nostre linee sono occupate. La preghiamo di richiamare più tardi.',
  en: 'All our lines are busy. Please call again later.',
  es: 'Todas nuestras líneas están ocupadas. Por favor, llame más tarde.',
  ro: 'Toate liniile noastre sunt ocupate. Vă rugăm să sunați mai târziu.',
  fr: 'Toutes nos lignes sont occupées. Veuillez rappeler plus tard.',
  de: 'Alle Leitungen sind besetzt. Bitte rufen Sie später wieder an.',
};

const GOODBYE: Record<string, string> = {
  it: 'Arrivederci.',
  en: 'Goodbye.',
  es: 'Adiós.',
  ro: 'La revedere.',
  fr: 'Au revoir.',
  de: 'Auf Wiederhören.',
};

/**
 * What a caller hears when the queue's rules end the call `closed`: closed (with the next opening, as a
 * weekday, date and time in the queue's own time zone, said in the caller's language) or busy (full, or
 * waited too long), then goodbye.
 */
export function closedPrompt(
  language: string,
  reason: 'out_of_hours' | 'queue_full' | 'max_wait',
  nextOpening: Date | null,
  timeZone: string,
): string {
  if (reason !== 'out_of_hours') return `${pick(BUSY, language)} ${pick(GOODBYE, language)}`;
  const parts = [pick(CLOSED, language)];
  if (nextOpening) {
    const when = formatOpening(nextOpening, localeOf(language), timeZone);
    parts.push(pick(REOPENS, language).replace('{when}', when));
  }
  parts.push(pick(GOODBYE, language));
  return parts.join(' ');
}

const CALLBACK_OFFER: Record<string, string> = {
  it: 'Se preferisce essere richiamato senza perdere il suo posto, prema {digit}.',
  en: 'To be called back without losing your place, press {digit}.',
  es: 'Si prefiere que le llamemos sin perder su turno, pulse {digit}.',
  ro: 'Pentru a fi sunat înapoi fără să vă pierdeți locul, apăsați {digit}.',
  fr: 'Pour être rappelé sans perdre votre place, appuyez sur {digit}.',
  de: 'Um zurückgerufen zu werden, ohne Ihren Platz zu verlieren, drücken Sie {digit}.',
};

const CALLBACK_CONFIRMED: Record<string, string> = {
  it: 'Grazie. La richiameremo a questo numero appena sarà il suo turno. Arrivederci.',
  en: 'Thank you. We will call you back on this number when it is your turn. Goodbye.',
  es: 'Gracias. Le llamaremos a este número cuando sea su turno. Adiós.',
  ro: 'Vă mulțumim. Vă vom suna înapoi la acest număr când vine rândul dumneavoastră. La revedere.',
  fr: 'Merci. Nous vous rappellerons à ce numéro quand ce sera votre tour. Au revoir.',
  de: 'Danke. Wir rufen Sie unter dieser Nummer zurück, sobald Sie an der Reihe sind. Auf Wiederhören.',
};

const CALLBACK_UNAVAILABLE: Record<string, string> = {
  it: 'Ci scusi, non possiamo richiamarla a questo numero. Resti in linea.',
  en: 'Sorry, we cannot call you back on this number. Please hold.',
  es: 'Lo sentimos, no podemos llamarle a este número. Por favor, espere.',
  ro: 'Ne pare rău, nu vă putem suna înapoi la acest număr. Vă rugăm să așteptați.',
  fr: 'Désolé, nous ne pouvons pas vous rappeler à ce numéro. Veuillez patienter.',
  de: 'Leider können wir Sie unter dieser Nummer nicht zurückrufen. Bitte warten Sie.',
};

/** Said in the hold loop when the caller may ask to be called back. */
export function callbackOfferPrompt(language: string, digit: string): string {
  return pick(CALLBACK_OFFER, language).replace('{digit}', digit);
}

/** Said before hanging up on a caller who will be called back. */
export function callbackConfirmedPrompt(language: string): string {
  return pick(CALLBACK_CONFIRMED, language);
}

/** Said when the caller's number cannot be called back (withheld, not a phone); they keep waiting. */
export function callbackUnavailablePrompt(language: string): string {
  return pick(CALLBACK_UNAVAILABLE, language);
}
