import type {
  AccountPatch,
  AgentRole,
  AgentView,
  AttachmentView,
  CannedResponseView,
  ChannelStatusView,
  DeskSettings,
  DraftView,
  IncidentDetailView,
  IncidentUpdateView,
  IncidentView,
  MessageView,
  RequestPage,
  RequestListItem,
  RequestQuery,
  RequestStatus,
  RequestView,
  SessionView,
} from './types.js';

/** A failed API call: the HTTP status, the catalogue's `code` (`network` when the server was not reached). */
export class ApiError extends Error {
  override readonly name = 'ApiError';
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    /** Seconds from a 429's Retry-After header. */
    readonly retryAfter: number | null = null,
  ) {
    super(message);
  }
}

let csrfToken = '';
let onUnauthorized: () => void = () => undefined;

/** Remembers the session's CSRF token, sent with every call that changes something. */
export function setCsrfToken(token: string): void {
  csrfToken = token;
}

/** Called when an authenticated call answers 401: the session ended or was revoked. */
export function setUnauthorizedHandler(fn: () => void): void {
  onUnauthorized = fn;
}

/** A JSON body, or a FormData sent as multipart/form-data (the browser sets the boundary). */
async function call<T>(method: string, path: string, body?: unknown, auth = true): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json' };
  const form = typeof FormData !== 'undefined' && body instanceof FormData;
  if (body !== undefined && !form) headers['content-type'] = 'application/json';
  if (method !== 'GET' && csrfToken) headers['x-csrf-token'] = csrfToken;
  let res: Response;
  try {
    res = await fetch(path, { method, headers, credentials: 'same-origin', body: body === undefined ? null : form ? body : JSON.stringify(body) });
  } catch (error) {
    throw new ApiError(0, 'network', error instanceof Error ? error.message : String(error));
  }
  if (res.status === 204) return undefined as T;
  const data = (await res.json().catch(() => null)) as unknown;
  if (res.ok) return data as T;
  const err = (data as { error?: { code?: string; message?: string } } | null)?.error;
  const retry = Number(res.headers.get('retry-after'));
  const error = new ApiError(res.status, err?.code ?? `http_${res.status}`, err?.message ?? res.statusText, Number.isFinite(retry) && retry > 0 ? retry : null);
  if (res.status === 401 && auth) onUnauthorized();
  throw error;
}

const enc = encodeURIComponent;

/** `GET /api/channels`: the channels reporting a connection, and the names of those this gateway runs at all. */
export interface ChannelList {
  channels: ChannelStatusView[];
  /** `webchat`, `telegram`, `whatsapp`: one not listed is not configured on this gateway. */
  configured: string[];
}

export interface OutgoingMessage {
  text: string;
  internal: boolean;
  attachmentIds: string[];
}

/** The body of POST /messages: `text` left out when empty (the API refuses an empty one), images only on replies. */
export function messageBody({ text, internal, attachmentIds }: OutgoingMessage): { text?: string; internal: boolean; attachmentIds?: string[] } {
  const trimmed = text.trim();
  return {
    ...(trimmed ? { text: trimmed } : {}),
    internal,
    ...(!internal && attachmentIds.length > 0 ? { attachmentIds } : {}),
  };
}

function query(q: RequestQuery): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(q)) if (value !== undefined && value !== '') params.set(key, String(value));
  const s = params.toString();
  return s ? `?${s}` : '';
}

/** `POST /api/incidents`: per-language titles left out fall back to `title`. */
export interface NewIncident {
  title: string;
  description: string;
  titles: { ru?: string; en?: string };
}

/** `POST /api/incidents/:number/requests`. */
export interface LinkResult {
  linked: string[];
  alreadyLinked: string[];
  incident: IncidentDetailView;
}

/** The console's calls of the agent API (src/console/console.api.ts). */
export const api = {
  login: (email: string, password: string) => call<SessionView>('POST', '/api/auth/login', { email, password }, false),
  logout: () => call<void>('POST', '/api/auth/logout', undefined, false),
  me: () => call<SessionView>('GET', '/api/auth/me', undefined, false),

  listRequests: (q: RequestQuery) => call<RequestPage>('GET', `/api/requests${query(q)}`),
  getRequest: (number: string) => call<RequestView>('GET', `/api/requests/${enc(number)}`),
  markRead: (number: string) => call<void>('POST', `/api/requests/${enc(number)}/read`),
  /** A reply (text, images or both) or an internal note (text only). */
  sendMessage: (number: string, m: OutgoingMessage) => call<MessageView>('POST', `/api/requests/${enc(number)}/messages`, messageBody(m)),
  /** Uploads an image to send with a reply: 201 with the attachment; 413 too large, 415 not an image. */
  uploadAttachment: (number: string, file: Blob, fileName: string) => {
    const form = new FormData();
    form.append('file', file, fileName);
    return call<AttachmentView>('POST', `/api/requests/${enc(number)}/attachments`, form);
  },
  changeStatus: (number: string, status: RequestStatus, comment: string | null) =>
    call<RequestView>('POST', `/api/requests/${enc(number)}/status`, comment === null ? { status } : { status, comment }),
  assign: (number: string, agentId: string | null) => call<RequestView>('POST', `/api/requests/${enc(number)}/assign`, { agentId }),

  cannedResponses: () => call<{ cannedResponses: CannedResponseView[] }>('GET', '/api/canned-responses'),
  createCannedResponse: (title: string, text: string) => call<CannedResponseView>('POST', '/api/canned-responses', { title, text }),
  deleteCannedResponse: (id: string) => call<void>('DELETE', `/api/canned-responses/${enc(id)}`),

  agents: () => call<{ agents: AgentView[] }>('GET', '/api/agents'),
  createAgent: (a: { email: string; name: string; password: string; role: AgentRole }) => call<AgentView>('POST', '/api/agents', a),
  updateAgent: (id: string, patch: { name?: string; role?: AgentRole; active?: boolean; password?: string }) =>
    call<AgentView>('PATCH', `/api/agents/${enc(id)}`, patch),

  /** Admins only: each channel's connection, with WhatsApp's pairing QR code while it waits for a scan. */
  channels: () => call<ChannelList>('GET', '/api/channels'),

  settings: () => call<DeskSettings>('GET', '/api/settings'),
  /** Admins only; answers every setting. */
  updateSettings: (patch: Partial<DeskSettings>) => call<DeskSettings>('PATCH', '/api/settings', patch),

  /** The signed-in agent's own password, console language or presence (403: wrong current password); resolves to the agent as changed. */
  updateMe: async (patch: AccountPatch) => (await call<SessionView>('PATCH', '/api/auth/me', patch)).agent,

  /** Mass incidents, newest first: `open` (not solved or closed) or `all`. */
  incidents: (status: 'open' | 'all') => call<{ incidents: IncidentView[] }>('GET', `/api/incidents?status=${status}`),
  getIncident: (number: string) => call<IncidentDetailView>('GET', `/api/incidents/${enc(number)}`),
  declareIncident: (body: NewIncident) => call<IncidentDetailView>('POST', '/api/incidents', body),
  /** A new incident from the request's subject and description, the request linked to it (409: linked or an incident already). */
  promote: (number: string) => call<IncidentDetailView>('POST', `/api/requests/${enc(number)}/promote`),
  /** All or none: 409 when one is linked to another incident, 422 for a closed request or an incident, 404 for an unknown one. */
  linkRequests: (incident: string, numbers: string[]) => call<LinkResult>('POST', `/api/incidents/${enc(incident)}/requests`, { numbers }),
  unlinkRequest: (incident: string, number: string) => call<void>('DELETE', `/api/incidents/${enc(incident)}/requests/${enc(number)}`),
  /** A public update to every linked customer, or an internal note; answers once it is stored (the fan-out goes on in the background). */
  postIncidentUpdate: (incident: string, text: string, internal: boolean) =>
    call<{ recipients: number; update: IncidentUpdateView }>('POST', `/api/incidents/${enc(incident)}/updates`, { text, internal }),
  /** `solution_provided` needs the comment: it is the solution every linked customer gets. */
  changeIncidentStatus: (incident: string, status: RequestStatus, comment: string | null) =>
    call<IncidentDetailView>('POST', `/api/incidents/${enc(incident)}/status`, comment === null ? { status } : { status, comment }),

  /** Intakes in progress. */
  drafts: () => call<{ drafts: DraftView[] }>('GET', '/api/drafts'),
  /** Creates the request from what the customer gave so far, assigned to the caller (404: no intake any more, 409: being created). */
  takeOver: (customerId: string) => call<{ request: RequestListItem }>('POST', `/api/drafts/${enc(customerId)}/take-over`),
};
