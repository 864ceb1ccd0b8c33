import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Node, Pod } from '../../api/types.js';
import { desiredTaints, evictionTime, staleConditions, TAINT_NOT_READY, TAINT_UNREACHABLE } from './health.js';

const T0 = Date.parse('2024-01-01T00:00:00Z');
const iso = (t: number) => new Date(t).toISOString().replace(/\.\d+Z$/, 'Z');

function node(ready: 'True' | 'False' | 'Unknown', heartbeat: number, taints: Node['spec']['taints'] = []): Node {
  return { metadata: { name: 'n', creationTimestamp: iso(T0 - 3600_000) }, spec: { taints },
    status: { conditions: [{ type: 'MemoryPressure', status: 'False', lastHeartbeatTime: iso(heartbeat) }, { type: 'Ready', status: ready, lastHeartbeatTime: iso(heartbeat) }] } };
}

describe('staleConditions', () => {
  it('keeps a node that heart-beats', () => assert.equal(staleConditions(node('True', T0), undefined, T0 + 39_000), undefined));
  it('marks every condition Unknown after the grace', () => {
    const c = staleConditions(node('True', T0), undefined, T0 + 41_000)!;
    assert.deepEqual(c.map((x) => [x.type, x.status, x.reason, x.message]), [
      ['MemoryPressure', 'Unknown', 'NodeStatusUnknown', 'Kubelet stopped posting node status.'],
      ['Ready', 'Unknown', 'NodeStatusUnknown', 'Kubelet stopped posting node status.'],
    ]);
  });
  it('a fresh lease counts as a heartbeat', () => {
    const lease = { metadata: {}, spec: { renewTime: new Date(T0 + 30_000).toISOString() } };
    assert.equal(staleConditions(node('True', T0), lease, T0 + 60_000), undefined);
  });
  it('does nothing when every condition is already Unknown', () => {
    const n = node('Unknown', T0);
    n.status!.conditions = n.status!.conditions!.map((c) => ({ ...c, status: 'Unknown' as const }));
    assert.equal(staleConditions(n, undefined, T0 + 100_000), undefined);
  });
});

describe('desiredTaints', () => {
  const cases: [string, Node, string[]][] = [
    ['ready: none', node('True', T0), []],
    ['not ready: not-ready both effects', node('False', T0), [`${TAINT_NOT_READY}:NoSchedule`, `${TAINT_NOT_READY}:NoExecute`]],
    ['unknown: unreachable both effects', node('Unknown', T0), [`${TAINT_UNREACHABLE}:NoSchedule`, `${TAINT_UNREACHABLE}:NoExecute`]],
    ['ready again: lifecycle taints removed, others kept', node('True', T0, [{ key: TAINT_UNREACHABLE, effect: 'NoExecute' }, { key: 'x', effect: 'NoSchedule' }]), ['x:NoSchedule']],
  ];
  for (const [name, n, want] of cases) it(name, () => assert.deepEqual(desiredTaints(n, T0).map((t) => `${t.key}:${t.effect}`), want));
  it('keeps timeAdded of existing taints', () => {
    const n = node('Unknown', T0, [{ key: TAINT_UNREACHABLE, effect: 'NoExecute', timeAdded: '2023-01-01T00:00:00Z' }]);
    assert.equal(desiredTaints(n, T0).find((t) => t.effect === 'NoExecute')?.timeAdded, '2023-01-01T00:00:00Z');
  });
});

describe('evictionTime', () => {
  const taint = { key: TAINT_UNREACHABLE, effect: 'NoExecute' as const, timeAdded: iso(T0) };
  const pod = (tolerations: Pod['spec']['tolerations']): Pod => ({ metadata: { name: 'p' }, spec: { containers: [], tolerations } });
  it('no toleration: at once', () => assert.equal(evictionTime(pod([]), [taint], T0), 0));
  it('toleration seconds: after them', () => assert.equal(evictionTime(pod([{ key: TAINT_UNREACHABLE, operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 }]), [taint], T0), T0 + 300_000));
  it('forever toleration: stays', () => assert.equal(evictionTime(pod([{ operator: 'Exists' }]), [taint], T0), undefined));
  it('NoSchedule taints never evict', () => assert.equal(evictionTime(pod([]), [{ key: 'x', effect: 'NoSchedule' }], T0), undefined));
});
