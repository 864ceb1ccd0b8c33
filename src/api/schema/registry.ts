/**
 * The registry of every schema definition peapod serves, and lookups over it.
 */
import { clusterDefinitions } from './core-cluster.js';
import { configDefinitions } from './core-config.js';
import { containerDefinitions } from './core-container.js';
import { endpointsDefinitions } from './endpoints.js';
import { podDefinitions } from './core-pod.js';
import { volumeDefinitions } from './core-volume.js';
import { metaDefinitions } from './meta.js';
import type { Definition, DefinitionSet, Field } from './types.js';
import { workloadDefinitions } from './workloads.js';

/** Every definition, by full OpenAPI-style name (`io.k8s.api.core.v1.Pod`). Frozen. */
export const definitions: DefinitionSet = Object.freeze({
  ...metaDefinitions,
  ...containerDefinitions,
  ...volumeDefinitions,
  ...podDefinitions,
  ...clusterDefinitions,
  ...configDefinitions,
  ...workloadDefinitions,
  ...endpointsDefinitions,
});

/** A named definition. */
export interface NamedDefinition {
  name: string;
  definition: Definition;
}

/**
 * The top-level definition serving `group`/`version`/`kind` (group `""` for core),
 * e.g. `schemaForKind('apps', 'v1', 'Deployment')`; undefined for kinds peapod has no schema for.
 */
export function schemaForKind(group: string, version: string, kind: string): NamedDefinition | undefined {
  for (const [name, definition] of Object.entries(definitions)) {
    if (definition.gvk?.some((g) => g.group === group && g.version === version && g.kind === kind)) {
      return { name, definition };
    }
  }
  return undefined;
}

/** The definition called `name`; throws `Error` for unknown names (a schema bug, not a user error). */
export function getDefinition(name: string): Definition {
  const d = definitions[name];
  if (!d) throw new Error(`schema: unknown definition ${name}`);
  return d;
}

const flatCache = new Map<string, Record<string, Field>>();

/**
 * The JSON properties of a definition with inline-embedded structs flattened in,
 * as the JSON encoding sees them (e.g. Volume's `hostPath` from VolumeSource).
 */
export function jsonProperties(name: string): Record<string, Field> {
  const hit = flatCache.get(name);
  if (hit) return hit;
  const def = getDefinition(name);
  let props: Record<string, Field> = {};
  for (const e of def.embeds ?? []) props = { ...props, ...jsonProperties(e.ref) };
  props = { ...props, ...def.properties };
  flatCache.set(name, props);
  return props;
}

/** Short Go-style type name of a definition: the last dot-segment (`PodSpec`). */
export function shortName(name: string): string {
  return name.slice(name.lastIndexOf('.') + 1);
}

/** Names of all definitions reachable from `roots` through refs and embeds (roots included). */
export function reachableDefinitions(roots: readonly string[]): string[] {
  const seen = new Set<string>();
  const visitField = (f: Field): void => {
    if (f.type === 'ref') visit(f.ref);
    else if (f.type === 'array') visitField(f.items);
    else if (f.type === 'map') visitField(f.values);
    else if (f.type === 'object') for (const p of Object.values(f.properties ?? {})) visitField(p);
  };
  const visit = (name: string): void => {
    if (seen.has(name)) return;
    seen.add(name);
    const d = getDefinition(name);
    for (const e of d.embeds ?? []) visit(e.ref);
    for (const f of Object.values(d.properties)) visitField(f);
  };
  for (const r of roots) visit(r);
  return [...seen];
}
