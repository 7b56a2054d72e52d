/* global document, EventSource, fetch, setTimeout, clearTimeout, URLSearchParams */
// The dev page's client: renders the chat the server streams (/api/events) and
// sends what the developer does as the customer (/api/messages, /api/press, /api/files).

const $ = (id) => document.getElementById(id);
const list = $('messages');
const status = $('bot-status');
const text = $('text');
/** Rendered messages by id, reused while their content is unchanged (images are not fetched again). */
const rendered = new Map();
let botName = 'Bot';
let typingTimer = null;

const events = new EventSource('/api/events');
events.addEventListener('open', () => setStatus('bot'));
events.addEventListener('error', () => setStatus('reconnecting…'));
events.addEventListener('chat', (e) => render(JSON.parse(e.data)));
events.addEventListener('typing', () => {
  // Telegram shows "typing…" for 5 seconds, or until the bot's next message.
  clearTimeout(typingTimer);
  setStatus('typing…', true);
  typingTimer = setTimeout(() => setStatus('bot'), 5000);
});
events.addEventListener('notice', (e) => toast(JSON.parse(e.data).text));

function setStatus(line, typing = false) {
  status.textContent = line;
  status.classList.toggle('typing', typing);
}

function render(state) {
  botName = state.bot.name;
  $('bot-name').textContent = `${state.bot.name} (@${state.bot.username})`;
  $('avatar').textContent = state.bot.name.slice(0, 1);
  $('customer-name').textContent = state.customer.name;
  renderMenu(state.commands);
  const before = list.children.length;
  const items = state.messages.map((m) => {
    const key = JSON.stringify(m);
    const cached = rendered.get(m.id);
    if (cached && cached.key === key) return cached.element;
    const element = messageElement(m);
    rendered.set(m.id, { key, element });
    return element;
  });
  list.replaceChildren(...items);
  $('empty').hidden = items.length > 0;
  if (items.length > before) {
    list.lastElementChild?.scrollIntoView({ block: 'end' });
    if (state.messages.at(-1)?.from === 'bot') {
      clearTimeout(typingTimer);
      setStatus('bot');
    }
  }
}

function messageElement(m) {
  const li = el('li', `message ${m.from}`);
  li.dataset.id = String(m.id);
  li.dataset.from = m.from;
  const bubble = el('div', 'bubble');
  bubble.setAttribute('aria-label', m.from === 'bot' ? botName : 'You');
  if (m.photo) bubble.append(image(m.photo.fileId, 'photo', m.photo));
  if (m.document) bubble.append(...documentParts(m.document));
  if (m.text !== null) bubble.append(formatted(m.text, m.entities));
  const time = new Date(m.date * 1000).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });
  bubble.append(el('span', 'meta', time));
  li.append(bubble);
  if (m.buttons.length > 0) li.append(keyboard(m));
  return li;
}

function image(fileId, alt, size) {
  const img = el('img');
  // Known dimensions reserve the space, so the list scrolls to where the image ends.
  if (size) Object.assign(img, { width: size.width, height: size.height });
  img.addEventListener('load', () => {
    if (img.closest('li') === list.lastElementChild) list.lastElementChild.scrollIntoView({ block: 'end' });
  });
  img.src = `/api/files/${encodeURIComponent(fileId)}`;
  img.alt = alt;
  return img;
}

function documentParts(doc) {
  const link = el('a', 'document', `${doc.name}${doc.size ? ` (${Math.ceil(doc.size / 1024)} KB)` : ''}`);
  link.href = `/api/files/${encodeURIComponent(doc.fileId)}?download`;
  return doc.mimeType?.startsWith('image/') ? [image(doc.fileId, doc.name), link] : [link];
}

function keyboard(m) {
  const box = el('div', 'keyboard');
  for (const row of m.buttons) {
    const line = el('div', 'row');
    for (const b of row) {
      if (b.url) {
        const a = el('a', '', `${b.text} ↗`);
        a.href = b.url;
        a.target = '_blank';
        a.rel = 'noopener noreferrer';
        line.append(a);
      } else {
        const button = el('button', '', b.text);
        button.type = 'button';
        button.dataset.callback = b.data ?? '';
        button.addEventListener('click', () => post('/api/press', { messageId: m.id, data: b.data }));
        line.append(button);
      }
    }
    box.append(line);
  }
  return box;
}

/** Text with its Telegram entities (bold, links, code…), built as DOM nodes: nothing is parsed as HTML. */
function formatted(value, entities) {
  const p = el('p');
  const cuts = new Set([0, value.length]);
  for (const e of entities) cuts.add(e.offset).add(e.offset + e.length);
  const points = [...cuts].sort((a, b) => a - b);
  for (let i = 0; i < points.length - 1; i++) {
    const [from, to] = [points[i], points[i + 1]];
    let node = document.createTextNode(value.slice(from, to));
    for (const e of entities.filter((x) => x.offset <= from && x.offset + x.length >= to)) node = wrap(node, e, value);
    p.append(node);
  }
  return p;
}

const TAGS = { bold: 'strong', italic: 'em', underline: 'u', strikethrough: 's', spoiler: 'mark', code: 'code', pre: 'pre', blockquote: 'blockquote' };

function wrap(node, entity, value) {
  if (entity.type === 'text_link' || entity.type === 'url') {
    const a = el('a');
    a.href = entity.url ?? value.slice(entity.offset, entity.offset + entity.length);
    a.target = '_blank';
    a.rel = 'noopener noreferrer';
    a.append(node);
    return a;
  }
  const tag = TAGS[entity.type];
  if (!tag) return node;
  const wrapper = el(tag);
  wrapper.append(node);
  return wrapper;
}

function renderMenu(commands) {
  const menu = $('menu');
  menu.replaceChildren(
    ...commands.map((c) => {
      const li = el('li');
      const button = el('button');
      button.type = 'button';
      button.append(el('span', 'command', `/${c.command}`), c.description);
      button.addEventListener('click', () => {
        toggleMenu(false);
        post('/api/messages', { text: `/${c.command}` });
      });
      li.append(button);
      return li;
    }),
  );
  $('menu-button').hidden = commands.length === 0;
}

function toggleMenu(open) {
  $('menu').hidden = !open;
  $('menu-button').setAttribute('aria-expanded', String(open));
}
$('menu-button').addEventListener('click', () => toggleMenu($('menu').hidden));

$('composer').addEventListener('submit', (e) => {
  e.preventDefault();
  const value = text.value;
  if (value.trim() === '') return;
  text.value = '';
  post('/api/messages', { text: value });
});
text.addEventListener('keydown', (e) => {
  if (e.key === 'Enter' && !e.shiftKey) {
    e.preventDefault();
    $('composer').requestSubmit();
  }
});

for (const [id, as] of [['photo', 'photo'], ['file', 'document']]) {
  $(id).addEventListener('change', async (e) => {
    const input = e.target;
    const file = input.files?.[0];
    input.value = '';
    if (!file) return;
    const caption = text.value.trim();
    text.value = '';
    const query = new URLSearchParams({ name: file.name, as, ...(caption ? { caption } : {}) });
    await send(`/api/files?${query}`, { method: 'POST', headers: { 'content-type': file.type || 'application/octet-stream' }, body: file });
  });
}

function post(path, body) {
  return send(path, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
}

async function send(path, init) {
  try {
    const res = await fetch(path, init);
    if (!res.ok) toast(`Not sent: ${(await res.json()).error}`);
  } catch (error) {
    toast(`Not sent: ${error.message}`);
  }
}

function toast(message) {
  const box = $('toast');
  box.textContent = message;
  box.hidden = false;
  setTimeout(() => {
    box.hidden = true;
  }, 4000);
}

function el(tag, className = '', content = '') {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (content) node.textContent = content;
  return node;
}
