/**
 * The pods table row: a port of printPod in pkg/printers/internalversion/printers.go
 * (READY `n/m`, the STATUS reason logic with init containers, sidecars,
 * waiting/terminated reasons, Completed→Running/NotReady, Terminating, and
 * RESTARTS `3 (2m ago)`), always with the wide cells (IP, Node, Nominated Node,
 * Readiness Gates), as the apiserver prints server-side tables.
 */
import type { Container, ContainerStatus, Pod } from '../types.js';
import { parseTime, translateTimestampSince } from './duration.js';
import type { PrintedRow, TableRowCondition } from './types.js';

/** Pod status reason the node-lifecycle controller sets on pods of an unreachable node. */
export const NODE_UNREACHABLE_POD_REASON = 'NodeLost';

const SUCCEEDED: TableRowCondition[] = [{ type: 'Completed', status: 'True', reason: 'Succeeded', message: 'The pod has completed successfully.' }];
const FAILED: TableRowCondition[] = [{ type: 'Completed', status: 'True', reason: 'Failed', message: 'The pod failed.' }];

function isRestartableInit(c: Container | undefined): boolean {
  return c?.restartPolicy === 'Always';
}

function conditionTrue(pod: Pod, type: string): boolean {
  const c = (pod.status?.conditions ?? []).find((x) => x.type === type);
  return c?.status === 'True';
}

/** Latest `lastState.terminated.finishedAt` seen, in ms (0 when none). */
function laterRestart(current: number, cs: ContainerStatus): number {
  const t = parseTime(cs.lastState?.terminated?.finishedAt);
  return t !== undefined && t > current ? t : current;
}

interface InitResult {
  reason: string | undefined;
  initializing: boolean;
  restarts: number;
  lastRestart: number;
  sidecarRestarts: number;
  lastSidecarRestart: number;
  ready: number;
}

function scanInitContainers(pod: Pod): InitResult {
  const specs = new Map((pod.spec.initContainers ?? []).map((c) => [c.name, c]));
  const total = (pod.spec.initContainers ?? []).length;
  const r: InitResult = { reason: undefined, initializing: false, restarts: 0, lastRestart: 0, sidecarRestarts: 0, lastSidecarRestart: 0, ready: 0 };
  const statuses = pod.status?.initContainerStatuses ?? [];
  for (let i = 0; i < statuses.length; i++) {
    const cs = statuses[i]!;
    const sidecar = isRestartableInit(specs.get(cs.name));
    r.restarts += cs.restartCount ?? 0;
    r.lastRestart = laterRestart(r.lastRestart, cs);
    if (sidecar) {
      r.sidecarRestarts += cs.restartCount ?? 0;
      r.lastSidecarRestart = laterRestart(r.lastSidecarRestart, cs);
    }
    const term = cs.state?.terminated;
    const wait = cs.state?.waiting;
    if (term && term.exitCode === 0) continue;
    if (sidecar && cs.started) {
      if (cs.ready) r.ready++;
      continue;
    }
    if (term) {
      if (!term.reason) r.reason = term.signal ? `Init:Signal:${term.signal}` : `Init:ExitCode:${term.exitCode}`;
      else r.reason = `Init:${term.reason}`;
    } else if (wait?.reason && wait.reason !== 'PodInitializing') {
      r.reason = `Init:${wait.reason}`;
    } else {
      r.reason = `Init:${i}/${total}`;
    }
    r.initializing = true;
    break;
  }
  return r;
}

/** Walks container statuses (last first) for the STATUS reason, restarts and ready count. */
function containersReason(pod: Pod, reason: string, acc: { restarts: number; lastRestart: number; ready: number }): string {
  let hasRunning = false;
  const statuses = pod.status?.containerStatuses ?? [];
  for (let i = statuses.length - 1; i >= 0; i--) {
    const cs = statuses[i]!;
    acc.restarts += cs.restartCount ?? 0;
    acc.lastRestart = laterRestart(acc.lastRestart, cs);
    const wait = cs.state?.waiting;
    const term = cs.state?.terminated;
    if (wait?.reason) reason = wait.reason;
    else if (term?.reason) reason = term.reason;
    else if (term) reason = term.signal ? `Signal:${term.signal}` : `ExitCode:${term.exitCode}`;
    else if (cs.ready && cs.state?.running) {
      hasRunning = true;
      acc.ready++;
    }
  }
  if (reason === 'Completed' && hasRunning) reason = conditionTrue(pod, 'Ready') ? 'Running' : 'NotReady';
  return reason;
}

/** printPod: cells Name, Ready, Status, Restarts, Age, IP, Node, Nominated Node, Readiness Gates. `now` in ms. */
export function printPod(pod: Pod, now: number): PrintedRow {
  const spec = pod.spec ?? { containers: [] };
  const status = pod.status ?? {};
  const phase = status.phase ?? '';
  let reason: string = status.reason || phase;
  for (const c of status.conditions ?? []) if (c.type === 'PodScheduled' && c.reason === 'SchedulingGated') reason = 'SchedulingGated';
  let total = (spec.containers ?? []).length;
  for (const c of spec.initContainers ?? []) if (isRestartableInit(c)) total++;

  const init = scanInitContainers({ ...pod, spec });
  if (init.reason !== undefined) reason = init.reason;
  const acc = { restarts: init.restarts, lastRestart: init.lastRestart, ready: init.ready };
  if (!init.initializing || conditionTrue(pod, 'Initialized')) {
    acc.restarts = init.sidecarRestarts;
    acc.lastRestart = init.lastSidecarRestart;
    reason = containersReason({ ...pod, spec }, reason, acc);
  }
  const deleting = !!pod.metadata.deletionTimestamp;
  if (deleting && status.reason === NODE_UNREACHABLE_POD_REASON) reason = 'Unknown';
  else if (deleting && phase !== 'Succeeded' && phase !== 'Failed') reason = 'Terminating';

  let restarts = String(acc.restarts);
  if (acc.restarts !== 0 && acc.lastRestart !== 0) restarts = `${acc.restarts} (${translateTimestampSince(new Date(acc.lastRestart).toISOString(), now)} ago)`;

  const gates = Array.isArray(spec.readinessGates) ? (spec.readinessGates as { conditionType?: string }[]) : [];
  let readinessGates = '<none>';
  if (gates.length) {
    const trueCount = gates.filter((g) => (status.conditions ?? []).find((c) => c.type === g.conditionType)?.status === 'True').length;
    readinessGates = `${trueCount}/${gates.length}`;
  }
  const row: PrintedRow = {
    cells: [
      pod.metadata.name ?? '', `${acc.ready}/${total}`, reason, restarts, translateTimestampSince(pod.metadata.creationTimestamp, now),
      status.podIPs?.[0]?.ip || '<none>', spec.nodeName || '<none>', status.nominatedNodeName || '<none>', readinessGates,
    ],
  };
  if (phase === 'Succeeded') row.conditions = SUCCEEDED;
  else if (phase === 'Failed') row.conditions = FAILED;
  return row;
}
