import { Injectable } from '@nestjs/common';
import { ConnectionRegistry } from '../../stream/connection-registry.js';
import { SubscriberDirectory, type ConnectedAgent } from './subscriber-directory.js';

/** The agents panel's view of the stream's connection registry, without the admin pages' own streams. */
@Injectable()
export class RegistrySubscriberDirectory extends SubscriberDirectory {
  constructor(private readonly registry: ConnectionRegistry) {
    super();
  }

  list(): ConnectedAgent[] {
    return this.registry
      .list()
      .filter((c) => !c.adminUi)
      .map((c) => ({
        id: c.id,
        agent: c.agent || null,
        address: c.remoteAddress,
        connectedAt: c.connectedSince,
        lastRevision: c.lastRevision,
        label: c.label,
        coveredRevision: c.coveredRevision,
        pendingBytes: c.pendingBytes,
      }));
  }
}
