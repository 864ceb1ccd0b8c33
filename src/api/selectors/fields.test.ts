import { test } from 'node:test';
import assert from 'node:assert/strict';
import { StatusError } from '../errors.js';
import type { KubeObject } from '../types.js';
import { matchesFieldSelector, parseFieldSelector, supportedFieldLabels } from './fields.js';

const pod: KubeObject = {
  metadata: { name: 'web', namespace: 'default' },
  spec: { nodeName: 'n1', restartPolicy: 'Always', schedulerName: 'default-scheduler', serviceAccountName: 'default', containers: [] },
  status: { phase: 'Running', podIP: '10.0.0.5' },
};
const event: KubeObject = {
  metadata: { name: 'web.1', namespace: 'default' },
  involvedObject: { kind: 'Pod', name: 'web', namespace: 'default', uid: 'u1', apiVersion: 'v1', fieldPath: 'spec.containers{c}' },
  reason: 'Scheduled', type: 'Normal', source: { component: 'default-scheduler' }, reportingComponent: 'default-scheduler',
};
const node: KubeObject = { metadata: { name: 'n1' }, spec: { unschedulable: true } };

test('field selectors match per kind', () => {
  const cases: [string, KubeObject, string, boolean][] = [
    ['pods', pod, '', true],
    ['pods', pod, 'metadata.name=web', true],
    ['pods', pod, 'metadata.name==web', true],
    ['pods', pod, 'metadata.name!=web', false],
    ['pods', pod, 'metadata.namespace=default,spec.nodeName=n1', true],
    ['pods', pod, 'spec.nodeName=', false],
    ['pods', pod, 'status.phase=Running,status.podIP=10.0.0.5', true],
    ['pods', pod, 'status.nominatedNodeName=', true],
    ['pods', pod, 'spec.restartPolicy=Never', false],
    ['pods', pod, 'spec.schedulerName=default-scheduler,spec.serviceAccountName=default', true],
    ['events', event, 'involvedObject.name=web,involvedObject.kind=Pod,involvedObject.namespace=default,involvedObject.uid=u1', true],
    ['events', event, 'involvedObject.fieldPath=spec.containers{c},reason=Scheduled,type=Normal,source=default-scheduler', true],
    ['events', event, 'reportingComponent=kubelet', false],
    ['events', event, 'involvedObject.apiVersion=v1,involvedObject.resourceVersion=', true],
    ['nodes', node, 'spec.unschedulable=true', true],
    ['nodes', { metadata: { name: 'n2' }, spec: {} }, 'spec.unschedulable=false', true],
    ['namespaces', { metadata: { name: 'dev' }, status: { phase: 'Active' } }, 'status.phase=Active', true],
    ['Pod', pod, 'status.phase=Running', true],
  ];
  for (const [res, obj, sel, want] of cases) assert.equal(matchesFieldSelector(res, obj, parseFieldSelector(sel)), want, `${res} ${sel}`);
});

test('escaped values and toString', () => {
  const sel = parseFieldSelector('metadata.name=a\\,b');
  assert.equal(sel.requirements[0]?.value, 'a,b');
  assert.equal(sel.toString(), 'metadata.name=a\\,b');
  assert.equal(matchesFieldSelector('pods', { metadata: { name: 'a,b' } }, sel), true);
});

test('errors are 400 BadRequest', () => {
  const cases: [() => unknown, string][] = [
    [() => parseFieldSelector('foo'), "invalid selector: 'foo'; can't understand 'foo'"],
    [() => matchesFieldSelector('pods', pod, parseFieldSelector('spec.foo=x')), 'field label not supported: spec.foo'],
    [() => matchesFieldSelector('nodes', node, parseFieldSelector('status.phase=x')), 'field label not supported: status.phase'],
    [() => matchesFieldSelector('configmaps', node, parseFieldSelector('data=x')), 'field label not supported: data'],
  ];
  for (const [fn, msg] of cases) {
    assert.throws(fn, (e: unknown) => e instanceof StatusError && e.code === 400 && e.message === msg, msg);
  }
  assert.ok(supportedFieldLabels('pods').includes('spec.nodeName'));
});
