import { useEffect, useState } from 'preact/hooks';

/** Screens without a parameter, each at /console/<name>. */
export const PAGES = ['agents', 'channels', 'settings', 'account', 'drafts', 'incidents'] as const;
export type PageName = (typeof PAGES)[number];

/** The console's screens; the path is the state (deep links and the back button work). */
export type Route = { name: 'list' } | { name: 'request'; number: string } | { name: 'incident'; number: string } | { name: PageName };

export const BASE = '/console';

export function parseRoute(pathname: string): Route {
  const rest = pathname.startsWith(BASE) ? pathname.slice(BASE.length) : pathname;
  const request = /^\/requests\/([^/]+)\/?$/.exec(rest);
  if (request?.[1]) return { name: 'request', number: decodeURIComponent(request[1]) };
  const incident = /^\/incidents\/([^/]+)\/?$/.exec(rest);
  if (incident?.[1]) return { name: 'incident', number: decodeURIComponent(incident[1]) };
  const page = /^\/([a-z]+)\/?$/.exec(rest)?.[1];
  const known = PAGES.find((p) => p === page);
  return known ? { name: known } : { name: 'list' };
}

export function routePath(route: Route): string {
  switch (route.name) {
    case 'request':
      return `${BASE}/requests/${encodeURIComponent(route.number)}`;
    case 'incident':
      return `${BASE}/incidents/${encodeURIComponent(route.number)}`;
    case 'list':
      return BASE;
    default:
      return `${BASE}/${route.name}`;
  }
}

const listeners = new Set<() => void>();

export function navigate(path: string, replace = false): void {
  if (path === location.pathname) return;
  if (replace) history.replaceState(null, '', path);
  else history.pushState(null, '', path);
  for (const fn of listeners) fn();
}

/** The current route, re-rendering on navigate() and on the browser's back/forward. */
export function useRoute(): Route {
  const [route, setRoute] = useState(() => parseRoute(location.pathname));
  useEffect(() => {
    const update = () => setRoute(parseRoute(location.pathname));
    listeners.add(update);
    addEventListener('popstate', update);
    return () => {
      listeners.delete(update);
      removeEventListener('popstate', update);
    };
  }, []);
  return route;
}

/** onClick of an in-app link: a plain click navigates in place; modified clicks (new tab) are left to the browser. */
export function followLink(event: MouseEvent): void {
  if (event.defaultPrevented || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
  const href = (event.currentTarget as HTMLAnchorElement).getAttribute('href');
  if (!href) return;
  event.preventDefault();
  navigate(href);
}
