import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fieldErrorString, invalid as invalidStatus } from '../errors.js';
import type { Pod } from '../types.js';
import { defaultPod } from '../defaults/pod.js';
import { validatePod } from './pod.js';

function mk(over: (p: Pod) => void): Pod {
  const p: Pod = {
    apiVersion: 'v1', kind: 'Pod', metadata: { name: 'web', namespace: 'default' },
    spec: { containers: [{ name: 'c', image: 'nginx' }] },
  };
  over(p);
  return defaultPod(p);
}

const SUBDOMAIN = "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')";
const LABEL = "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')";

test('validatePod: exact error strings', () => {
  const cases: { name: string; mut: (p: Pod) => void; want: string[] }[] = [
    { name: 'valid', mut: () => {}, want: [] },
    { name: 'bad name', mut: (p) => { p.metadata.name = 'Bad_Name'; }, want: [`metadata.name: Invalid value: "Bad_Name": ${SUBDOMAIN}`] },
    { name: 'no name', mut: (p) => { delete p.metadata.name; }, want: ['metadata.name: Required value: name or generateName is required'] },
    { name: 'generateName with dash ok', mut: (p) => { delete p.metadata.name; p.metadata.generateName = 'web-'; p.metadata.name = 'web-abcde'; }, want: [] },
    { name: 'no namespace', mut: (p) => { delete p.metadata.namespace; }, want: ['metadata.namespace: Required value'] },
    { name: 'no image', mut: (p) => { delete p.spec.containers[0]!.image; }, want: ['spec.containers[0].image: Required value'] },
    { name: 'no containers', mut: (p) => { p.spec.containers = []; }, want: ['spec.containers: Required value'] },
    {
      name: 'duplicate container', mut: (p) => { p.spec.containers.push({ name: 'c', image: 'x' }); },
      want: ['spec.containers[1].name: Duplicate value: "c"'],
    },
    {
      name: 'init container name collides', mut: (p) => { p.spec.initContainers = [{ name: 'c', image: 'x' }]; },
      want: ['spec.initContainers[0].name: Duplicate value: "c"'],
    },
    { name: 'container name label', mut: (p) => { p.spec.containers[0]!.name = 'My_C'; }, want: [`spec.containers[0].name: Invalid value: "My_C": ${LABEL}`] },
    { name: 'container name dots', mut: (p) => { p.spec.containers[0]!.name = 'a.b'; }, want: ['spec.containers[0].name: Invalid value: "a.b": must not contain dots'] },
    {
      name: 'restart policy', mut: (p) => { (p.spec as { restartPolicy: string }).restartPolicy = 'Sometimes'; },
      want: ['spec.restartPolicy: Unsupported value: "Sometimes": supported values: "Always", "OnFailure", "Never"'],
    },
    {
      name: 'port range', mut: (p) => { p.spec.containers[0]!.ports = [{ containerPort: 70000 }, { containerPort: 80, hostPort: -1 }]; },
      want: ['spec.containers[0].ports[0].containerPort: Invalid value: 70000: must be between 1 and 65535, inclusive', 'spec.containers[0].ports[1].hostPort: Invalid value: -1: must be between 1 and 65535, inclusive'],
    },
    {
      name: 'port names', mut: (p) => { p.spec.containers[0]!.ports = [{ containerPort: 80, name: 'http' }, { containerPort: 81, name: 'http' }]; },
      want: ['spec.containers[0].ports[1].name: Duplicate value: "http"'],
    },
    {
      name: 'label key and value', mut: (p) => { p.metadata.labels = { 'bad key': 'ok', good: 'bad value' }; },
      want: [
        `metadata.labels: Invalid value: "bad key": name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')`,
        `metadata.labels: Invalid value: "bad value": a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')`,
      ],
    },
    {
      name: 'request above limit', mut: (p) => { p.spec.containers[0]!.resources = { limits: { cpu: '1' }, requests: { cpu: '2' } }; },
      want: ['spec.containers[0].resources.requests: Invalid value: "2": must be less than or equal to cpu limit of 1'],
    },
    {
      name: 'bad quantity', mut: (p) => { p.spec.containers[0]!.resources = { limits: { memory: 'lots' } }; },
      want: [
        "spec.containers[0].resources.limits[memory]: Invalid value: \"lots\": quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'",
        "spec.containers[0].resources.requests[memory]: Invalid value: \"lots\": quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'",
      ],
    },
    {
      name: 'volume mount not found', mut: (p) => { p.spec.containers[0]!.volumeMounts = [{ name: 'data', mountPath: '/d' }]; },
      // Kubernetes prints `Not found: "data"`; the shared errors.ts omits NotFound values (reported to the lead).
      want: ['spec.containers[0].volumeMounts[0].name: Not found: "data"'],
    },
    {
      name: 'volume ok', mut: (p) => { p.spec.volumes = [{ name: 'data', emptyDir: {} }]; p.spec.containers[0]!.volumeMounts = [{ name: 'data', mountPath: '/d' }]; },
      want: [],
    },
    {
      name: 'pull policy', mut: (p) => { (p.spec.containers[0] as { imagePullPolicy: string }).imagePullPolicy = 'Sometimes'; },
      want: ['spec.containers[0].imagePullPolicy: Unsupported value: "Sometimes": supported values: "Always", "IfNotPresent", "Never"'],
    },
    {
      name: 'toleration seconds without NoExecute', mut: (p) => { p.spec.tolerations = [{ key: 'k', operator: 'Exists', effect: 'NoSchedule', tolerationSeconds: 5 }]; },
      want: ["spec.tolerations[0].effect: Invalid value: \"NoSchedule\": effect must be 'NoExecute' when `tolerationSeconds` is set"],
    },
    { name: 'active deadline', mut: (p) => { p.spec.activeDeadlineSeconds = 0; }, want: ['spec.activeDeadlineSeconds: Invalid value: 0: must be between 1 and 2147483647, inclusive'] },
    { name: 'bad node name', mut: (p) => { p.spec.nodeName = 'Node_1'; }, want: [`spec.nodeName: Invalid value: "Node_1": ${SUBDOMAIN}`] },
  ];
  for (const c of cases) {
    const got = validatePod(mk(c.mut)).map(fieldErrorString);
    assert.deepEqual(got, c.want, c.name);
  }
});

test('validatePod errors aggregate into the Invalid status message', () => {
  const p = mk((x) => { delete x.spec.containers[0]!.image; x.metadata.name = 'Bad'; });
  const err = invalidStatus('Pod', '', 'Bad', validatePod(p));
  assert.equal(err.status.code, 422);
  assert.match(err.message, /^Pod "Bad" is invalid: \[metadata\.name: Invalid value: "Bad": a lowercase RFC 1123 subdomain .*, spec\.containers\[0\]\.image: Required value\]$/);
});
