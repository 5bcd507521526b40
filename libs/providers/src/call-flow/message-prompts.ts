/**
 * What a caller hears while leaving a message to the voice flow. Built in for the languages centralino
 * ships examples for; any other language falls back to English. `{name}` is the person or department
 * the message is for.
 */
export type MessageReason = 'out_of_hours' | 'overflow' | 'unavailable' | 'requested';

type Table = Record<string, string>;

const INTRO: Record<MessageReason, Table> = {
  out_of_hours: {
    it: 'I nostri uffici sono chiusi in questo momento. Lasci un messaggio e la richiameremo.',
    en: 'Our offices are closed at the moment. Please leave a message and we will call you back.',
    es: 'Nuestras oficinas están cerradas en este momento. Deje un mensaje y le llamaremos.',
    ro: 'Birourile noastre sunt închise acum. Lăsați un mesaj și vă vom suna înapoi.',
    fr: 'Nos bureaux sont fermés pour le moment. Laissez un message et nous vous rappellerons.',
    de: 'Unsere Büros sind gerade geschlossen. Hinterlassen Sie eine Nachricht, wir rufen Sie zurück.',
  },
  overflow: {
    it: 'Tutti i nostri operatori sono occupati. Lasci un messaggio e la richiameremo.',
    en: 'All our operators are busy. Please leave a message and we will call you back.',
    es: 'Todos nuestros operadores están ocupados. Deje un mensaje y le llamaremos.',
    ro: 'Toți operatorii noștri sunt ocupați. Lăsați un mesaj și vă vom suna înapoi.',
    fr: 'Tous nos opérateurs sont occupés. Laissez un message et nous vous rappellerons.',
    de: 'Alle Mitarbeiter sind im Gespräch. Hinterlassen Sie eine Nachricht, wir rufen Sie zurück.',
  },
  unavailable: {
    it: '{name} non è disponibile in questo momento. Lasci un messaggio e la richiameremo.',
    en: '{name} is not available at the moment. Please leave a message and you will be called back.',
    es: '{name} no está disponible en este momento. Deje un mensaje y le llamaremos.',
    ro: '{name} nu este disponibil acum. Lăsați un mesaj și veți fi sunat înapoi.',
    fr: "{name} n'est pas disponible pour le moment. Laissez un message et vous serez rappelé.",
    de: '{name} ist gerade nicht erreichbar. Hinterlassen Sie eine Nachricht, Sie werden zurückgerufen.',
  },
  requested: {
    it: 'Lasci pure un messaggio per {name}.',
    en: 'Please leave a message for {name}.',
    es: 'Deje un mensaje para {name}.',
    ro: 'Lăsați un mesaj pentru {name}.',
    fr: 'Laissez un message pour {name}.',
    de: 'Hinterlassen Sie eine Nachricht für {name}.',
  },
};

const ASK_NAME: Table = {
  it: 'Per favore, ci dica il suo nome.',
  en: 'Please tell us your name.',
  es: 'Por favor, díganos su nombre.',
  ro: 'Vă rugăm să ne spuneți numele dumneavoastră.',
  fr: 'Veuillez nous indiquer votre nom.',
  de: 'Bitte nennen Sie uns Ihren Namen.',
};

const ASK_TEXT: Table = {
  it: 'Grazie. Ora ci dica il motivo della chiamata.',
  en: 'Thank you. Now please tell us why you are calling.',
  es: 'Gracias. Ahora díganos el motivo de su llamada.',
  ro: 'Mulțumim. Acum spuneți-ne motivul apelului.',
  fr: "Merci. Dites-nous maintenant l'objet de votre appel.",
  de: 'Danke. Sagen Sie uns nun bitte, worum es geht.',
};

const ASK_CALLBACK: Table = {
  it: 'Per essere richiamato al numero da cui chiama prema cancelletto. Per lasciare un altro numero, lo digiti seguito dal cancelletto.',
  en: 'To be called back on the number you are calling from, press hash. To leave another number, type it followed by hash.',
  es: 'Para que le llamemos al número desde el que llama, pulse almohadilla. Para dejar otro número, márquelo seguido de almohadilla.',
  ro: 'Pentru a fi sunat la numărul de pe care sunați, apăsați diez. Pentru alt număr, formați-l urmat de diez.',
  fr: 'Pour être rappelé au numéro depuis lequel vous appelez, appuyez sur dièse. Pour un autre numéro, composez-le suivi de dièse.',
  de: 'Um unter der Nummer zurückgerufen zu werden, von der Sie anrufen, drücken Sie die Raute. Für eine andere Nummer geben Sie sie ein, gefolgt von der Raute.',
};

const THANKS: Table = {
  it: 'Grazie, il suo messaggio è stato registrato. Arrivederci.',
  en: 'Thank you, your message has been recorded. Goodbye.',
  es: 'Gracias, su mensaje ha sido registrado. Adiós.',
  ro: 'Mulțumim, mesajul dumneavoastră a fost înregistrat. La revedere.',
  fr: 'Merci, votre message a été enregistré. Au revoir.',
  de: 'Danke, Ihre Nachricht wurde aufgenommen. Auf Wiederhören.',
};

/** The text of a message whose caller said nothing when asked why they called. */
const NO_TEXT: Table = {
  it: '(Il chiamante non ha lasciato un messaggio: lo richiami.)',
  en: '(The caller left no message: please call them back.)',
  es: '(La persona no dejó mensaje: devuelva la llamada.)',
  ro: '(Apelantul nu a lăsat un mesaj: sunați-l înapoi.)',
  fr: "(L'appelant n'a pas laissé de message : rappelez-le.)",
  de: '(Der Anrufer hat keine Nachricht hinterlassen: bitte zurückrufen.)',
};

/** Texted back when a text conversation's message is taken by the queue rules (closed, full). */
const TEXT_TAKEN: Record<'out_of_hours' | 'overflow', Table> = {
  out_of_hours: {
    it: 'I nostri uffici sono chiusi in questo momento. Il suo messaggio è stato registrato: la ricontatteremo a questo numero.',
    en: 'Our offices are closed at the moment. Your message has been recorded: we will get back to you on this number.',
    es: 'Nuestras oficinas están cerradas en este momento. Su mensaje ha sido registrado: le responderemos a este número.',
    ro: 'Birourile noastre sunt închise acum. Mesajul dumneavoastră a fost înregistrat: vă vom contacta la acest număr.',
    fr: 'Nos bureaux sont fermés pour le moment. Votre message a été enregistré : nous vous recontacterons à ce numéro.',
    de: 'Unsere Büros sind gerade geschlossen. Ihre Nachricht wurde aufgenommen: wir melden uns unter dieser Nummer.',
  },
  overflow: {
    it: 'Tutti i nostri operatori sono occupati. Il suo messaggio è stato registrato: la ricontatteremo a questo numero.',
    en: 'All our operators are busy. Your message has been recorded: we will get back to you on this number.',
    es: 'Todos nuestros operadores están ocupados. Su mensaje ha sido registrado: le responderemos a este número.',
    ro: 'Toți operatorii noștri sunt ocupați. Mesajul dumneavoastră a fost înregistrat: vă vom contacta la acest număr.',
    fr: 'Tous nos opérateurs sont occupés. Votre message a été enregistré : nous vous recontacterons à ce numéro.',
    de: 'Alle Mitarbeiter sind im Gespräch. Ihre Nachricht wurde aufgenommen: wir melden uns unter dieser Nummer.',
  },
};

const RECEPTION: Table = {
  it: 'la reception',
  en: 'reception',
  es: 'la recepción',
  ro: 'recepție',
  fr: "l'accueil",
  de: 'den Empfang',
};

function pick(table: Table, language: string): string {
  return table[language] ?? table.en!;
}

export const messagePrompts = {
  intro: (reason: MessageReason, language: string, name: string | null): string =>
    pick(INTRO[reason], language).replace('{name}', name ?? pick(RECEPTION, language)),
  askName: (language: string): string => pick(ASK_NAME, language),
  askText: (language: string): string => pick(ASK_TEXT, language),
  askCallback: (language: string): string => pick(ASK_CALLBACK, language),
  thanks: (language: string): string => pick(THANKS, language),
  noText: (language: string): string => pick(NO_TEXT, language),
  textTaken: (reason: 'out_of_hours' | 'overflow', language: string): string =>
    pick(TEXT_TAKEN[reason], language),
};
