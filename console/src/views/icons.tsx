/** Small inline icons (no icon font, nothing fetched). Decorative: the text beside them carries the meaning. */
const PATHS: Record<string, string> = {
  webchat: 'M4 4h16v11H8l-4 4z',
  telegram: 'M3 11.5 21 4l-3 16-6-5-3 4v-6l9-8-11 7z',
  whatsapp: 'M12 3a9 9 0 0 0-7.8 13.5L3 21l4.6-1.2A9 9 0 1 0 12 3zm-3 5c.5 0 .8 2 .8 2L9 11.3a7 7 0 0 0 3.7 3.7l1.3-.8s2 .3 2 .8-1 2-2.3 2A8 8 0 0 1 7 9.3C7 8 8.5 8 9 8z',
  back: 'M15 5l-7 7 7 7',
  search: 'M10.5 4a6.5 6.5 0 1 0 4 11.6L20 21l1-1-5.4-5.5A6.5 6.5 0 0 0 10.5 4zm0 2a4.5 4.5 0 1 1 0 9 4.5 4.5 0 0 1 0-9z',
  warning: 'M12 3 2 20h20zm-1 6h2v6h-2zm0 7h2v2h-2z',
  caret: 'M7 10l5 5 5-5',
  image: 'M3 5h18v14H3zM5 7v10h14V7zm2 9 3-4 2 2.5 2-1.5 3 3zm8-8a1.5 1.5 0 1 0 0 3 1.5 1.5 0 0 0 0-3z',
  copy: 'M8 3h11v13h-3v-2h1V5h-7v1H8zM4 8h11v13H4zm2 2v9h7v-9z',
  incident: 'M13 2 4 14h7l-1 8 9-12h-7z',
  user: 'M12 4a4 4 0 1 0 0 8 4 4 0 0 0 0-8zM4 20c0-4 3.6-6 8-6s8 2 8 6z',
};

/** Drawn with a line rather than filled. */
const STROKED = new Set(['back', 'caret']);

export function Icon({ name, class: className }: { name: string; class?: string }) {
  const stroke = STROKED.has(name);
  return (
    <svg class={`icon ${className ?? ''}`} viewBox="0 0 24 24" width="16" height="16" aria-hidden="true" focusable="false">
      <path
        d={PATHS[name] ?? PATHS.webchat}
        fill={stroke ? 'none' : 'currentColor'}
        stroke={stroke ? 'currentColor' : 'none'}
        stroke-width={stroke ? 2.2 : 0}
        stroke-linecap="round"
        stroke-linejoin="round"
        fill-rule="evenodd"
      />
    </svg>
  );
}
