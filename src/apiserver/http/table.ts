/** Server-side printing: objects of a resource as a meta.k8s.io/v1 Table. */
import type { KubeObject } from '../../api/types.js';
import { buildTable, type IncludeObject, type Table } from '../../api/tables/index.js';
import { badRequest } from '../../api/errors.js';
import type { ResourceInfo } from '../resources.js';

/** Options from the request: `includeObject` as sent (None|Metadata|Object), list RV and continue token. */
export interface TableRequestOptions {
  includeObject?: string;
  resourceVersion?: string;
  continue?: string;
  noHeaders?: boolean;
  now: Date;
}

/** Builds the Table; 400 for an unsupported includeObject value. */
export function tableFor(info: ResourceInfo, objs: KubeObject[], opts: TableRequestOptions): Table {
  const inc = opts.includeObject ?? 'Metadata';
  if (inc !== 'None' && inc !== 'Metadata' && inc !== 'Object') {
    throw badRequest(`includeObject: Unsupported value: "${inc}": supported values: "Metadata", "None", "Object"`);
  }
  return buildTable(info.resource, objs, {
    includeObject: inc as IncludeObject,
    resourceVersion: opts.resourceVersion,
    continue: opts.continue,
    noHeaders: opts.noHeaders,
    now: opts.now,
  });
}
