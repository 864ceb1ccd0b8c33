/**
 * Table rows for nodes, namespaces, events, leases, deployments, replicasets,
 * configmaps, secrets, services and the generic fallback: ports of the
 * matching print functions in pkg/printers/internalversion/printers.go
 * (always with the wide cells, as the apiserver prints).
 */
import type { CoreEvent, KubeObject, Lease, Namespace, Node } from '../types.js';
import { formatLabelSelector, formatLabels } from '../selectors/labels.js';
import { parseTime, translateTimestampSince } from './duration.js';
import type { PrintedRow } from './types.js';

type Obj = Record<string, unknown>;
const asObj = (v: unknown): Obj => (typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Obj) : {});
const asArr = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
const str = (v: unknown): string => (typeof v === 'string' ? v : '');
const num = (v: unknown): number => (typeof v === 'number' ? v : 0);

function age(o: KubeObject, now: number): string {
  return translateTimestampSince(o.metadata.creationTimestamp, now);
}

/** Roles from `node-role.kubernetes.io/<role>` and `kubernetes.io/role=<role>` labels, sorted; `<none>` if none. */
export function nodeRoles(node: Node): string {
  const roles = new Set<string>();
  for (const [k, v] of Object.entries(node.metadata.labels ?? {})) {
    if (k.startsWith('node-role.kubernetes.io/')) {
      const role = k.slice('node-role.kubernetes.io/'.length);
      if (role) roles.add(role);
    } else if (k === 'kubernetes.io/role' && v) roles.add(v);
  }
  return roles.size ? [...roles].sort().join(',') : '<none>';
}

/** printNode: Name, Status (`Ready`, `NotReady`, `Unknown`, `,SchedulingDisabled`), Roles, Age, Version, wide cells. */
export function printNode(node: Node, now: number): PrintedRow {
  const ready = (node.status?.conditions ?? []).find((c) => c.type === 'Ready');
  const status: string[] = [ready ? (ready.status === 'True' ? 'Ready' : 'NotReady') : 'Unknown'];
  if (node.spec?.unschedulable) status.push('SchedulingDisabled');
  const info = node.status?.nodeInfo;
  const addr = (type: string) => (node.status?.addresses ?? []).find((a) => a.type === type)?.address ?? '<none>';
  return {
    cells: [
      node.metadata.name ?? '', status.join(','), nodeRoles(node), age(node, now), info?.kubeletVersion ?? '',
      addr('InternalIP'), addr('ExternalIP'), info?.osImage || '<unknown>', info?.kernelVersion || '<unknown>', info?.containerRuntimeVersion || '<unknown>',
    ],
  };
}

/** printNamespace: Name, Status (phase), Age. */
export function printNamespace(ns: Namespace, now: number): PrintedRow {
  return { cells: [ns.metadata.name ?? '', ns.status?.phase ?? '', age(ns, now)] };
}

/**
 * printEvent: Last Seen, Type, Reason, Object (`pod/web`), Subobject, Source, Message,
 * First Seen, Count, Name. Missing firstTimestamp falls back to eventTime;
 * missing lastTimestamp to first seen; series wins; count 0 shows as 1.
 */
export function printEvent(ev: CoreEvent, now: number): PrintedRow {
  const e = ev as CoreEvent & { series?: { count?: number; lastObservedTime?: string }; reportingController?: string };
  let first = translateTimestampSince(e.firstTimestamp, now);
  if (parseTime(e.firstTimestamp) === undefined) first = translateTimestampSince(e.eventTime, now);
  let last = translateTimestampSince(e.lastTimestamp, now);
  if (parseTime(e.lastTimestamp) === undefined) last = first;
  let count = e.count ?? 0;
  if (e.series) {
    last = translateTimestampSince(e.series.lastObservedTime, now);
    count = e.series.count ?? 0;
  } else if (count === 0) count = 1;
  const io = e.involvedObject ?? {};
  const kind = (io.kind ?? '').toLowerCase();
  const target = io.name ? `${kind}/${io.name}` : kind;
  const component = e.source?.component || e.reportingComponent || e.reportingController || '';
  const host = e.source?.host || e.reportingInstance || '';
  const source = host ? `${component}, ${host}` : component;
  return {
    cells: [last, e.type ?? '', e.reason ?? '', target, io.fieldPath ?? '', source, (e.message ?? '').trim(), first, count, e.metadata.name ?? ''],
  };
}

/** printLease: Name, Holder, Age. */
export function printLease(lease: Lease, now: number): PrintedRow {
  return { cells: [lease.metadata.name ?? '', lease.spec?.holderIdentity ?? '', age(lease, now)] };
}

function containerCells(template: unknown): [string, string] {
  const containers = asArr(asObj(asObj(template).spec).containers).map(asObj);
  return [containers.map((c) => str(c.name)).join(','), containers.map((c) => str(c.image)).join(',')];
}

/** printDeployment: Name, Ready `r/d`, Up-to-date, Available, Age, Containers, Images, Selector. */
export function printDeployment(d: KubeObject, now: number): PrintedRow {
  const spec = asObj(d.spec);
  const status = asObj(d.status);
  const desired = typeof spec.replicas === 'number' ? spec.replicas : 0;
  const [names, images] = containerCells(spec.template);
  const selector = spec.selector === undefined ? '' : formatLabelSelector(spec.selector, '');
  return {
    cells: [d.metadata.name ?? '', `${num(status.readyReplicas)}/${desired}`, num(status.updatedReplicas), num(status.availableReplicas), age(d, now), names, images, selector],
  };
}

/** printReplicaSet: Name, Desired, Current, Ready, Age, Containers, Images, Selector. */
export function printReplicaSet(rs: KubeObject, now: number): PrintedRow {
  const spec = asObj(rs.spec);
  const status = asObj(rs.status);
  const [names, images] = containerCells(spec.template);
  return {
    cells: [rs.metadata.name ?? '', num(spec.replicas), num(status.replicas), num(status.readyReplicas), age(rs, now), names, images, formatLabelSelector(spec.selector, '<none>')],
  };
}

/** printConfigMap: Name, Data (count of data + binaryData), Age. */
export function printConfigMap(cm: KubeObject, now: number): PrintedRow {
  return { cells: [cm.metadata.name ?? '', Object.keys(asObj(cm.data)).length + Object.keys(asObj(cm.binaryData)).length, age(cm, now)] };
}

/** printSecret: Name, Type, Data (count), Age. */
export function printSecret(s: KubeObject, now: number): PrintedRow {
  return { cells: [s.metadata.name ?? '', str(s.type), Object.keys(asObj(s.data)).length, age(s, now)] };
}

function serviceExternalIP(spec: Obj, status: Obj): string {
  const external = asArr(spec.externalIPs).map(str);
  switch (str(spec.type)) {
    case 'ClusterIP':
    case 'NodePort':
      return external.length ? external.join(',') : '<none>';
    case 'LoadBalancer': {
      const ingress = asArr(asObj(status.loadBalancer).ingress).map(asObj).map((i) => str(i.ip) || str(i.hostname)).filter(Boolean);
      const all = [...new Set(ingress), ...external];
      return all.length ? all.join(',') : '<pending>';
    }
    case 'ExternalName':
      return str(spec.externalName);
    default:
      return '<unknown>';
  }
}

/** printService: Name, Type, Cluster-IP, External-IP, Port(s) (`80/TCP`, `80:30080/TCP`), Age, Selector. */
export function printService(svc: KubeObject, now: number): PrintedRow {
  const spec = asObj(svc.spec);
  const clusterIPs = asArr(spec.clusterIPs).map(str);
  const ports = asArr(spec.ports).map(asObj).map((p) => {
    const proto = str(p.protocol) || 'TCP';
    return num(p.nodePort) > 0 ? `${num(p.port)}:${num(p.nodePort)}/${proto}` : `${num(p.port)}/${proto}`;
  });
  const selector = Object.fromEntries(Object.entries(asObj(spec.selector)).map(([k, v]) => [k, str(v)]));
  return {
    cells: [
      svc.metadata.name ?? '', str(spec.type), clusterIPs[0] ?? (str(spec.clusterIP) || '<none>'), serviceExternalIP(spec, asObj(svc.status)),
      ports.length ? ports.join(',') : '<none>', age(svc, now), formatLabels(selector),
    ],
  };
}

/** The fallback row: Name, Age (what kubectl shows without server-side printing). */
export function printGeneric(o: KubeObject, now: number): PrintedRow {
  return { cells: [o.metadata.name ?? '', age(o, now)] };
}
