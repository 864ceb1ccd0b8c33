/**
 * Pods with several containers end to end (issue 5): restarts and CrashLoopBackOff of
 * seed 002's duplicate-containers pod, init containers in order, sidecars, readiness
 * and liveness probes, lifecycle hooks, every volume kind, every env source, and
 * ConfigMaps/Secrets through the real kubectl 1.32 against real containers. One
 * cluster for the whole file; container output is read with `kubectl logs`.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { buildTestImages, REPO_ROOT, startCluster, waitFor, type Cluster } from './harness.js';

const execFileP = promisify(execFile);
const MAIN_JS = join(REPO_ROOT, 'dist', 'src', 'cli', 'main.js');

let cluster: Cluster;

/* eslint-disable @typescript-eslint/no-explicit-any */
type Json = Record<string, any>;

async function pod(name: string): Promise<Json> {
  return JSON.parse((await cluster.kubectl(['get', 'pod', name, '-o', 'json'])).stdout) as Json;
}

async function apply(yaml: string): Promise<void> {
  await cluster.kubectl(['apply', '-f', '-'], { input: yaml });
}

async function waitPod(name: string, description: string, pred: (p: Json) => boolean, timeoutMs = 60_000): Promise<Json> {
  const p = await waitFor(async () => { const x = await pod(name); return pred(x) ? x : undefined; }, { description: `${name}: ${description}`, timeoutMs, intervalMs: 500 });
  return p!;
}

async function row(name: string): Promise<string> {
  return (await cluster.kubectl(['get', 'pod', name, '--no-headers'])).stdout.trim();
}

async function logs(...args: string[]): Promise<string> {
  return (await cluster.kubectl(['logs', ...args])).stdout;
}

async function waitLogs(args: string[], re: RegExp, timeoutMs = 60_000): Promise<string> {
  const l = await waitFor(async () => { const x = await logs(...args); return re.test(x) ? x : undefined; }, { description: `logs ${args.join(' ')} match ${re}`, timeoutMs, intervalMs: 500 });
  return l!;
}

async function events(name: string): Promise<string> {
  return (await cluster.kubectl(['get', 'events', '--field-selector', `involvedObject.name=${name}`, '-o', 'custom-columns=TYPE:.type,REASON:.reason,MSG:.message', '--no-headers'])).stdout;
}

/** The container status named `name` (regular or init), or `{}`. */
const status = (p: Json, name: string): Json =>
  [...(p.status?.containerStatuses ?? []), ...(p.status?.initContainerStatuses ?? [])].find((s: Json) => s.name === name) ?? {};
const cond = (p: Json, type: string): string | undefined => (p.status?.conditions ?? []).find((c: Json) => c.type === type)?.status;

describe('pods with several containers', { timeout: 1_200_000 }, () => {
  let hostDir: string;
  before(async () => {
    cluster = await startCluster();
    const archive = await buildTestImages(join(cluster.tmpDir, 'images'));
    await execFileP('node', [MAIN_JS, 'image', 'load', '--data-dir', cluster.dataDir, archive]);
    hostDir = join(cluster.tmpDir, 'host');
    mkdirSync(hostDir, { recursive: true });
  });
  after(async () => {
    await cluster?.stop();
  });

  it("seed 002's duplicate-containers: one keeps restarting, CrashLoopBackOff, logs -c two -p, --all-containers", async () => {
    await apply(`apiVersion: v1
kind: Pod
metadata:
  name: duplicate-containers
spec:
  containers:
  - name: one
    image: busybox
    imagePullPolicy: IfNotPresent
    command: ["sh", "-c", "echo Serving on HTTP on :8080; exec httpd -f -p 8080"]
  - name: two
    image: busybox
    imagePullPolicy: IfNotPresent
    command: ["sh", "-c", "sleep 1; echo Serving on HTTP on :8080; exec httpd -f -p 8080"]
`);
    const p = await waitPod('duplicate-containers', 'two restarted twice and in CrashLoopBackOff', (x) => {
      const two = status(x, 'two');
      return two?.restartCount >= 2 && two?.state?.waiting?.reason === 'CrashLoopBackOff';
    }, 90_000);
    assert.equal(status(p, 'one')?.restartCount, 0);
    assert.ok(status(p, 'one')?.state?.running);
    assert.equal(status(p, 'two')?.lastState?.terminated?.reason, 'Error');
    assert.equal(p.status.phase, 'Running');
    assert.match(await row('duplicate-containers'), /^duplicate-containers\s+1\/2\s+(CrashLoopBackOff|Error|Running)\s+[2-9]/);
    const prev = await logs('duplicate-containers', '-c', 'two', '-p');
    assert.match(prev, /Serving on HTTP on :8080/);
    assert.match(prev, /bind: Address (already )?in use/);
    assert.match(await logs('duplicate-containers', '-c', 'one'), /^Serving on HTTP on :8080\n$/);
    const all = await logs('duplicate-containers', '--all-containers', '--prefix');
    assert.match(all, /\[pod\/duplicate-containers\/one\] Serving on HTTP on :8080/);
    const d = (await cluster.kubectl(['describe', 'pod', 'duplicate-containers'])).stdout;
    assert.match(d, /Restart Count:\s+[2-9]/);
    assert.match(d, /Last State:\s+Terminated/);
    assert.match(await events('duplicate-containers'), /Warning\s+BackOff\s+Back-off restarting failed container two in pod duplicate-containers_default\(/);
    await cluster.kubectl(['delete', 'pod', 'duplicate-containers', '--grace-period=1']);
  });

  it('runs init containers one after another before the app (Init:0/2, Init:1/2, Initialized)', async () => {
    await apply(`apiVersion: v1
kind: Pod
metadata:
  name: init-order
spec:
  initContainers:
  - name: first
    image: busybox
    imagePullPolicy: IfNotPresent
    command: ["sh", "-c", "echo first ran; echo first >> /work/order; sleep 3"]
    volumeMounts: [{ name: work, mountPath: /work }]
  - name: second
    image: busybox
    imagePullPolicy: IfNotPresent
    command: ["sh", "-c", "echo second ran; echo second >> /work/order; sleep 3"]
    volumeMounts: [{ name: work, mountPath: /work }]
  containers:
  - name: app
    image: busybox
    imagePullPolicy: IfNotPresent
    command: ["sh", "-c", "echo order: $(cat /work/order | tr '\\\\n' ' '); exec sleep 3600"]
    volumeMounts: [{ name: work, mountPath: /work }]
  volumes:
  - name: work
    emptyDir: {}
`);
    const seen = new Set<string>();
    await waitFor(async () => {
      const r = await row('init-order');
      const s = r.split(/\s+/)[2] ?? '';
      seen.add(s);
      return s === 'Running';
    }, { description: 'init-order Running', timeoutMs: 60_000, intervalMs: 300 });
    assert.ok(seen.has('Init:0/2') || seen.has('Init:1/2'), `STATUS went through Init:n/2, saw ${[...seen].join(', ')}`);
    assert.match(await waitLogs(['init-order', '-c', 'app'], /order:/), /^order: first second\s*\n$/);
    const p = await pod('init-order');
    assert.equal(cond(p, 'Initialized'), 'True');
    for (const n of ['first', 'second']) {
      assert.equal(status(p, n)?.state?.terminated?.reason, 'Completed');
      assert.equal(status(p, n)?.ready, true);
    }
    const firstEnd = Date.parse(status(p, 'first').state.terminated.finishedAt);
    const secondStart = Date.parse(status(p, 'second').state.terminated.startedAt);
    assert.ok(firstEnd <= secondStart, 'second started after first finished');
    const all = await logs('init-order', '--all-containers');
    // kubectl keeps the per-container requests in a map: the order of the blocks varies.
    assert.deepEqual(all.trimEnd().split('\n').sort(), ['first ran', 'order: first second', 'second ran']);
    assert.match(await logs('init-order', '-c', 'first'), /^first ran\n$/);
  });

  it('retries a failing init container: Init:Error then Init:CrashLoopBackOff, app never starts', async () => {
    await apply(`apiVersion: v1
kind: Pod
metadata:
  name: init-fail
spec:
  initContainers:
  - name: check
    image: busybox
    imagePullPolicy: IfNotPresent
    command: ["sh", "-c", "echo dependency missing; exit 1"]
  containers:
  - name: app
    image: busybox
    imagePullPolicy: IfNotPresent
    command: ["sleep", "3600"]
`);
    await waitFor(async () => /Init:CrashLoopBackOff/.test(await row('init-fail')), { description: 'Init:CrashLoopBackOff', timeoutMs: 60_000, intervalMs: 500 });
    const p = await pod('init-fail');
    assert.equal(p.status.phase, 'Pending');
    assert.equal(cond(p, 'Initialized'), 'False');
    assert.ok(status(p, 'check').restartCount >= 1);
    assert.equal(status(p, 'app').state.waiting.reason, 'PodInitializing');
    assert.match(await logs('init-fail', '-c', 'check', '-p'), /dependency missing/);
    await cluster.kubectl(['delete', 'pod', 'init-fail', 'init-order', '--grace-period=1']);
  });

  it('keeps a sidecar running beside the app and restarts it when it exits', async () => {
    await apply(`apiVersion: v1
kind: Pod
metadata:
  name: with-sidecar
spec:
  initContainers:
  - name: envoy
    image: busybox
    imagePullPolicy: IfNotPresent
    restartPolicy: Always
    command: ["sh", "-c", "echo proxy up; echo ready > /shared/proxy; sleep 4; echo proxy crashed; exit 1"]
    volumeMounts: [{ name: shared, mountPath: /shared }]
  containers:
  - name: app
    image: busybox
    imagePullPolicy: IfNotPresent
    command: ["sh", "-c", "echo app sees proxy: $(cat /shared/proxy); exec sleep 3600"]
    volumeMounts: [{ name: shared, mountPath: /shared }]
  volumes:
  - name: shared
    emptyDir: {}
`);
    const p = await waitPod('with-sidecar', 'sidecar restarted while the app runs', (x) => status(x, 'envoy')?.restartCount >= 1 && !!status(x, 'app')?.state?.running, 60_000);
    assert.equal(status(p, 'app').restartCount, 0);
    assert.equal(p.status.phase, 'Running');
    assert.equal(cond(p, 'Initialized'), 'True');
    assert.match(await logs('with-sidecar', '-c', 'app'), /app sees proxy: ready/);
    assert.match(await logs('with-sidecar', '-c', 'envoy', '-p'), /proxy up\nproxy crashed/);
    await waitFor(async () => /^with-sidecar\s+2\/2\s+Running/.test(await row('with-sidecar')), { description: '2/2 Running', timeoutMs: 30_000, intervalMs: 300 });
    await cluster.kubectl(['delete', 'pod', 'with-sidecar', '--grace-period=1']);
  });

  it('stops sidecars after the app containers: a Never pod with a sidecar Succeeds', async () => {
    await apply(`apiVersion: v1
kind: Pod
metadata:
  name: job-sidecar
spec:
  restartPolicy: Never
  terminationGracePeriodSeconds: 5
  initContainers:
  - name: logger
    image: busybox
    imagePullPolicy: IfNotPresent
    restartPolicy: Always
    command: ["sh", "-c", "trap 'echo logger stopping; exit 0' TERM; echo logger up; while true; do sleep 1; done"]
  containers:
  - name: job
    image: busybox
    imagePullPolicy: IfNotPresent
    command: ["sh", "-c", "sleep 2; echo job done"]
`);
    const p = await waitPod('job-sidecar', 'Succeeded', (x) => x.status?.phase === 'Succeeded', 60_000);
    const job = status(p, 'job').state.terminated;
    const logger = status(p, 'logger').state.terminated;
    assert.equal(job.exitCode, 0);
    assert.ok(logger, 'sidecar terminated');
    assert.ok(Date.parse(logger.finishedAt) >= Date.parse(job.finishedAt), 'sidecar stopped after the app');
    assert.match(await logs('job-sidecar', '-c', 'logger'), /logger up\nlogger stopping/);
    assert.match(await row('job-sidecar'), /^job-sidecar\s+0\/2\s+Completed/);
  });

  it('readiness probe (httpGet) drives READY, the Ready condition and kubectl wait', async () => {
    const www = join(hostDir, 'www');
    mkdirSync(www, { recursive: true });
    await apply(`apiVersion: v1
kind: Pod
metadata:
  name: readiness
spec:
  containers:
  - name: web
    image: busybox
    imagePullPolicy: IfNotPresent
    command: ["httpd", "-f", "-p", "8080", "-h", "/www"]
    readinessProbe:
      httpGet: { path: /ready.html, port: 8080 }
      periodSeconds: 1
      failureThreshold: 1
    volumeMounts: [{ name: www, mountPath: /www }]
  volumes:
  - name: www
    hostPath: { path: ${www} }
`);
    let p = await waitPod('readiness', 'running', (x) => !!status(x, 'web')?.state?.running);
    await new Promise((r) => setTimeout(r, 2000));
    p = await pod('readiness');
    assert.equal(cond(p, 'Ready'), 'False');
    assert.equal(status(p, 'web').ready, false);
    assert.match(await row('readiness'), /^readiness\s+0\/1\s+Running/);
    writeFileSync(join(www, 'ready.html'), 'ok');
    await cluster.kubectl(['wait', '--for=condition=ready', 'pod/readiness', '--timeout=30s'], { timeoutMs: 40_000 });
    p = await pod('readiness');
    assert.equal(cond(p, 'ContainersReady'), 'True');
    assert.match(await row('readiness'), /^readiness\s+1\/1\s+Running\s+0/);
    rmSync(join(www, 'ready.html'));
    p = await waitPod('readiness', 'not ready again', (x) => cond(x, 'Ready') === 'False', 30_000);
    assert.equal(status(p, 'web').restartCount, 0, 'readiness failures do not restart');
    assert.match(await row('readiness'), /^readiness\s+0\/1\s+Running/);
    assert.match(await events('readiness'), /Warning\s+Unhealthy\s+Readiness probe failed: HTTP probe failed with statuscode: 404/);
    await cluster.kubectl(['delete', 'pod', 'readiness', '--grace-period=1']);
  });

  it('restarts a container whose liveness probe fails (exec and tcpSocket), with Unhealthy events', async () => {
    await apply(`apiVersion: v1
kind: Pod
metadata:
  name: liveness
spec:
  terminationGracePeriodSeconds: 2
  containers:
  - name: app
    image: busybox
    imagePullPolicy: IfNotPresent
    command: ["sh", "-c", "touch /tmp/healthy; sleep 3; rm /tmp/healthy; exec sleep 3600"]
    livenessProbe:
      exec: { command: ["cat", "/tmp/healthy"] }
      periodSeconds: 1
      failureThreshold: 2
  - name: tcp
    image: busybox
    imagePullPolicy: IfNotPresent
    command: ["sleep", "3600"]
    livenessProbe:
      tcpSocket: { port: 9999 }
      initialDelaySeconds: 1
      periodSeconds: 1
      failureThreshold: 1
`);
    const p = await waitPod('liveness', 'both restarted', (x) => status(x, 'app')?.restartCount >= 1 && status(x, 'tcp')?.restartCount >= 1, 90_000);
    assert.equal(status(p, 'app').lastState.terminated.exitCode, 137);
    const ev = await events('liveness');
    assert.match(ev, /Warning\s+Unhealthy\s+Liveness probe failed: cat: can't open '\/tmp\/healthy': No such file or directory/);
    assert.match(ev, /Normal\s+Killing\s+Container app failed liveness probe, will be restarted/);
    assert.match(ev, /Warning\s+Unhealthy\s+Liveness probe failed: dial tcp [\d.]+:9999: connect: connection refused/);
    assert.match(ev, /Normal\s+Killing\s+Container tcp failed liveness probe, will be restarted/);
    await cluster.kubectl(['delete', 'pod', 'liveness', '--grace-period=1']);
  });

  it('runs postStart after start and preStop on delete before TERM', async () => {
    const hooks = join(hostDir, 'hooks');
    mkdirSync(hooks, { recursive: true });
    await apply(`apiVersion: v1
kind: Pod
metadata:
  name: hooks
spec:
  terminationGracePeriodSeconds: 10
  containers:
  - name: app
    image: busybox
    imagePullPolicy: IfNotPresent
    command: ["sh", "-c", "trap 'echo term at $(date +%s%N) >> /hooks/log; exit 0' TERM; while true; do sleep 1; done"]
    lifecycle:
      postStart:
        exec: { command: ["sh", "-c", "echo poststart >> /hooks/log"] }
      preStop:
        exec: { command: ["sh", "-c", "echo prestop at $(date +%s%N) >> /hooks/log; sleep 1"] }
    volumeMounts: [{ name: hooks, mountPath: /hooks }]
  volumes:
  - name: hooks
    hostPath: { path: ${hooks} }
`);
    await waitPod('hooks', 'Running', (x) => x.status?.phase === 'Running');
    assert.match(readFileSync(join(hooks, 'log'), 'utf8'), /^poststart\n/);
    await cluster.kubectl(['delete', 'pod', 'hooks'], { timeoutMs: 60_000 });
    const log = readFileSync(join(hooks, 'log'), 'utf8');
    const pre = /prestop at (\d+)/.exec(log);
    const term = /term at (\d+)/.exec(log);
    assert.ok(pre, `preStop ran: ${log}`);
    assert.ok(term, `TERM was delivered after preStop: ${log}`);
    assert.ok(BigInt(term![1]!) > BigInt(pre![1]!), 'preStop before TERM');
  });

  it('serves ConfigMaps and Secrets: create from literals and files (protobuf), tables, base64 validation', async () => {
    const conf = join(hostDir, 'app.conf');
    writeFileSync(conf, 'color=blue\n');
    assert.equal((await cluster.kubectl(['create', 'configmap', 'app-config', '--from-literal=mode=fast', '--from-literal=level=3', `--from-file=${conf}`])).stdout.trim(), 'configmap/app-config created');
    assert.equal((await cluster.kubectl(['create', 'secret', 'generic', 'creds', '--from-literal=password=s3cret', '--from-literal=user=admin'])).stdout.trim(), 'secret/creds created');
    const cms = (await cluster.kubectl(['get', 'configmaps'])).stdout;
    assert.match(cms, /^NAME\s+DATA\s+AGE\n/);
    assert.match(cms, /\napp-config\s+3\s+\d+s/);
    const secrets = (await cluster.kubectl(['get', 'secrets'])).stdout;
    assert.match(secrets, /^NAME\s+TYPE\s+DATA\s+AGE\n/);
    assert.match(secrets, /\ncreds\s+Opaque\s+2\s+\d+s/);
    const s = JSON.parse((await cluster.kubectl(['get', 'secret', 'creds', '-o', 'json'])).stdout) as Json;
    assert.equal(Buffer.from(s.data.password, 'base64').toString(), 's3cret');
    const cm = JSON.parse((await cluster.kubectl(['get', 'cm', 'app-config', '-o', 'json'])).stdout) as Json;
    assert.equal(cm.data['app.conf'], 'color=blue\n');
    const bad = await cluster.kubectl(['apply', '-f', '-'], { allowFail: true, input: 'apiVersion: v1\nkind: Secret\nmetadata:\n  name: bad\ndata:\n  k: "!!notbase64"\n' });
    assert.notEqual(bad.code, 0);
    assert.match(bad.stderr, /illegal base64 data at input byte 0/);
    const badKey = await cluster.kubectl(['create', 'configmap', 'badkey', '--from-literal=a b=1'], { allowFail: true });
    assert.notEqual(badKey.code, 0);
    await cluster.kubectl(['apply', '-f', '-'], { input: 'apiVersion: v1\nkind: Secret\nmetadata:\n  name: strdata\nstringData:\n  token: abc\n' });
    const sd = JSON.parse((await cluster.kubectl(['get', 'secret', 'strdata', '-o', 'json'])).stdout) as Json;
    assert.equal(sd.data.token, Buffer.from('abc').toString('base64'));
    assert.equal(sd.stringData, undefined);
  });

  it('mounts configMap, secret, downwardAPI, projected, emptyDir (Memory, sizeLimit) and hostPath volumes; ConfigMap updates reach the files', async () => {
    writeFileSync(join(hostDir, 'host.txt'), 'from the host\n');
    await apply(`apiVersion: v1
kind: Pod
metadata:
  name: volumes
  labels: { app: vols, tier: back }
spec:
  containers:
  - name: show
    image: busybox
    imagePullPolicy: IfNotPresent
    resources: { limits: { memory: 64Mi, cpu: 500m } }
    command:
    - sh
    - -c
    - |
      echo "cm=$(cat /cfg/mode) conf=$(cat /cfg/conf/app.conf) modes=$(stat -L -c %a /cfg/mode /cfg/conf/app.conf | tr '\\n' ' ')"
      echo "secret=$(cat /sec/password) mode=$(stat -L -c %a /sec/password)"
      echo "name=$(cat /dapi/name) ns=$(cat /dapi/ns) mem=$(cat /dapi/mem)"
      echo "labels:"; cat /dapi/labels; echo
      echo "projected=$(cat /proj/m)/$(cat /proj/u)/$(cat /proj/pod) mode=$(stat -L -c %a /proj/u)"
      echo "host=$(cat /host/host.txt)"
      echo "$(grep ' /mem ' /proc/mounts)"
      echo hi > /mem/x && echo "mem write ok"
      while true; do echo "live mode=$(cat /cfg/mode)"; sleep 1; done
    volumeMounts:
    - { name: cfg, mountPath: /cfg }
    - { name: sec, mountPath: /sec, readOnly: true }
    - { name: dapi, mountPath: /dapi }
    - { name: proj, mountPath: /proj }
    - { name: host, mountPath: /host }
    - { name: mem, mountPath: /mem }
  volumes:
  - name: cfg
    configMap:
      name: app-config
      items:
      - { key: mode, path: mode }
      - { key: app.conf, path: conf/app.conf, mode: 0600 }
  - name: sec
    secret: { secretName: creds, defaultMode: 0400 }
  - name: dapi
    downwardAPI:
      items:
      - { path: name, fieldRef: { fieldPath: metadata.name } }
      - { path: ns, fieldRef: { fieldPath: metadata.namespace } }
      - { path: labels, fieldRef: { fieldPath: metadata.labels } }
      - { path: mem, resourceFieldRef: { containerName: show, resource: limits.memory, divisor: 1Mi } }
  - name: proj
    projected:
      defaultMode: 0440
      sources:
      - configMap: { name: app-config, items: [{ key: level, path: m }] }
      - secret: { name: creds, items: [{ key: user, path: u }] }
      - downwardAPI: { items: [{ path: pod, fieldRef: { fieldPath: metadata.name } }] }
  - name: host
    hostPath: { path: ${hostDir}, type: Directory }
  - name: mem
    emptyDir: { medium: Memory, sizeLimit: 16Mi }
`);
    const out = await waitLogs(['volumes'], /live mode=/);
    assert.match(out, /^cm=fast conf=color=blue modes=644 600 $/m);
    assert.match(out, /^secret=s3cret mode=400$/m);
    assert.match(out, /^name=volumes ns=default mem=64$/m);
    assert.match(out, /^labels:\napp="vols"\ntier="back"\n/m);
    assert.match(out, /^projected=3\/admin\/volumes mode=440$/m);
    assert.match(out, /^host=from the host$/m);
    assert.match(out, /^tmpfs \/mem tmpfs \S*size=16384k/m);
    assert.match(out, /^mem write ok$/m);
    await cluster.kubectl(['patch', 'configmap', 'app-config', '-p', '{"data":{"mode":"slow"}}']);
    await waitLogs(['volumes', '--tail=3'], /live mode=slow/, 60_000);
    await cluster.kubectl(['delete', 'pod', 'volumes', '--grace-period=1']);
  });

  it('builds env from value, fieldRef, resourceFieldRef, configMapKeyRef, secretKeyRef and envFrom; expands $(VAR) in env, command and args', async () => {
    await cluster.kubectl(['create', 'configmap', 'odd', '--from-literal=1bad=x', '--from-literal=GOOD=y']);
    await apply(`apiVersion: v1
kind: Pod
metadata:
  name: env
  labels: { app: envtest }
  annotations: { note: hello }
spec:
  containers:
  - name: show
    image: busybox
    imagePullPolicy: IfNotPresent
    resources: { limits: { memory: 32Mi }, requests: { cpu: 250m } }
    command: ["sh", "-c", "echo cmd=$(GREETING) $0 $1 $2; env | sort; sleep 3600", "$(POD_NAME)"]
    args: ["$(MODE)", "$$(NOT_EXPANDED)"]
    envFrom:
    - prefix: CFG_
      configMapRef: { name: app-config }
    - secretRef: { name: creds }
    - configMapRef: { name: odd }
    env:
    - { name: GREETING, value: "hi-$(CFG_mode)" }
    - { name: POD_NAME, valueFrom: { fieldRef: { fieldPath: metadata.name } } }
    - { name: POD_NAMESPACE, valueFrom: { fieldRef: { fieldPath: metadata.namespace } } }
    - { name: POD_UID, valueFrom: { fieldRef: { fieldPath: metadata.uid } } }
    - { name: POD_LABEL, valueFrom: { fieldRef: { fieldPath: "metadata.labels['app']" } } }
    - { name: POD_NOTE, valueFrom: { fieldRef: { fieldPath: "metadata.annotations['note']" } } }
    - { name: POD_IP, valueFrom: { fieldRef: { fieldPath: status.podIP } } }
    - { name: HOST_IP, valueFrom: { fieldRef: { fieldPath: status.hostIP } } }
    - { name: NODE, valueFrom: { fieldRef: { fieldPath: spec.nodeName } } }
    - { name: SA, valueFrom: { fieldRef: { fieldPath: spec.serviceAccountName } } }
    - { name: MEM_MI, valueFrom: { resourceFieldRef: { resource: limits.memory, divisor: 1Mi } } }
    - { name: CPU_M, valueFrom: { resourceFieldRef: { resource: requests.cpu, divisor: 1m } } }
    - { name: MODE, valueFrom: { configMapKeyRef: { name: app-config, key: mode } } }
    - { name: PASSWORD, valueFrom: { secretKeyRef: { name: creds, key: password } } }
    - { name: OPTIONAL, valueFrom: { configMapKeyRef: { name: nowhere, key: x, optional: true } } }
`);
    const out = await waitLogs(['env'], /POD_NAME=/);
    const p = await pod('env');
    assert.match(out, /^cmd=hi-slow env slow \$\(NOT_EXPANDED\)$/m);
    for (const re of [/^GREETING=hi-slow$/m, /^POD_NAME=env$/m, /^POD_NAMESPACE=default$/m, new RegExp(`^POD_UID=${p.metadata.uid}$`, 'm'),
      /^POD_LABEL=envtest$/m, /^POD_NOTE=hello$/m, new RegExp(`^POD_IP=${p.status.podIP.replace(/\./g, '\\.')}$`, 'm'),
      new RegExp(`^HOST_IP=${p.status.hostIP.replace(/\./g, '\\.')}$`, 'm'), new RegExp(`^NODE=${p.spec.nodeName}$`, 'm'), /^SA=default$/m,
      /^MEM_MI=32$/m, /^CPU_M=250$/m, /^MODE=slow$/m, /^PASSWORD=s3cret$/m, /^CFG_mode=slow$/m, /^CFG_level=3$/m, /^user=admin$/m, /^password=s3cret$/m, /^GOOD=y$/m]) {
      assert.match(out, re);
    }
    assert.doesNotMatch(out, /^OPTIONAL=/m);
    assert.doesNotMatch(out, /1bad=/, 'invalid names from envFrom are skipped');
    await waitFor(async () => /Warning\s+InvalidEnvironmentVariableNames\s+Keys \[1bad\] from the EnvFrom configMap default\/odd were skipped since they are considered invalid environment variable names\./.test(await events('env')),
      { description: 'InvalidEnvironmentVariableNames event', timeoutMs: 10_000 });
    await cluster.kubectl(['delete', 'pod', 'env', '--grace-period=1']);
  });

  it('reports a missing ConfigMap as CreateContainerConfigError, then starts once it exists', async () => {
    await apply(`apiVersion: v1
kind: Pod
metadata:
  name: missing-cm
spec:
  containers:
  - name: app
    image: busybox
    imagePullPolicy: IfNotPresent
    command: ["sh", "-c", "echo got=$VALUE; sleep 3600"]
    env:
    - { name: VALUE, valueFrom: { configMapKeyRef: { name: later, key: value } } }
`);
    const p = await waitPod('missing-cm', 'CreateContainerConfigError', (x) => status(x, 'app')?.state?.waiting?.reason === 'CreateContainerConfigError');
    assert.equal(status(p, 'app').state.waiting.message, 'configmap "later" not found');
    assert.match(await row('missing-cm'), /^missing-cm\s+0\/1\s+CreateContainerConfigError\s+0/);
    assert.match(await events('missing-cm'), /Warning\s+Failed\s+Error: configmap "later" not found/);
    await cluster.kubectl(['create', 'configmap', 'later', '--from-literal=value=42']);
    await waitLogs(['missing-cm'], /^got=42$/m, 30_000);
    await cluster.kubectl(['delete', 'pod', 'missing-cm', '--grace-period=1']);
  });

  it('records termination messages (File and FallbackToLogsOnError) and fails pods past activeDeadlineSeconds', async () => {
    await apply(`apiVersion: v1
kind: Pod
metadata:
  name: term-msg
spec:
  restartPolicy: Never
  containers:
  - name: file
    image: busybox
    imagePullPolicy: IfNotPresent
    command: ["sh", "-c", "printf 'disk full' > /dev/termination-log; exit 3"]
  - name: fallback
    image: busybox
    imagePullPolicy: IfNotPresent
    terminationMessagePolicy: FallbackToLogsOnError
    command: ["sh", "-c", "echo something broke; exit 2"]
  - name: custom
    image: busybox
    imagePullPolicy: IfNotPresent
    terminationMessagePath: /tmp/why
    command: ["sh", "-c", "echo custom path > /tmp/why"]
---
apiVersion: v1
kind: Pod
metadata:
  name: deadline
spec:
  activeDeadlineSeconds: 3
  containers:
  - name: app
    image: busybox
    imagePullPolicy: IfNotPresent
    command: ["sleep", "3600"]
`);
    const t = await waitPod('term-msg', 'Failed', (x) => x.status?.phase === 'Failed');
    assert.equal(status(t, 'file').state.terminated.message, 'disk full');
    assert.equal(status(t, 'file').state.terminated.exitCode, 3);
    assert.equal(status(t, 'fallback').state.terminated.message, 'something broke\n');
    assert.equal(status(t, 'custom').state.terminated.message, 'custom path\n');
    const d = await waitPod('deadline', 'Failed', (x) => x.status?.phase === 'Failed', 60_000);
    assert.equal(d.status.reason, 'DeadlineExceeded');
    assert.equal(d.status.message, 'Pod was active on the node longer than the specified deadline');
    // STATUS shows the pod reason until the killed container's own reason (Error) takes over, as printPod does.
    assert.match(await row('deadline'), /^deadline\s+0\/1\s+(DeadlineExceeded|Error)\s/);
    assert.match(await events('deadline'), /Normal\s+DeadlineExceeded\s+Pod was active on the node longer than the specified deadline/);
    await waitPod('deadline', 'container stopped', (x) => !!status(x, 'app')?.state?.terminated, 30_000);
    await cluster.kubectl(['delete', 'pod', 'term-msg', 'deadline', 'job-sidecar', '--grace-period=1']);
    await waitFor(() => !existsSync(join(cluster.dataDir, 'kubelet', 'pods', t.metadata.uid)), { description: 'pod directory removed', timeoutMs: 30_000 });
  });
});
