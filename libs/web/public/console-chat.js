// The console's chat desk: one panel per web chat the operator has, with the whole transcript (the bot's
// questions included), typing indicator, read receipts, a composer and a Close button. Lines are plain
// text and are only ever written with textContent. Events: docs/chat.md and docs/realtime.md.

/**
 * @param {{ container: HTMLElement, send: (event: string, payload: unknown) => Promise<any>, log: (text: string) => void }} deps
 */
export function createChatDesk({ container, send, log }) {
  /** contactId -> { panel, list, typing, input, lines: Map<id, li>, ended } */
  const chats = new Map();
  let counter = 0;

  function element(tag, className, text) {
    const node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined) node.textContent = text;
    return node;
  }

  function render() {
    container.hidden = chats.size === 0;
  }

  function addLine(chat, line) {
    if (chat.lines.has(line.id)) return;
    const item = element('li', `chat-line chat-${line.author}`);
    item.dataset.messageId = line.id;
    const who = line.author === 'operator' ? line.operatorName || 'You' : line.author === 'bot' ? 'Bot' : 'Customer';
    item.append(element('span', 'chat-who', `${who} · ${new Date(line.at).toLocaleTimeString()}`));
    item.append(element('p', 'chat-text', line.text));
    if (line.author === 'operator') item.append(element('span', 'chat-receipt', line.readAt ? 'Read' : 'Sent'));
    chat.list.append(item);
    chat.lines.set(line.id, item);
    chat.list.scrollTop = chat.list.scrollHeight;
  }

  async function markRead(contactId) {
    const chat = chats.get(contactId);
    if (!chat || chat.ended || document.hidden) return;
    const last = [...chat.lines.values()].filter((item) => item.classList.contains('chat-customer')).at(-1);
    if (!last || last.dataset.read) return;
    last.dataset.read = '1';
    await send('chat.read', { contactId, upTo: last.dataset.messageId });
  }

  function open(contact) {
    if (chats.has(contact.contactId)) return;
    const panel = element('section', 'panel chat');
    panel.dataset.contactId = contact.contactId;
    const titleId = `chat-title-${++counter}`;
    const title = element('h2', '', `Chat with ${contact.caller || 'a customer'}`);
    title.id = titleId;
    panel.setAttribute('aria-labelledby', titleId);
    const list = element('ol', 'chat-transcript');
    list.setAttribute('aria-live', 'polite');
    const typing = element('p', 'muted chat-typing', 'The customer is typing…');
    typing.hidden = true;
    const notice = element('p', 'chat-notice');
    notice.hidden = true;
    const form = element('form', 'chat-composer');
    const inputId = `chat-input-${counter}`;
    const label = element('label', 'visually-hidden', 'Message to the customer');
    label.htmlFor = inputId;
    const input = element('textarea');
    input.id = inputId;
    input.rows = 2;
    input.maxLength = 2000;
    const sendButton = element('button', 'primary', 'Send');
    sendButton.type = 'submit';
    const close = element('button', '', 'Close chat');
    close.type = 'button';
    form.append(label, input, sendButton, close);
    panel.append(title, list, typing, notice, form);
    container.append(panel);
    const chat = { panel, list, typing, notice, input, lines: new Map(), ended: false, typingSent: false };
    chats.set(contact.contactId, chat);
    render();

    form.addEventListener('submit', (event) => {
      event.preventDefault();
      const text = input.value.trim();
      if (!text || chat.ended) return;
      input.value = '';
      void stopTyping(contact.contactId);
      void send('chat.send', { contactId: contact.contactId, clientId: `o${Date.now()}-${++counter}`, text }).then(
        (ack) => {
          if (ack.ok) addLine(chat, ack.data);
          else input.value = text;
        },
      );
    });
    input.addEventListener('keydown', (event) => {
      if (event.key === 'Enter' && !event.shiftKey) {
        event.preventDefault();
        form.requestSubmit();
      }
    });
    input.addEventListener('input', () => {
      if (chat.ended || chat.typingSent === !!input.value) return;
      chat.typingSent = !!input.value;
      void send('chat.typing', { contactId: contact.contactId, typing: chat.typingSent });
    });
    input.addEventListener('focus', () => void markRead(contact.contactId));
    close.addEventListener('click', () => {
      void send('chat.close', { contactId: contact.contactId }).then((ack) => {
        if (ack.ok) end(contact.contactId);
      });
    });

    void send('chat.transcript', { contactId: contact.contactId }).then((ack) => {
      if (!ack.ok) return;
      for (const line of ack.data) addLine(chat, line);
    });
    log(`Chat with ${contact.caller || 'a customer'} opened`);
  }

  async function stopTyping(contactId) {
    const chat = chats.get(contactId);
    if (!chat?.typingSent) return;
    chat.typingSent = false;
    await send('chat.typing', { contactId, typing: false });
  }

  function end(contactId) {
    const chat = chats.get(contactId);
    if (!chat || chat.ended) return;
    chat.ended = true;
    chat.input.disabled = true;
    for (const button of chat.panel.querySelectorAll('button')) button.disabled = true;
    chat.panel.classList.add('ended');
    // Kept on screen for the wrap-up, then removed.
    setTimeout(() => {
      chat.panel.remove();
      chats.delete(contactId);
      render();
    }, 15_000);
  }

  return {
    /** A contact is connected to this operator: a chat gets its panel. */
    onConnected(contact) {
      if (contact.channel === 'chat') open(contact);
    },
    onEnded({ contactId }) {
      end(contactId);
    },
    onMessage({ contactId, message }) {
      const chat = chats.get(contactId);
      if (!chat) return;
      addLine(chat, message);
      chat.typing.hidden = true;
      if (document.activeElement === chat.input) void markRead(contactId);
    },
    onTyping({ contactId, typing }) {
      const chat = chats.get(contactId);
      if (chat) chat.typing.hidden = !typing;
    },
    onRead({ contactId, messageIds }) {
      const chat = chats.get(contactId);
      if (!chat) return;
      for (const id of messageIds) {
        const receipt = chat.lines.get(id)?.querySelector('.chat-receipt');
        if (receipt) receipt.textContent = 'Read';
      }
    },
    onCustomerLeft({ contactId }) {
      const chat = chats.get(contactId);
      if (!chat) return;
      chat.notice.textContent = 'The customer has left the chat. You can close it.';
      chat.notice.hidden = false;
      log('A chat customer left');
    },
  };
}
