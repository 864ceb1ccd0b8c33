/** meta.k8s.io/v1 Table shapes (TableColumnDefinition, TableRow, Table). */
import type { KubeObject, ObjectMeta } from '../types.js';

/** One column; `priority` 0 is shown by default, 1 only with `-o wide`. */
export interface TableColumnDefinition {
  name: string;
  type: 'string' | 'integer' | 'number' | 'boolean' | 'date';
  format: string;
  description: string;
  priority: number;
}

/** A row condition (pods: `Completed` when Succeeded/Failed). */
export interface TableRowCondition {
  type: string;
  status: 'True' | 'False' | 'Unknown';
  reason?: string;
  message?: string;
}

/** A cell is printed as given: strings, integers, booleans. */
export type TableCell = string | number | boolean;

/** meta/v1 PartialObjectMetadata, the default row object. */
export interface PartialObjectMetadata {
  kind: 'PartialObjectMetadata';
  apiVersion: 'meta.k8s.io/v1';
  metadata: ObjectMeta;
}

/** One row: cells in column order, optional conditions, and the row object (omitted for includeObject=None). */
export interface TableRow {
  cells: TableCell[];
  conditions?: TableRowCondition[];
  object?: KubeObject | PartialObjectMetadata;
}

/** meta.k8s.io/v1 Table, the body of a list/get answered with the Table Accept header. */
export interface Table {
  kind: 'Table';
  apiVersion: 'meta.k8s.io/v1';
  metadata: { resourceVersion?: string; continue?: string; remainingItemCount?: number };
  columnDefinitions: TableColumnDefinition[];
  rows: TableRow[];
}

/** What a printer returns for one object: its cells and optional row conditions. */
export interface PrintedRow {
  cells: TableCell[];
  conditions?: TableRowCondition[];
}
