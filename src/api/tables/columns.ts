/**
 * Column definitions per resource, in Kubernetes' order and priorities
 * (pkg/printers/internalversion/printers.go AddHandlers). Descriptions are
 * peapod's own short texts.
 */
import type { TableColumnDefinition } from './types.js';

function col(name: string, description: string, opts: { type?: TableColumnDefinition['type']; priority?: number; format?: string } = {}): TableColumnDefinition {
  return { name, type: opts.type ?? 'string', format: opts.format ?? '', description, priority: opts.priority ?? 0 };
}

const NAME = col('Name', 'Name must be unique within a namespace.', { format: 'name' });
const AGE = col('Age', 'Time since the object was created (creationTimestamp).');
const WIDE = { priority: 1 };

const COLUMNS: Record<string, TableColumnDefinition[]> = {
  pods: [
    NAME,
    col('Ready', 'The aggregate readiness state of this pod for accepting traffic.'),
    col('Status', 'The aggregate status of the containers in this pod.'),
    col('Restarts', 'The number of times the containers in this pod have been restarted and when the last container in this pod has restarted.'),
    AGE,
    col('IP', 'IP address allocated to the pod.', WIDE),
    col('Node', 'The node the pod is bound to.', WIDE),
    col('Nominated Node', 'The node the scheduler nominated for this pod when preempting.', WIDE),
    col('Readiness Gates', 'Readiness gates that are true, of those the pod declares.', WIDE),
  ],
  nodes: [
    NAME,
    col('Status', 'The status of the node'),
    col('Roles', 'The roles of the node'),
    AGE,
    col('Version', 'Kubelet version reported by the node.'),
    col('Internal-IP', 'First InternalIP address of the node.', WIDE),
    col('External-IP', 'First ExternalIP address of the node.', WIDE),
    col('OS-Image', 'OS image reported by the node.', WIDE),
    col('Kernel-Version', 'Kernel version reported by the node.', WIDE),
    col('Container-Runtime', 'Container runtime version reported by the node.', WIDE),
  ],
  namespaces: [NAME, col('Status', 'The status of the namespace'), AGE],
  events: [
    col('Last Seen', 'Time since the most recent occurrence.'),
    col('Type', 'Type of this event (Normal, Warning).'),
    col('Reason', 'Short, machine understandable reason for the event.'),
    col('Object', 'The object this event is about.'),
    col('Subobject', 'The part of the object the event is about (fieldPath).', WIDE),
    col('Source', 'The component (and host) reporting the event.', WIDE),
    col('Message', 'Human-readable description of the event.'),
    col('First Seen', 'Time since the first occurrence.', WIDE),
    col('Count', 'The number of times this event has occurred.', WIDE),
    col('Name', 'Name must be unique within a namespace.', { priority: 1, format: 'name' }),
  ],
  leases: [NAME, col('Holder', 'Identity of the lease holder.'), AGE],
  deployments: [
    NAME,
    col('Ready', 'Number of the pod with ready state'),
    col('Up-to-date', 'Number of pods running the current template.'),
    col('Available', 'Number of available pods.'),
    AGE,
    col('Containers', 'Names of each container in the template.', WIDE),
    col('Images', 'Images referenced by each container in the template.', WIDE),
    col('Selector', 'Label selector of the pods.', WIDE),
  ],
  replicasets: [
    NAME,
    col('Desired', 'Number of desired pods.', { type: 'integer' }),
    col('Current', 'Number of existing pods.', { type: 'integer' }),
    col('Ready', 'Number of ready pods.', { type: 'integer' }),
    AGE,
    col('Containers', 'Names of each container in the template.', WIDE),
    col('Images', 'Images referenced by each container in the template.', WIDE),
    col('Selector', 'Label selector of the pods.', WIDE),
  ],
  configmaps: [NAME, col('Data', 'Number of data entries.'), AGE],
  secrets: [NAME, col('Type', 'Type of the secret.'), col('Data', 'Number of data entries.'), AGE],
  services: [
    NAME,
    col('Type', 'How the service is exposed.'),
    col('Cluster-IP', 'Cluster IP address of the service.'),
    col('External-IP', 'External addresses of the service.'),
    col('Port(s)', 'Ports the service exposes.'),
    AGE,
    col('Selector', 'Label selector of the backing pods.', WIDE),
  ],
  endpoints: [NAME, col('Endpoints', 'Ready addresses and ports of the endpoints.'), AGE],
  endpointslices: [
    NAME,
    col('AddressType', 'Type of the addresses (IPv4, IPv6, FQDN).'),
    col('Ports', 'Port numbers of the slice.'),
    col('Endpoints', 'Addresses of the endpoints of the slice.'),
    AGE,
  ],
};

const GENERIC: TableColumnDefinition[] = [NAME, AGE];

/** Columns for a resource (plural, e.g. `pods`); unknown resources get Name and Age. */
export function columnsFor(resource: string): TableColumnDefinition[] {
  return (COLUMNS[resource] ?? GENERIC).map((c) => ({ ...c }));
}

/** Resources with their own printer (anything else uses the generic Name/Age). */
export const PRINTED_RESOURCES = Object.keys(COLUMNS);
