import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Pod } from '../types.js';
import { computeQOSClass, defaultImagePullPolicy, defaultPod, imageTag } from './pod.js';
import { defaultNamespace, defaultNode } from './namespace.js';

function pod(spec: Record<string, unknown>): Pod {
  return { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p' }, spec: spec as unknown as Pod['spec'] };
}

test('defaultPod matches a real cluster (seed 004 hello pod)', () => {
  const p = defaultPod(pod({ containers: [{ name: 'hello', image: 'ubuntu/helloworld', imagePullPolicy: 'Never', resources: {} }], dnsPolicy: 'ClusterFirst', restartPolicy: 'Always' }));
  assert.deepEqual(p.spec, {
    containers: [{
      image: 'ubuntu/helloworld', imagePullPolicy: 'Never', name: 'hello', resources: {},
      terminationMessagePath: '/dev/termination-log', terminationMessagePolicy: 'File',
    }],
    dnsPolicy: 'ClusterFirst', enableServiceLinks: true, preemptionPolicy: 'PreemptLowerPriority', priority: 0,
    restartPolicy: 'Always', schedulerName: 'default-scheduler', securityContext: {}, serviceAccount: 'default',
    serviceAccountName: 'default', terminationGracePeriodSeconds: 30,
    tolerations: [
      { effect: 'NoExecute', key: 'node.kubernetes.io/not-ready', operator: 'Exists', tolerationSeconds: 300 },
      { effect: 'NoExecute', key: 'node.kubernetes.io/unreachable', operator: 'Exists', tolerationSeconds: 300 },
    ],
  });
});

test('defaultPod is idempotent', () => {
  const p = defaultPod(pod({ containers: [{ name: 'a', image: 'nginx' }] }));
  const again = defaultPod(structuredClone(p));
  assert.deepEqual(again, p);
});

test('imagePullPolicy defaulting by tag', () => {
  const cases: [string, string, string][] = [
    ['nginx', 'latest', 'Always'],
    ['nginx:latest', 'latest', 'Always'],
    ['nginx:1.25', '1.25', 'IfNotPresent'],
    ['busybox@sha256:abcd', '', 'IfNotPresent'],
    ['busybox:1.36@sha256:abcd', '1.36', 'IfNotPresent'],
    ['localhost:5000/app', 'latest', 'Always'],
    ['localhost:5000/app:v2', 'v2', 'IfNotPresent'],
    ['gcr.io/kuar-demo/kuard-amd64:1', '1', 'IfNotPresent'],
  ];
  for (const [image, tag, policy] of cases) {
    assert.equal(imageTag(image), tag, image);
    assert.equal(defaultImagePullPolicy(image), policy, image);
  }
});

test('container defaults: ports, requests from limits, probes, init containers', () => {
  const p = defaultPod(pod({
    initContainers: [{ name: 'init', image: 'busybox:1' }],
    containers: [{
      name: 'c', image: 'nginx:1', ports: [{ containerPort: 80 }, { containerPort: 53, protocol: 'UDP' }],
      resources: { limits: { memory: '256M', cpu: '1' }, requests: { cpu: '500m' } },
      livenessProbe: { httpGet: { port: 80 } },
    }],
  }));
  const c = p.spec.containers[0]!;
  assert.deepEqual(c.ports, [{ containerPort: 80, protocol: 'TCP' }, { containerPort: 53, protocol: 'UDP' }]);
  assert.deepEqual(c.resources, { limits: { memory: '256M', cpu: '1' }, requests: { cpu: '500m', memory: '256M' } });
  assert.deepEqual(c.livenessProbe, { httpGet: { port: 80, path: '/', scheme: 'HTTP' }, timeoutSeconds: 1, periodSeconds: 10, successThreshold: 1, failureThreshold: 3 });
  assert.equal(p.spec.initContainers![0]!.imagePullPolicy, 'IfNotPresent');
  assert.equal(p.spec.initContainers![0]!.terminationMessagePolicy, 'File');
});

test('default tolerations are not duplicated when already tolerated', () => {
  const cases: { tolerations: unknown[]; want: number }[] = [
    { tolerations: [{ key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 10 }], want: 2 },
    { tolerations: [{ operator: 'Exists' }], want: 1 },
    { tolerations: [{ key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoSchedule' }], want: 3 },
  ];
  for (const c of cases) {
    const p = defaultPod(pod({ containers: [{ name: 'a', image: 'x' }], tolerations: c.tolerations }));
    assert.equal(p.spec.tolerations?.length, c.want, JSON.stringify(c.tolerations));
  }
});

test('serviceAccount mirrors serviceAccountName', () => {
  const p = defaultPod(pod({ containers: [], serviceAccount: 'builder' }));
  assert.equal(p.spec.serviceAccountName, 'builder');
  assert.equal(p.spec.serviceAccount, 'builder');
});

test('computeQOSClass', () => {
  const res = (r: Record<string, unknown>) => ({ name: 'c', image: 'x', resources: r });
  const cases: { name: string; containers: unknown[]; init?: unknown[]; want: string }[] = [
    { name: 'no resources', containers: [res({})], want: 'BestEffort' },
    { name: 'zero requests', containers: [res({ requests: { cpu: '0' } })], want: 'BestEffort' },
    { name: 'limits only (defaulted)', containers: [res({ limits: { cpu: '1', memory: '1Gi' } })], want: 'Guaranteed' },
    { name: 'equal in different units', containers: [res({ limits: { cpu: '1', memory: '1Gi' }, requests: { cpu: '1000m', memory: '1024Mi' } })], want: 'Guaranteed' },
    { name: 'memory only limit', containers: [res({ limits: { memory: '256M' } })], want: 'Burstable' },
    { name: 'request below limit', containers: [res({ limits: { cpu: '2', memory: '1Gi' }, requests: { cpu: '500m', memory: '1Gi' } })], want: 'Burstable' },
    { name: 'one container without limits', containers: [res({ limits: { cpu: '1', memory: '1Gi' } }), res({})], want: 'Burstable' },
    { name: 'init container counts', containers: [res({ limits: { cpu: '1', memory: '1Gi' } })], init: [res({ requests: { cpu: '1' } })], want: 'Burstable' },
    { name: 'other resources ignored', containers: [res({ limits: { 'ephemeral-storage': '1Gi' } })], want: 'BestEffort' },
  ];
  for (const c of cases) {
    const p = defaultPod(pod({ containers: c.containers, initContainers: c.init }));
    assert.equal(computeQOSClass(p), c.want, c.name);
  }
});

test('defaultNamespace and defaultNode', () => {
  const ns = defaultNamespace({ metadata: { name: 'dev' } });
  assert.deepEqual(ns, { metadata: { name: 'dev', labels: { 'kubernetes.io/metadata.name': 'dev' } }, spec: { finalizers: ['kubernetes'] }, status: { phase: 'Active' } });
  const node = defaultNode({ metadata: { name: 'n' }, spec: {}, status: { capacity: { cpu: '4' } } });
  assert.deepEqual(node.status?.allocatable, { cpu: '4' });
});
