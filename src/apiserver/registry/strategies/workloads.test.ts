import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject } from '../../../api/types.js';
import { fieldErrorString } from '../../../api/errors.js';
import { gcFinalizers } from '../store.js';
import { defaultDeployment, validateDeployment } from './deployment.js';
import { defaultReplicaSet, validateReplicaSet } from './replicaset.js';

const base = (): KubeObject => ({
  metadata: { name: 'web', namespace: 'default' },
  spec: { selector: { matchLabels: { app: 'web' } }, template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'c', image: 'busybox' }] } } },
});

test('Deployment defaults: replicas 1, RollingUpdate 25%/25%, history 10, deadline 600, template defaults', () => {
  const d = base();
  defaultDeployment(d);
  const spec = d.spec as Record<string, any>;
  assert.equal(spec.replicas, 1);
  assert.deepEqual(spec.strategy, { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: '25%', maxSurge: '25%' } });
  assert.equal(spec.revisionHistoryLimit, 10);
  assert.equal(spec.progressDeadlineSeconds, 600);
  assert.equal(spec.template.spec.restartPolicy, 'Always');
  assert.equal(spec.template.spec.containers[0].imagePullPolicy, 'Always');
  assert.equal(spec.template.spec.serviceAccountName, undefined, 'pod admission defaults are not applied to templates');
});

test('Deployment and ReplicaSet validation with field paths', () => {
  const mutate = (f: (s: Record<string, any>) => void) => { const d = base(); defaultDeployment(d); f(d.spec as Record<string, any>); return d; };
  const cases: { name: string; obj: KubeObject; want: string[] }[] = [
    { name: 'valid', obj: mutate(() => {}), want: [] },
    { name: 'negative replicas', obj: mutate((s) => { s.replicas = -1; }), want: ['spec.replicas: Invalid value: -1: must be greater than or equal to 0'] },
    { name: 'selector missing', obj: mutate((s) => { delete s.selector; }), want: ['spec.selector: Required value'] },
    { name: 'selector does not match', obj: mutate((s) => { s.selector = { matchLabels: { app: 'other' } }; }), want: ['spec.template.metadata.labels: Invalid value: {"app":"web"}: `selector` does not match template `labels`'] },
    { name: 'restartPolicy Never', obj: mutate((s) => { s.template.spec.restartPolicy = 'Never'; }), want: ['spec.template.spec.restartPolicy: Unsupported value: "Never": supported values: "Always"'] },
    { name: 'both zero', obj: mutate((s) => { s.strategy.rollingUpdate = { maxSurge: 0, maxUnavailable: 0 }; }), want: ['spec.strategy.rollingUpdate.maxUnavailable: Invalid value: 0: may not be 0 when `maxSurge` is 0'] },
    { name: 'over 100%', obj: mutate((s) => { s.strategy.rollingUpdate.maxUnavailable = '150%'; }), want: ['spec.strategy.rollingUpdate.maxUnavailable: Invalid value: "150%": must not be greater than 100%'] },
    { name: 'recreate with rollingUpdate', obj: mutate((s) => { s.strategy.type = 'Recreate'; }), want: ["spec.strategy.rollingUpdate: Forbidden: may not be specified when strategy `type` is 'Recreate'"] },
    { name: 'deadline not above minReady', obj: mutate((s) => { s.minReadySeconds = 700; }), want: ['spec.progressDeadlineSeconds: Invalid value: 600: must be greater than minReadySeconds'] },
    { name: 'missing image', obj: mutate((s) => { delete s.template.spec.containers[0].image; }), want: ['spec.template.spec.containers[0].image: Required value'] },
  ];
  for (const c of cases) assert.deepEqual(validateDeployment(c.obj).map(fieldErrorString), c.want, c.name);
  const r = base();
  defaultReplicaSet(r);
  assert.deepEqual(validateReplicaSet(r), []);
  (r.spec as Record<string, any>).selector = {};
  assert.deepEqual(validateReplicaSet(r).map(fieldErrorString), ['spec.selector: Invalid value: {}: empty selector is invalid for deployment']);
});

test('gcFinalizers follows the propagation policy', () => {
  const cases: { name: string; cur: string[]; opts: Parameters<typeof gcFinalizers>[1]; want: string[] | undefined }[] = [
    { name: 'no policy: unchanged', cur: ['x'], opts: {}, want: undefined },
    { name: 'Background: nothing to add', cur: [], opts: { propagationPolicy: 'Background' }, want: undefined },
    { name: 'Orphan adds orphan', cur: ['x'], opts: { propagationPolicy: 'Orphan' }, want: ['x', 'orphan'] },
    { name: 'orphanDependents true', cur: [], opts: { orphanDependents: true }, want: ['orphan'] },
    { name: 'Foreground adds foregroundDeletion, drops orphan', cur: ['orphan'], opts: { propagationPolicy: 'Foreground' }, want: ['foregroundDeletion'] },
    { name: 'Background removes both', cur: ['orphan', 'y'], opts: { propagationPolicy: 'Background' }, want: ['y'] },
  ];
  for (const c of cases) assert.deepEqual(gcFinalizers(c.cur, c.opts), c.want, c.name);
});
