import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  channelMessage, CHANNEL_PROTOCOLS, decodeClientMessage, errorChannelPayload, exitCodeStatus, negotiateProtocol, parseProtocolHeader, type ClientAction,
} from './channels.js';

test('negotiation: the client order wins among protocols we serve', () => {
  assert.equal(negotiateProtocol(['v5.channel.k8s.io'], CHANNEL_PROTOCOLS), 'v5.channel.k8s.io');
  assert.equal(negotiateProtocol(['base64.channel.k8s.io', 'v4.channel.k8s.io', 'v5.channel.k8s.io'], CHANNEL_PROTOCOLS), 'v4.channel.k8s.io');
  assert.equal(negotiateProtocol(['SPDY/3.1+portforward.k8s.io'], CHANNEL_PROTOCOLS), undefined);
  assert.deepEqual(parseProtocolHeader('v5.channel.k8s.io, v4.channel.k8s.io'), ['v5.channel.k8s.io', 'v4.channel.k8s.io']);
  assert.deepEqual(parseProtocolHeader(undefined), []);
});

const B = (...xs: Array<number | string>): Buffer => Buffer.concat(xs.map((x) => (typeof x === 'number' ? Buffer.from([x]) : Buffer.from(x))));

const decodeCases: Array<{ protocol: string; msg: Buffer; want: ClientAction }> = [
  { protocol: 'v5.channel.k8s.io', msg: B(0, 'hello\n'), want: { kind: 'stdin', data: Buffer.from('hello\n') } },
  { protocol: 'v5.channel.k8s.io', msg: B(0), want: { kind: 'ignore' } },
  { protocol: 'v5.channel.k8s.io', msg: B(4, '{"Width":100,"Height":30}\n'), want: { kind: 'resize', data: Buffer.from('{"Width":100,"Height":30}\n') } },
  { protocol: 'v5.channel.k8s.io', msg: B(255, 0), want: { kind: 'close', channel: 0 } },
  { protocol: 'v4.channel.k8s.io', msg: B(255, 0), want: { kind: 'ignore' } },
  { protocol: 'v5.channel.k8s.io', msg: B(255), want: { kind: 'ignore' } },
  { protocol: 'v5.channel.k8s.io', msg: Buffer.alloc(0), want: { kind: 'ignore' } },
  { protocol: 'v5.channel.k8s.io', msg: B(1, 'x'), want: { kind: 'ignore' } },
];

for (const c of decodeCases) {
  test(`decodeClientMessage ${c.protocol} ${c.msg.toString('hex').slice(0, 8) || '(empty)'}`, () => {
    assert.deepEqual(decodeClientMessage(c.protocol, c.msg), c.want);
  });
}

test('channelMessage prefixes the channel byte', () => {
  assert.deepEqual([...channelMessage(1, Buffer.from('ab'))], [1, 0x61, 0x62]);
});

test('the error channel carries the Status for v4/v5 and the message (or nothing) before', () => {
  const fail = Buffer.from(JSON.stringify(exitCodeStatus(3)));
  const ok = Buffer.from(JSON.stringify(exitCodeStatus(0)));
  assert.deepEqual(errorChannelPayload('v5.channel.k8s.io', fail), fail);
  assert.deepEqual(errorChannelPayload('v4.channel.k8s.io', ok), ok);
  assert.equal(errorChannelPayload('v5.channel.k8s.io', Buffer.alloc(0)), undefined);
  assert.equal(errorChannelPayload('channel.k8s.io', ok), undefined);
  assert.match(String(errorChannelPayload('v2.channel.k8s.io', fail)), /exit code 3$/);
  const st = exitCodeStatus(3);
  assert.equal(st.reason, 'NonZeroExitCode');
  assert.deepEqual(st.details?.causes, [{ reason: 'ExitCode', message: '3' }]);
});
