import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  CUSTOMER_SERVER_EVENT_NAMES,
  customerClientSchemas,
} from '@centralino/realtime/chat-events.contract';
import {
  OPERATOR_SERVER_EVENT_NAMES,
  operatorClientSchemas,
  SUPERVISOR_SERVER_EVENT_NAMES,
} from '@centralino/realtime/operator-events.contract';
import { WEB_PAGES, webPublicDir } from './web-pages';

const SOCKET_IO_EVENTS = new Set(['connect', 'disconnect', 'connect_error']);

function read(file: string): string {
  return readFileSync(join(webPublicDir(), file), 'utf8');
}

function listened(source: string): string[] {
  return [...source.matchAll(/socket\.on\('([^']+)'/g)]
    .map((match) => match[1]!)
    .filter((e) => !SOCKET_IO_EVENTS.has(e));
}

/**
 * The messages a page sends: every quoted `name.event` that is not something it only listens to. A name
 * used both ways (chat.read, chat.typing) counts when it is the first argument of a `send(`/`emit(` call.
 */
function sent(source: string, serverEvents: readonly string[]): string[] {
  const quoted = new Set([...source.matchAll(/'([a-z]+\.[a-z_-]+)'/g)].map((match) => match[1]!));
  const emitted = new Set(
    [...source.matchAll(/\b(?:send|emit)\('([a-z]+\.[a-z_-]+)'/g)].map((match) => match[1]!),
  );
  return [...quoted]
    .filter((name) => name !== 'centralino.console')
    .filter((name) => !serverEvents.includes(name) || emitted.has(name))
    .sort();
}

describe('the pages follow the realtime contract', () => {
  it('the console handles every server event of /operators and no other', () => {
    expect(listened(read('console.js')).sort()).toEqual([...OPERATOR_SERVER_EVENT_NAMES].sort());
  });

  it('the console sends exactly the messages the server validates', () => {
    // The chat desk is a module of the console.
    const source = read('console.js') + read('console-chat.js');
    expect(sent(source, OPERATOR_SERVER_EVENT_NAMES)).toEqual(Object.keys(operatorClientSchemas).sort());
  });

  it('the chat widget handles every server event of /chat and sends exactly the messages the server validates', () => {
    const source = read('chat-widget.js');
    expect(listened(source).sort()).toEqual([...CUSTOMER_SERVER_EVENT_NAMES].sort());
    expect(sent(source, CUSTOMER_SERVER_EVENT_NAMES)).toEqual(Object.keys(customerClientSchemas).sort());
  });

  it('the dashboard handles the /supervisors events', () => {
    expect(listened(read('dashboard.js')).sort()).toEqual([...SUPERVISOR_SERVER_EVENT_NAMES].sort());
  });

  it('never writes markup from data and loads no inline or third-party script', () => {
    for (const file of [
      'common.js',
      'console.js',
      'console-chat.js',
      'dashboard.js',
      'chat-widget.js',
      'inbox.js',
      'reports.js',
    ]) {
      expect(read(file)).not.toMatch(/innerHTML|outerHTML|insertAdjacentHTML|document\.write/);
    }
    for (const file of Object.values(WEB_PAGES)) {
      const html = read(file);
      const scripts = [...html.matchAll(/<script([^>]*)>([\s\S]*?)<\/script>/g)];
      expect(scripts.length).toBeGreaterThan(0);
      for (const [, attributes, body] of scripts) {
        expect(body!.trim()).toBe('');
        expect(attributes).toMatch(/src="\/(ui|socket\.io)\//);
      }
      expect(html).not.toMatch(/ on[a-z]+=/);
    }
  });

  it('labels every form control', () => {
    for (const file of Object.values(WEB_PAGES)) {
      const html = read(file);
      for (const [, id] of html.matchAll(/<(?:input|select|textarea)[^>]*\bid="([^"]+)"/g)) {
        expect(html).toContain(`<label for="${id}">`);
      }
    }
  });
});
