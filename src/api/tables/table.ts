/**
 * Server-side Table printing (meta.k8s.io/v1 Table), as the apiserver answers
 * `Accept: application/json;as=Table;v=v1;g=meta.k8s.io`: column definitions
 * (empty for `noHeaders`, as in watch events after the first), one row per
 * object with cells and the row object (PartialObjectMetadata by default,
 * the full object for `includeObject=Object`, none for `None`).
 */
import type { CoreEvent, KubeObject, Lease, Namespace, Node, Pod } from '../types.js';
import { columnsFor } from './columns.js';
import { printEndpointSlice, printEndpoints } from './endpoints.js';
import { printPod } from './pods.js';
import {
  printConfigMap, printDeployment, printEvent, printGeneric, printLease, printNamespace, printNode, printReplicaSet, printSecret, printService,
} from './printers.js';
import type { PrintedRow, Table, TableRow } from './types.js';

export { columnsFor };

/** The `includeObject` query parameter. */
export type IncludeObject = 'None' | 'Metadata' | 'Object';

type Printer = (obj: KubeObject, now: number) => PrintedRow;

const PRINTERS: Record<string, Printer> = {
  pods: (o, n) => printPod(o as Pod, n),
  nodes: (o, n) => printNode(o as Node, n),
  namespaces: (o, n) => printNamespace(o as Namespace, n),
  events: (o, n) => printEvent(o as CoreEvent, n),
  leases: (o, n) => printLease(o as Lease, n),
  deployments: printDeployment,
  replicasets: printReplicaSet,
  configmaps: printConfigMap,
  secrets: printSecret,
  services: printService,
  endpoints: printEndpoints,
  endpointslices: printEndpointSlice,
};

/** Cells (and row conditions) for one object of `resource`; `now` in ms since the epoch. */
export function rowFor(resource: string, obj: KubeObject, now: number = Date.now()): PrintedRow {
  return (PRINTERS[resource] ?? printGeneric)(obj, now);
}

/** Options for {@link buildTable}. `now` (ms since the epoch, or a Date) defaults to the current time. */
export interface BuildTableOptions {
  includeObject?: IncludeObject;
  resourceVersion?: string;
  continue?: string;
  remainingItemCount?: number;
  noHeaders?: boolean;
  now?: number | Date;
}

function rowObject(obj: KubeObject, include: IncludeObject): TableRow['object'] {
  if (include === 'None') return undefined;
  if (include === 'Object') return obj;
  return { kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata: obj.metadata };
}

/** A complete Table for `objs` of `resource` (a single get is a one-row Table). */
export function buildTable(resource: string, objs: KubeObject[], opts: BuildTableOptions = {}): Table {
  const now = opts.now instanceof Date ? opts.now.getTime() : (opts.now ?? Date.now());
  const include = opts.includeObject ?? 'Metadata';
  const rows = objs.map((o): TableRow => {
    const printed = rowFor(resource, o, now);
    const row: TableRow = { cells: printed.cells };
    if (printed.conditions) row.conditions = printed.conditions;
    const object = rowObject(o, include);
    if (object) row.object = object;
    return row;
  });
  const metadata: Table['metadata'] = {};
  if (opts.resourceVersion !== undefined) metadata.resourceVersion = opts.resourceVersion;
  if (opts.continue) metadata.continue = opts.continue;
  if (opts.remainingItemCount !== undefined) metadata.remainingItemCount = opts.remainingItemCount;
  return {
    kind: 'Table',
    apiVersion: 'meta.k8s.io/v1',
    metadata,
    columnDefinitions: opts.noHeaders ? [] : columnsFor(resource),
    rows,
  };
}
