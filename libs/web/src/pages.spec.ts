import { readFileSync } from 'node:fs';
import { join } from 'node:path';
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

describe('the pages follow the realtime contract', () => {
  it('the console handles every server event of /operators and no other', () => {
    expect(listened(read('console.js')).sort()).toEqual([...OPERATOR_SERVER_EVENT_NAMES].sort());
  });

  it('the console sends exactly the messages the server validates', () => {
    const source = read('console.js');
    const names = new Set([...source.matchAll(/'([a-z]+\.[a-z_]+)'/g)].map((match) => match[1]!));
    const sent = [...names].filter(
      (name) =>
        name !== 'centralino.console' && !(OPERATOR_SERVER_EVENT_NAMES as readonly string[]).includes(name),
    );
    expect(sent.sort()).toEqual(Object.keys(operatorClientSchemas).sort());
  });

  it('the dashboard handles the /supervisors events', () => {
    expect(listened(read('dashboard.js')).sort()).toEqual([...SUPERVISOR_SERVER_EVENT_NAMES].sort());
  });

  it('never writes markup from data and loads no inline or third-party script', () => {
    for (const file of ['common.js', 'console.js', 'dashboard.js', 'reports.js']) {
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
