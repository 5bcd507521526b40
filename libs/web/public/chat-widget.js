// centralino's embeddable chat widget. Put one tag on any page of the website:
//   <script src="https://switchboard.example.com/ui/chat-widget.js" defer
//           data-company="ACME S.r.l." data-language="it" data-accent="#0b5cad"></script>
// or set `window.centralinoChat = { company, language, accent, server }` before it. The customer writes, is
// greeted and triaged by the bot (quick replies when it is unsure), told their place in the queue, then
// talks with the operator who accepts. The conversation survives a reload: its resume token is kept in
// localStorage. Everything received is rendered as text, never as markup. Contract: docs/chat.md.
(function () {
  'use strict';
  const script = document.currentScript;
  const options = Object.assign(
    {
      company: script?.dataset.company || '',
      language: script?.dataset.language || document.documentElement.lang?.slice(0, 2) || undefined,
      accent: script?.dataset.accent || '',
      server: script ? new URL(script.src, location.href).origin : location.origin,
      title: script?.dataset.title || '',
    },
    window.centralinoChat || {},
  );
  const STORAGE_KEY = `centralino.chat.${options.server}`;
  const TEXT = {
    it: { open: 'Scrivici', title: 'Chat', send: 'Invia', placeholder: 'Scrivi un messaggio…', end: 'Termina chat', restart: 'Nuova conversazione', typing: 'L’operatore sta scrivendo…', position: 'Sei {n}° in coda', wait: 'attesa stimata {low}–{high} min', talking: 'Stai parlando con {name}', ended: 'Conversazione terminata', read: 'Letto', offline: 'Connessione persa: riconnessione…', close: 'Riduci la chat', label: 'Il tuo messaggio', leaveClosed: 'Siamo chiusi: lasciaci un messaggio e ti ricontatteremo.', leaveBusy: 'Gli operatori sono tutti occupati: lasciaci un messaggio e ti ricontatteremo.', leaveName: 'Nome', leaveContact: 'Telefono o e-mail', leaveText: 'Il messaggio da lasciare', leaveSend: 'Invia il messaggio', callMe: 'Richiamami', callNumber: 'Il tuo numero di telefono', callSend: 'Chiamatemi', callback: 'Ti richiameremo al {number} senza perdere il posto' },
    en: { open: 'Chat with us', title: 'Chat', send: 'Send', placeholder: 'Write a message…', end: 'End chat', restart: 'New conversation', typing: 'The operator is typing…', position: 'You are number {n} in the queue', wait: 'estimated wait {low}–{high} min', talking: 'You are talking with {name}', ended: 'Conversation ended', read: 'Read', offline: 'Connection lost: reconnecting…', close: 'Minimise the chat', label: 'Your message', leaveClosed: 'We are closed: leave us a message and we will get back to you.', leaveBusy: 'All our operators are busy: leave us a message and we will get back to you.', leaveName: 'Name', leaveContact: 'Phone or e-mail', leaveText: 'The message to leave', leaveSend: 'Send the message', callMe: 'Call me back', callNumber: 'Your phone number', callSend: 'Call me', callback: 'We will call you on {number}, keeping your place' },
    es: { open: 'Escríbenos', title: 'Chat', send: 'Enviar', placeholder: 'Escribe un mensaje…', end: 'Terminar chat', restart: 'Nueva conversación', typing: 'El operador está escribiendo…', position: 'Eres el número {n} en la cola', wait: 'espera estimada {low}–{high} min', talking: 'Estás hablando con {name}', ended: 'Conversación terminada', read: 'Leído', offline: 'Conexión perdida: reconectando…', close: 'Minimizar el chat', label: 'Tu mensaje', leaveClosed: 'Estamos cerrados: déjanos un mensaje y te responderemos.', leaveBusy: 'Todos los operadores están ocupados: déjanos un mensaje y te responderemos.', leaveName: 'Nombre', leaveContact: 'Teléfono o e-mail', leaveText: 'El mensaje que dejas', leaveSend: 'Enviar el mensaje', callMe: 'Llámame', callNumber: 'Tu número de teléfono', callSend: 'Llamadme', callback: 'Te llamaremos al {number} sin perder tu lugar' },
    ro: { open: 'Scrie-ne', title: 'Chat', send: 'Trimite', placeholder: 'Scrie un mesaj…', end: 'Încheie chatul', restart: 'Conversație nouă', typing: 'Operatorul scrie…', position: 'Ești al {n}-lea la coadă', wait: 'timp estimat {low}–{high} min', talking: 'Vorbești cu {name}', ended: 'Conversație încheiată', read: 'Citit', offline: 'Conexiune pierdută: reconectare…', close: 'Minimizează chatul', label: 'Mesajul tău', leaveClosed: 'Suntem închiși: lasă-ne un mesaj și revenim noi.', leaveBusy: 'Toți operatorii sunt ocupați: lasă-ne un mesaj și revenim noi.', leaveName: 'Nume', leaveContact: 'Telefon sau e-mail', leaveText: 'Mesajul de lăsat', leaveSend: 'Trimite mesajul', callMe: 'Sună-mă', callNumber: 'Numărul tău de telefon', callSend: 'Sunați-mă', callback: 'Te vom suna la {number}, fără să-ți pierzi locul' },
  };
  const t = (key, values = {}) =>
    (TEXT[options.language] || TEXT.en)[key].replace(/\{(\w+)\}/g, (match, name) => (name in values ? values[name] : match));

  function el(tag, className, text) {
    const node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined) node.textContent = text;
    return node;
  }

  // ---- DOM --------------------------------------------------------------------------------------------
  const stylesheet = el('link');
  stylesheet.rel = 'stylesheet';
  stylesheet.href = `${options.server}/ui/chat-widget.css`;
  document.head.append(stylesheet);

  const root = el('div', 'cw-root');
  if (options.accent) root.style.setProperty('--cw-accent', options.accent);
  const launcher = el('button', 'cw-launcher', t('open'));
  launcher.type = 'button';
  launcher.setAttribute('aria-expanded', 'false');
  const panel = el('section', 'cw-panel');
  panel.hidden = true;
  panel.id = 'centralino-chat';
  panel.setAttribute('aria-label', `${t('title')} ${options.company}`.trim());
  launcher.setAttribute('aria-controls', panel.id);
  const header = el('header', 'cw-header');
  const heading = el('h2', 'cw-title', options.title || options.company || t('title'));
  const minimise = el('button', 'cw-minimise', '×');
  minimise.type = 'button';
  minimise.setAttribute('aria-label', t('close'));
  header.append(heading, minimise);
  const status = el('p', 'cw-status');
  status.setAttribute('role', 'status');
  const transcript = el('ol', 'cw-transcript');
  transcript.setAttribute('aria-live', 'polite');
  const replies = el('div', 'cw-replies');
  const typing = el('p', 'cw-typing', t('typing'));
  typing.hidden = true;
  const notice = el('p', 'cw-notice');
  notice.setAttribute('role', 'alert');
  notice.hidden = true;
  const form = el('form', 'cw-form');
  const label = el('label', 'cw-hidden', t('label'));
  label.htmlFor = 'centralino-chat-input';
  const input = el('input', 'cw-input');
  input.id = 'centralino-chat-input';
  input.type = 'text';
  input.autocomplete = 'off';
  input.placeholder = t('placeholder');
  input.maxLength = 2000;
  const sendButton = el('button', 'cw-send', t('send'));
  sendButton.type = 'submit';
  form.append(label, input, sendButton);
  // The leave-a-message form: shown instead of the message box when the queue is closed or full.
  const leaveForm = el('form', 'cw-leave');
  leaveForm.hidden = true;
  const leaveIntro = el('p', 'cw-leave-intro');
  function field(id, text, node) {
    const wrap = el('label', 'cw-field');
    wrap.htmlFor = id;
    node.id = id;
    node.className = 'cw-input';
    node.required = true;
    wrap.append(el('span', '', text), node);
    return wrap;
  }
  const leaveName = el('input');
  leaveName.autocomplete = 'name';
  leaveName.maxLength = 80;
  const leaveContact = el('input');
  leaveContact.autocomplete = 'email';
  leaveContact.maxLength = 120;
  const leaveText = el('textarea');
  leaveText.rows = 3;
  leaveText.maxLength = 2000;
  const leaveSend = el('button', 'cw-send', t('leaveSend'));
  leaveSend.type = 'submit';
  leaveForm.append(
    leaveIntro,
    field('centralino-leave-name', t('leaveName'), leaveName),
    field('centralino-leave-contact', t('leaveContact'), leaveContact),
    field('centralino-leave-text', t('leaveText'), leaveText),
    leaveSend,
  );
  const footer = el('div', 'cw-footer');
  const endButton = el('button', 'cw-end', t('end'));
  endButton.type = 'button';
  const restartButton = el('button', 'cw-restart', t('restart'));
  restartButton.type = 'button';
  restartButton.hidden = true;
  footer.append(endButton, restartButton);
  // "Call me back" (docs/chat.md): offered while waiting, when the server says a callback is possible.
  const callMe = el('button', 'cw-callme', t('callMe'));
  callMe.type = 'button';
  callMe.hidden = true;
  const callForm = el('form', 'cw-callback');
  callForm.hidden = true;
  const callLabel = el('label', 'cw-hidden', t('callNumber'));
  callLabel.htmlFor = 'centralino-chat-callback';
  const callInput = el('input', 'cw-input');
  callInput.id = 'centralino-chat-callback';
  callInput.type = 'tel';
  callInput.autocomplete = 'tel';
  callInput.placeholder = '+39 …';
  callInput.maxLength = 32;
  const callSend = el('button', 'cw-send', t('callSend'));
  callSend.type = 'submit';
  callForm.append(callLabel, callInput, callSend);
  footer.prepend(callMe);
  panel.append(header, status, transcript, replies, typing, notice, form, leaveForm, callForm, footer);
  root.append(panel, launcher);
  document.body.append(root);

  // ---- state ------------------------------------------------------------------------------------------
  let socket = null;
  let ended = false;
  let typingSent = false;
  let counter = 0;
  const lines = new Map();

  function addLine(line) {
    if (lines.has(line.id)) return;
    const item = el('li', `cw-line cw-${line.author}`);
    item.dataset.messageId = line.id;
    if (line.author === 'operator' && line.operatorName) item.append(el('span', 'cw-who', line.operatorName));
    item.append(el('p', 'cw-text', line.text));
    if (line.author === 'customer') {
      const receipt = el('span', 'cw-receipt', line.readAt ? t('read') : '✓');
      item.append(receipt);
    }
    transcript.append(item);
    lines.set(line.id, item);
    transcript.scrollTop = transcript.scrollHeight;
    showReplies(line.options || []);
    if (line.author !== 'customer') {
      typing.hidden = true;
      markRead();
    }
  }

  function showReplies(choices) {
    replies.replaceChildren(
      ...choices.map((choice) => {
        const button = el('button', 'cw-reply', choice.label);
        button.type = 'button';
        button.addEventListener('click', () => void say(choice.label, choice.value));
        return button;
      }),
    );
  }

  function showStatus(next) {
    ended = next.state === 'ended';
    let text = '';
    if (next.state === 'waiting' && next.position) {
      text = t('position', { n: next.position });
      if (next.estimatedWait) {
        text += ` · ${t('wait', {
          low: Math.max(0, Math.round(next.estimatedWait.low / 60)),
          high: Math.max(1, Math.round(next.estimatedWait.high / 60)),
        })}`;
      }
      if (next.callback) text = t('callback', { number: next.callback.number });
    } else if (next.state === 'waiting' && next.callback) {
      text = t('callback', { number: next.callback.number });
    } else if (next.state === 'talking') text = t('talking', { name: next.operatorName || '' });
    else if (next.state === 'ended') text = t('ended');
    const leaving = next.state === 'message';
    form.hidden = leaving;
    leaveForm.hidden = !leaving;
    if (leaving) leaveIntro.textContent = t(next.messageReason === 'out_of_hours' ? 'leaveClosed' : 'leaveBusy');
    status.textContent = text;
    root.dataset.state = next.state;
    input.disabled = ended;
    sendButton.disabled = ended;
    endButton.hidden = ended;
    restartButton.hidden = !ended;
    callMe.hidden = !(next.state === 'waiting' && next.canRequestCallback);
    if (callMe.hidden) callForm.hidden = true;
    if (ended) showReplies([]);
  }

  function showNotice(text) {
    notice.textContent = text;
    notice.hidden = !text;
  }

  function markRead() {
    if (panel.hidden || document.hidden || !socket?.connected) return;
    const last = [...lines.values()].filter((item) => !item.classList.contains('cw-customer')).at(-1);
    if (!last || last.dataset.read) return;
    last.dataset.read = '1';
    socket.emit('chat.read', { upTo: last.dataset.messageId }, () => undefined);
  }

  function emit(event, payload) {
    return new Promise((resolve) => {
      if (!socket?.connected) return resolve({ ok: false, error: { code: 'not_connected', message: t('offline') } });
      socket.timeout(10000).emit(event, payload, (error, ack) =>
        resolve(error ? { ok: false, error: { code: 'timeout', message: t('offline') } } : ack),
      );
    });
  }

  async function say(text, reply) {
    if (!text || ended) return;
    const clientId = `w${Date.now().toString(36)}${++counter}`;
    const ack = await emit('chat.send', reply ? { clientId, text, reply } : { clientId, text });
    if (ack.ok) {
      showNotice('');
      addLine(ack.data);
    } else {
      showNotice(ack.error.message);
      if (!reply) input.value = text;
    }
  }

  async function requestCallback(number) {
    const ack = await emit('chat.callback', { number });
    if (!ack.ok) return showNotice(ack.error.message);
    showNotice('');
    callForm.hidden = true;
    showStatus(ack.data);
  }

  // ---- connection ------------------------------------------------------------------------------------
  function loadClient() {
    if (window.io) return Promise.resolve(window.io);
    return new Promise((resolve, reject) => {
      const tag = el('script');
      tag.src = `${options.server}/socket.io/socket.io.js`;
      tag.onload = () => resolve(window.io);
      tag.onerror = () => reject(new Error('socket.io client unavailable'));
      document.head.append(tag);
    });
  }

  async function connect() {
    const io = await loadClient();
    const resumeToken = localStorage.getItem(STORAGE_KEY);
    socket = io(`${options.server}/chat`, {
      auth: resumeToken ? { resumeToken } : {},
      transports: ['websocket', 'polling'],
    });
    socket.on('connect', () => {
      showNotice('');
      if (!localStorage.getItem(STORAGE_KEY)) void start();
    });
    socket.on('disconnect', () => showNotice(t('offline')));
    socket.on('connect_error', (error) => {
      if (error.data?.code === 'invalid_resume_token') {
        // A token this server never issued (or for another deployment): start afresh.
        localStorage.removeItem(STORAGE_KEY);
        socket.disconnect();
        void connect();
      }
    });
    socket.on('chat.snapshot', (snapshot) => {
      transcript.replaceChildren();
      lines.clear();
      for (const line of snapshot.transcript) addLine(line);
      showStatus(snapshot.status);
    });
    socket.on('chat.message', addLine);
    socket.on('chat.status', showStatus);
    socket.on('chat.typing', ({ typing: on }) => (typing.hidden = !on));
    socket.on('chat.read', ({ messageIds }) => {
      for (const id of messageIds) {
        const receipt = lines.get(id)?.querySelector('.cw-receipt');
        if (receipt) receipt.textContent = t('read');
      }
    });
    socket.on('chat.notice', (next) => showNotice(next.message));
  }

  async function start() {
    const ack = await emit('chat.start', options.language ? { language: options.language } : {});
    if (ack.ok) localStorage.setItem(STORAGE_KEY, ack.data.resumeToken);
    else showNotice(ack.error.message);
  }

  // ---- interaction -----------------------------------------------------------------------------------
  function setOpen(open) {
    panel.hidden = !open;
    launcher.setAttribute('aria-expanded', String(open));
    if (open) {
      if (!socket) void connect();
      input.focus();
      markRead();
    } else launcher.focus();
  }
  launcher.addEventListener('click', () => setOpen(panel.hidden));
  minimise.addEventListener('click', () => setOpen(false));
  panel.addEventListener('keydown', (event) => {
    if (event.key === 'Escape') setOpen(false);
  });
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const text = input.value.trim();
    input.value = '';
    if (typingSent) {
      typingSent = false;
      socket?.emit('chat.typing', { typing: false }, () => undefined);
    }
    void say(text);
  });
  leaveForm.addEventListener('submit', async (event) => {
    event.preventDefault();
    leaveSend.disabled = true;
    const ack = await emit('chat.leave-message', {
      name: leaveName.value.trim(),
      contact: leaveContact.value.trim(),
      text: leaveText.value.trim(),
    });
    leaveSend.disabled = false;
    if (ack.ok) {
      showNotice('');
      showStatus(ack.data);
    } else showNotice(ack.error.message);
  });
  input.addEventListener('input', () => {
    if (ended || typingSent === !!input.value || !socket?.connected) return;
    typingSent = !!input.value;
    socket.emit('chat.typing', { typing: typingSent }, () => undefined);
  });
  callMe.addEventListener('click', () => {
    callForm.hidden = !callForm.hidden;
    if (!callForm.hidden) callInput.focus();
  });
  callForm.addEventListener('submit', (event) => {
    event.preventDefault();
    void requestCallback(callInput.value.trim());
  });
  endButton.addEventListener('click', () => void emit('chat.end', {}).then((ack) => ack.ok && showStatus(ack.data)));
  restartButton.addEventListener('click', () => {
    localStorage.removeItem(STORAGE_KEY);
    socket?.disconnect();
    socket = null;
    transcript.replaceChildren();
    lines.clear();
    showStatus({ state: 'triage' });
    void connect();
  });
  document.addEventListener('visibilitychange', markRead);
  // A conversation in progress reopens by itself after a reload.
  if (localStorage.getItem(STORAGE_KEY)) setOpen(true);
})();
