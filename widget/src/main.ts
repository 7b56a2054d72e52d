/**
 * Entry of widget.js: finds its own script tag, installs `window.RelayDesk`
 * and, once the page has a body, the launcher and chat panel.
 */
import { createApi, type RelayDeskStub } from './api';
import { Chat, type MessageListener } from './chat';
import { findScriptTag, readConfig } from './config';

declare const __VERSION__: string;

function whenBodyReady(fn: () => void): void {
  if (document.body) fn();
  else document.addEventListener('DOMContentLoaded', fn, { once: true });
}

function start(): void {
  const w = window as unknown as { RelayDesk?: RelayDeskStub };
  const stub = w.RelayDesk;
  if (stub?.version) return; // loaded twice: the first copy stays in charge
  const script = findScriptTag();
  if (!script) {
    console.error('RelayDesk: cannot find the widget.js script tag');
    return;
  }
  const config = readConfig(script);
  const listeners = new Set<MessageListener>();
  const { api, attach, replay } = createApi(__VERSION__, listeners);
  w.RelayDesk = api;
  replay(stub?.q);
  whenBodyReady(() => {
    const host = document.createElement('div');
    host.id = 'relaydesk-widget';
    document.body.append(host);
    attach(new Chat(config, host, listeners));
  });
}

start();
