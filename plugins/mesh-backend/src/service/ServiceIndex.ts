import type { MeshService } from '@meshport/backstage-plugin-mesh-common';
import { serviceId } from '@meshport/backstage-plugin-mesh-common';
import { TrigramIndex } from './TrigramIndex';

/** Joins one service's search values: no value holds it, so a match cannot span two. */
export const SEARCH_SEPARATOR = '\u0000';

/**
 * The services of one fleet with what reads look up, built once when the fleet is published
 * rather than once per request (0.4–0.8 s at 50,000 services). Its owner replaces it with
 * the fleet; nothing in it changes afterwards.
 */
export class ServiceIndex {
  /** Positions in `services`, per namespace. */
  readonly byNamespace = new Map<string, number[]>();
  /**
   * Lower-cased id, owner and workload names of each service, joined by the separator: what
   * text search reads.
   */
  readonly text: string[];
  /** Narrows a search of three or more characters to the services holding its trigrams. */
  readonly trigrams: TrigramIndex;
  private readonly byId = new Map<string, MeshService>();

  constructor(readonly services: readonly MeshService[]) {
    this.text = services.map(s => searchValues(s).join(SEARCH_SEPARATOR));
    this.trigrams = new TrigramIndex(this.text);
    services.forEach((s, i) => {
      this.byId.set(s.id, s);
      const list = this.byNamespace.get(s.namespace);
      if (list) list.push(i);
      else this.byNamespace.set(s.namespace, [i]);
    });
  }

  /** The service `namespace/name`, if the fleet has it. */
  get(namespace: string, name: string): MeshService | undefined {
    return this.byId.get(serviceId(namespace, name));
  }
}

/** What text search matches a service by, lower-cased: its id, owner and workload names. */
export function searchValues(service: MeshService): string[] {
  return [
    service.id,
    service.owner ?? '',
    ...service.instances.flatMap(i => i.workloads.map(w => w.name)),
  ].map(value => value.toLowerCase());
}
