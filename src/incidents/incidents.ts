/**
 * What agents do to mass incidents: declare or promote one, link and unlink
 * customers' requests, post updates, change its status. Each change is made by
 * the incident store in one transaction, then announced (GatewayEvents, which
 * the agent relay turns into `/agents` events) and handed to the IncidentWorker:
 * an update's fan-out and a status change's cascade run in the background, in
 * batches, and survive a restart.
 */
import { incidentUpdateText, type Locale } from '../conversation/index.js';
import type { GatewayEvents } from '../gateway/gateway-events.js';
import { StoreError } from '../requests/request-store.port.js';
import type { RequestStatus } from '../requests/request.types.js';
import type { IncidentDirectory } from './incident-directory.js';
import type { IncidentStore } from './incident-store.port.js';
import type { IncidentDetail, IncidentRecord, IncidentUpdateRecord } from './incident.types.js';

/** Stands for each linked customer's own request number in a stored update (sql.incident-statements.ts FANOUT_BATCH). */
export const REQUEST_NUMBER_MARK = '\uE000';

export interface IncidentServiceDeps {
  store: IncidentStore;
  directory: IncidentDirectory;
  events: GatewayEvents;
  /** Starts the background work now (a fan-out or a cascade is waiting). */
  kick: () => void;
  clock: () => Date;
}

export class IncidentService {
  constructor(private readonly deps: IncidentServiceDeps) {}

  async declare(input: { title: string; description: string; titles: Partial<Record<Locale, string>>; agentId: string }): Promise<IncidentDetail> {
    const incident = await this.deps.store.declare({ ...input, at: this.deps.clock() });
    return this.changed(incident.number);
  }

  async promote(number: string, agentId: string): Promise<IncidentDetail> {
    const incident = await this.deps.store.promote({ number, agentId, at: this.deps.clock() });
    this.deps.events.emit('incident_linked', { incidentNumber: incident.number, requestNumbers: [number] });
    return this.changed(incident.number);
  }

  get(number: string): Promise<IncidentDetail | null> {
    return this.deps.store.get(number);
  }

  list(status: 'open' | 'all' | RequestStatus, limit = 200): Promise<IncidentRecord[]> {
    return this.deps.store.list({ status, limit });
  }

  async link(incidentNumber: string, numbers: string[], agentId: string): Promise<{ linked: string[]; alreadyLinked: string[]; incident: IncidentDetail }> {
    const result = await this.deps.store.link({ incidentNumber, numbers, agentId, at: this.deps.clock() });
    const incident = await this.changed(incidentNumber);
    if (result.linked.length) this.deps.events.emit('incident_linked', { incidentNumber: incident.number, requestNumbers: result.linked });
    return { ...result, incident };
  }

  async unlink(incidentNumber: string, number: string, agentId: string): Promise<void> {
    await this.deps.store.unlink({ incidentNumber, number, agentId, reason: 'agent', at: this.deps.clock() });
    const incident = await this.changed(incidentNumber);
    this.deps.events.emit('incident_unlinked', { incidentNumber: incident.number, requestNumber: number.toUpperCase(), reason: 'agent' });
  }

  /** Posts an update (fanned out to every linked request not closed) or an internal note. */
  async postUpdate(incidentNumber: string, input: { text: string; internal: boolean; agentId: string }): Promise<IncidentUpdateRecord> {
    const incident = await this.deps.store.get(incidentNumber);
    if (!incident) throw new StoreError('not_found', `incident ${incidentNumber} does not exist`);
    // The customer's own number goes where the mark is; a mark typed by the agent is dropped.
    const text = input.text.replaceAll(REQUEST_NUMBER_MARK, '');
    const texts = {
      ru: incidentUpdateText('ru', { incidentNumber: incident.number, title: incident.titles.ru, requestNumber: REQUEST_NUMBER_MARK, text }),
      en: incidentUpdateText('en', { incidentNumber: incident.number, title: incident.titles.en, requestNumber: REQUEST_NUMBER_MARK, text }),
    };
    const update = await this.deps.store.postUpdate({ incidentNumber: incident.number, text, internal: input.internal, texts, agentId: input.agentId, at: this.deps.clock() });
    await this.changed(incident.number);
    if (!update.internal) this.deps.kick();
    return update;
  }

  /** Moves the incident along the status graph; a solution or a close cascades to the linked requests (IncidentWorker). */
  async changeStatus(incidentNumber: string, input: { to: RequestStatus; comment: string | null; agentId: string }): Promise<IncidentDetail> {
    await this.deps.store.changeStatus({ number: incidentNumber, to: input.to, comment: input.comment, agentId: input.agentId, at: this.deps.clock() });
    const incident = await this.changed(incidentNumber);
    this.deps.kick();
    return incident;
  }

  /** The incident as it is now, announced; the intake's offer is read again. */
  private async changed(number: string): Promise<IncidentDetail> {
    this.deps.directory.invalidate();
    const incident = await this.deps.store.get(number);
    if (!incident) throw new StoreError('not_found', `incident ${number} does not exist`);
    this.deps.events.emit('incident_changed', { incidentNumber: incident.number });
    return incident;
  }
}
