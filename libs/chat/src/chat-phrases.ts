/** What the chat bot says, per language; `{name}`-style placeholders are filled by `phrase()`. */
const PHRASES = {
  greeting: {
    it: 'Ciao! Sono l’assistente di {company}. Scrivi pure di cosa hai bisogno e ti metto in contatto con la persona giusta.',
    en: 'Hello! I am {company}’s assistant. Tell me what you need and I will put you through to the right person.',
    es: '¡Hola! Soy el asistente de {company}. Cuéntame qué necesitas y te pondré en contacto con la persona adecuada.',
    ro: 'Bună! Sunt asistentul {company}. Spune-mi de ce ai nevoie și te pun în legătură cu persoana potrivită.',
  },
  queued: {
    it: 'Grazie, ti metto in contatto con un operatore ({queue}). Sei {position}° in coda, attesa stimata {wait}.',
    en: 'Thank you, I am putting you through to an operator ({queue}). You are number {position} in the queue, estimated wait {wait}.',
    es: 'Gracias, te pongo en contacto con un operador ({queue}). Eres el número {position} en la cola, espera estimada {wait}.',
    ro: 'Mulțumesc, te pun în legătură cu un operator ({queue}). Ești al {position}-lea la coadă, timp estimat de așteptare {wait}.',
  },
  queuedNoEstimate: {
    it: 'Grazie, ti metto in contatto con un operatore ({queue}). Sei {position}° in coda.',
    en: 'Thank you, I am putting you through to an operator ({queue}). You are number {position} in the queue.',
    es: 'Gracias, te pongo en contacto con un operador ({queue}). Eres el número {position} en la cola.',
    ro: 'Mulțumesc, te pun în legătură cu un operator ({queue}). Ești al {position}-lea la coadă.',
  },
  joined: {
    it: '{operator} si è unito alla conversazione.',
    en: '{operator} has joined the conversation.',
    es: '{operator} se ha unido a la conversación.',
    ro: '{operator} s-a alăturat conversației.',
  },
  transferred: {
    it: 'Ti passo a un collega che può aiutarti meglio: resta in linea, la conversazione continua qui.',
    en: 'I am passing you to a colleague who can help you better: please stay, the conversation goes on here.',
    es: 'Te paso con un compañero que puede ayudarte mejor: no te vayas, la conversación sigue aquí.',
    ro: 'Te transfer la un coleg care te poate ajuta mai bine: rămâi aici, conversația continuă.',
  },
  ended: {
    it: 'La conversazione è terminata. Grazie per averci scritto!',
    en: 'The conversation has ended. Thank you for writing to us!',
    es: 'La conversación ha terminado. ¡Gracias por escribirnos!',
    ro: 'Conversația s-a încheiat. Mulțumim că ne-ai scris!',
  },
  leaveMessageClosed: {
    it: 'I nostri uffici sono chiusi in questo momento. Lasciaci un messaggio con un recapito e ti ricontatteremo.',
    en: 'Our offices are closed at the moment. Leave us a message with a way to reach you and we will get back to you.',
    es: 'Nuestras oficinas están cerradas en este momento. Déjanos un mensaje con un contacto y te responderemos.',
    ro: 'Birourile noastre sunt închise acum. Lasă-ne un mesaj cu o modalitate de contact și revenim noi.',
  },
  leaveMessageBusy: {
    it: 'Tutti i nostri operatori sono occupati. Lasciaci un messaggio con un recapito e ti ricontatteremo.',
    en: 'All our operators are busy. Leave us a message with a way to reach you and we will get back to you.',
    es: 'Todos nuestros operadores están ocupados. Déjanos un mensaje con un contacto y te responderemos.',
    ro: 'Toți operatorii noștri sunt ocupați. Lasă-ne un mesaj cu o modalitate de contact și revenim noi.',
  },
  messageTaken: {
    it: 'Grazie {name}, il tuo messaggio è stato registrato: ti ricontatteremo a {contact}.',
    en: 'Thank you {name}, your message has been recorded: we will get back to you at {contact}.',
    es: 'Gracias {name}, tu mensaje ha sido registrado: te responderemos en {contact}.',
    ro: 'Mulțumim {name}, mesajul tău a fost înregistrat: revenim la {contact}.',
  },
  closed: {
    it: 'I nostri uffici sono chiusi in questo momento.',
    en: 'Our offices are closed at the moment.',
    es: 'Nuestras oficinas están cerradas en este momento.',
    ro: 'Birourile noastre sunt închise acum.',
  },
  reopens: {
    it: 'Riapriamo {when}.',
    en: 'We open again {when}.',
    es: 'Volvemos a abrir el {when}.',
    ro: 'Redeschidem {when}.',
  },
  busy: {
    it: 'Tutti i nostri operatori sono occupati: riprova più tardi.',
    en: 'All our operators are busy: please try again later.',
    es: 'Todos nuestros operadores están ocupados: inténtalo más tarde.',
    ro: 'Toți operatorii noștri sunt ocupați: încearcă mai târziu.',
  },
  person: {
    it: 'Parla con una persona',
    en: 'Talk to a person',
    es: 'Hablar con una persona',
    ro: 'Vorbește cu o persoană',
  },
  callback: {
    it: 'Va bene: ti chiameremo al {number} appena sarà il tuo turno, senza perdere il posto in coda. Puoi anche chiudere la chat.',
    en: 'All right: we will call you on {number} as soon as it is your turn, keeping your place in the queue. You may close the chat.',
    es: 'De acuerdo: te llamaremos al {number} en cuanto sea tu turno, sin perder tu lugar en la cola. Puedes cerrar el chat.',
    ro: 'În regulă: te vom suna la {number} imediat ce îți vine rândul, fără să-ți pierzi locul la coadă. Poți închide chatul.',
  },
  minutes: {
    it: 'circa {n} minuti',
    en: 'about {n} minutes',
    es: 'unos {n} minutos',
    ro: 'aproximativ {n} minute',
  },
  lessThanAMinute: {
    it: 'meno di un minuto',
    en: 'less than a minute',
    es: 'menos de un minuto',
    ro: 'mai puțin de un minut',
  },
} as const;

export type PhraseKey = keyof typeof PHRASES;

export function phrase(
  key: PhraseKey,
  language: string,
  values: Record<string, string | number> = {},
): string {
  const texts = PHRASES[key] as Record<string, string>;
  const template = texts[language] ?? texts.en!;
  return template.replace(/\{(\w+)\}/g, (match, name: string) =>
    name in values ? String(values[name]) : match,
  );
}

/** "about 4 minutes", in the customer's language. */
export function waitPhrase(seconds: number, language: string): string {
  if (seconds < 60) return phrase('lessThanAMinute', language);
  return phrase('minutes', language, { n: Math.round(seconds / 60) });
}
