// The PortMapper against small routers on loopback addresses that answer as told, honestly or not:
// method choice, address classification, lease fallbacks, restarts, and hostile answers that must
// end in a typed result, never an exception.
import assert from 'node:assert/strict';
import { createSocket } from 'node:dgram';
import type { Socket } from 'node:dgram';
import { createServer } from 'node:http';
import type { Server } from 'node:http';
import { once } from 'node:events';
import { afterEach, describe, it } from 'node:test';
import { err } from '../../shared/result.js';
import { openDatagramPort } from './datagram.js';
import { PortMapper } from './port-mapper.js';
import type { PortMapperOptions } from './port-mapper.js';
import type { MappingMethod, Pinhole, PortMapping } from './types.js';

let nextAddress = Math.floor(Math.random() * 200) + 10;
const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const cleanup of cleanups.splice(0)) cleanup();
});

/** A fresh loopback address standing in for the gateway. */
function gatewayAddress(): string {
  return `127.77.${nextAddress++ % 250}.1`;
}

/** A UDP "router" on address:port that answers each request with whatever `answer` returns. */
async function udpRouter(address: string, answer: (request: Buffer) => Uint8Array | undefined): Promise<{ port: number; requests: Buffer[] }> {
  const socket: Socket = createSocket(address.includes(':') ? 'udp6' : 'udp4');
  const requests: Buffer[] = [];
  socket.on('message', (bytes, from) => {
    requests.push(bytes);
    const reply = answer(bytes);
    if (reply !== undefined) socket.send(reply, from.port, from.address);
  });
  socket.bind(0, address);
  await once(socket, 'listening');
  cleanups.push(() => socket.close());
  return { port: socket.address().port, requests };
}

function pcpAnswer(request: Buffer, options: { epoch: number; result?: number; nonce?: Buffer }): Buffer {
  const op = request[1]!;
  const bytes = Buffer.alloc(op === 1 ? 60 : 24);
  bytes[0] = 2;
  bytes[1] = 0x80 | op;
  bytes[3] = options.result ?? 0;
  bytes.writeUInt32BE(request.readUInt32BE(4), 4);
  bytes.writeUInt32BE(options.epoch, 8);
  if (op === 1) {
    (options.nonce ?? request.subarray(24, 36)).copy(bytes, 24);
    request.copy(bytes, 36, 36, 42);
    bytes.writeUInt16BE(request.readUInt16BE(40), 42);
    Buffer.from('00000000000000000000ffffc0000309', 'hex').copy(bytes, 44);
  }
  return bytes;
}

function mapper(address: string, serverPort: number, options: PortMapperOptions = {}): PortMapper {
  const instance = new PortMapper({
    gateways: { IPv4: { family: 'IPv4', address, interface: 'lo' } },
    probeTimeoutMs: 400,
    requestTimeoutMs: 400,
    ...options,
    system: { serverPort, ...options.system },
  });
  cleanups.push(() => void instance.close());
  return instance;
}

const only = (...methods: MappingMethod[]): PortMapperOptions => ({ methods });

describe('PortMapper', () => {
  it('maps with PCP and reports the external address from the answer', async () => {
    const address = gatewayAddress();
    const router = await udpRouter(address, (request) => (request[0] === 2 ? pcpAnswer(request, { epoch: 100 }) : undefined));
    const result = await mapper(address, router.port, only('pcp', 'natpmp')).map({ transport: 'udp', internalPort: 7654 });
    assert.ok(result.ok, JSON.stringify(result));
    assert.equal(result.value.method, 'pcp');
    assert.equal(result.value.externalAddress, '192.0.3.9');
  });

  it('treats a PCP answer with a wrong nonce as no answer: typed timeout, nothing thrown', async () => {
    const address = gatewayAddress();
    const router = await udpRouter(address, (request) => (request[0] === 2 ? pcpAnswer(request, { epoch: 100, nonce: Buffer.alloc(12, 7) }) : undefined));
    const result = await mapper(address, router.port, only('pcp')).map({ transport: 'udp', internalPort: 7654 });
    assert.equal(result.ok, false);
    assert.equal(result.ok ? '' : result.error, 'timeout');
  });

  it('classifies a carrier-grade NAT external address and deletes the useless mapping', async () => {
    const address = gatewayAddress();
    const router = await udpRouter(address, (request) => {
      if (request[0] !== 0) return undefined;
      if (request[1] === 0) return Uint8Array.of(0, 128, 0, 0, 0, 0, 0, 50, 100, 64, 1, 1);
      return Buffer.concat([Buffer.from([0, 128 + request[1]!, 0, 0, 0, 0, 0, 50]), request.subarray(4, 8), request.subarray(8, 12)]);
    });
    const result = await mapper(address, router.port, only('natpmp')).map({ transport: 'udp', internalPort: 7654 });
    assert.equal(result.ok, false);
    assert.equal(result.ok ? '' : result.error, 'cgnat');
    assert.equal(result.ok ? '' : result.externalAddress, '100.64.1.1');
  });

  it('says double-nat when the router has no usable external address', async () => {
    const address = gatewayAddress();
    const router = await udpRouter(address, (request) => (request[0] === 0 ? Uint8Array.of(0, 128 + request[1]!, 0, 3, 0, 0, 0, 5) : undefined));
    const result = await mapper(address, router.port, only('natpmp')).map({ transport: 'udp', internalPort: 7654 });
    assert.equal(result.ok ? '' : result.error, 'double-nat');
  });

  it('says no-mapping-protocol when nothing answers, and no-gateway without a default route', async () => {
    const address = gatewayAddress();
    const silent = await udpRouter(address, () => undefined);
    const result = await mapper(address, silent.port, only('pcp', 'natpmp')).map({ transport: 'udp', internalPort: 7654 });
    assert.equal(result.ok ? '' : result.error, 'no-mapping-protocol');
    const noRoute = new PortMapper({ system: { findGateway: () => Promise.resolve(err('unsupported-os', 'test')) } });
    const unsupported = await noRoute.map({ transport: 'udp', internalPort: 7654 });
    assert.equal(unsupported.ok ? '' : unsupported.error, 'unsupported-os');
  });

  it('sees a router restart in the PCP epoch and makes the mapping again', async () => {
    const address = gatewayAddress();
    let epoch = 5000;
    let maps = 0;
    const router = await udpRouter(address, (request) => {
      if (request[0] !== 2) return undefined;
      // The second MAP (the first renewal) finds a router that just rebooted.
      if (request[1] === 1 && ++maps === 2) epoch = 1;
      return pcpAnswer(request, { epoch });
    });
    const instance = mapper(address, router.port, { ...only('pcp'), lifetimeSeconds: 1 });
    const restarted = once(instance, 'router-restarted');
    const result = await instance.map({ transport: 'udp', internalPort: 7654 });
    assert.ok(result.ok);
    const [method] = (await restarted) as [MappingMethod];
    assert.equal(method, 'pcp');
  });

  it('deletes its mappings on close (PCP MAP with lifetime 0 and the same nonce)', async () => {
    const address = gatewayAddress();
    const router = await udpRouter(address, (request) => (request[0] === 2 ? pcpAnswer(request, { epoch: 9 }) : undefined));
    const instance = mapper(address, router.port, only('pcp'));
    assert.ok((await instance.map({ transport: 'tcp', internalPort: 7654 })).ok);
    await instance.close();
    const maps = router.requests.filter((request) => request[1] === 1);
    const last = maps[maps.length - 1]!;
    assert.equal(last.readUInt32BE(4), 0);
    assert.ok(last.subarray(24, 36).equals(maps[0]!.subarray(24, 36)));
    assert.equal((await instance.map({ transport: 'udp', internalPort: 1 })).ok ? '' : 'closed', 'closed');
  });
});

describe('PortMapper pinholes', () => {
  // The router on ::1; the pinhole is for a global address this computer would have (its requests
  // leave from ::1, which the router does not check, as a real one checks only the source prefix).
  const GLOBAL = '2a0b:7a00:1::2';
  const pinholeMapper = (serverPort: number, lifetimeSeconds: number): PortMapper => {
    const instance = new PortMapper({
      methods: ['pcp'],
      lifetimeSeconds,
      gateways: { IPv6: { family: 'IPv6', address: '::1', interface: 'lo' } },
      probeTimeoutMs: 400,
      requestTimeoutMs: 400,
      system: { serverPort, openPort: (family) => openDatagramPort(family, '::1') },
    });
    cleanups.push(() => void instance.close());
    return instance;
  };

  it('opens a PCP pinhole for the global address, renews it at half its lifetime and deletes it on remove', async () => {
    const router = await udpRouter('::1', (request) => (request[0] === 2 ? pcpAnswer(request, { epoch: 77 }) : undefined));
    const instance = pinholeMapper(router.port, 1);
    const renewed = once(instance, 'renewed');
    const result = await instance.openPinhole({ transport: 'udp', address: GLOBAL, port: 7654 });
    assert.ok(result.ok, JSON.stringify(result));
    assert.deepEqual({ ...result.value, id: 0 }, { id: 0, method: 'pcp', transport: 'udp', address: GLOBAL, port: 7654, lifetimeSeconds: 1 });
    const [lease] = (await renewed) as [PortMapping | Pinhole];
    assert.equal(lease.id, result.value.id);
    assert.deepEqual(instance.list().map((held) => held.id), [result.value.id]);
    await instance.remove(result.value.id);
    const maps = router.requests.filter((request) => request[1] === 1);
    assert.ok(maps.length >= 3, `open, renewal, delete: ${maps.length} MAP requests`);
    // §11.1: a pinhole's MAP names this computer's own address (PCP header bytes 8..24) and port; the delete has lifetime 0 and the same nonce.
    assert.ok(maps.every((request) => request.subarray(8, 24).equals(Buffer.from('2a0b7a00000100000000000000000002', 'hex'))));
    const last = maps[maps.length - 1]!;
    assert.equal(last.readUInt32BE(4), 0);
    assert.ok(last.subarray(24, 36).equals(maps[0]!.subarray(24, 36)));
    assert.deepEqual(instance.list(), []);
  });

  it('opens no pinhole for an address that is not global', async () => {
    const instance = pinholeMapper(1, 60);
    for (const address of ['fd00::2', 'fe80::2', '2001:db8::2', '10.0.0.2']) {
      const result = await instance.openPinhole({ transport: 'udp', address, port: 7654 });
      assert.equal(result.ok ? '' : result.error, 'not-global', address);
    }
  });
});

/** A UPnP "router": SSDP on address:1900 and HTTP serving `description` and SOAP answers. */
async function upnpRouter(address: string, description: (base: string) => string, soap: (action: string, body: string) => { status: number; body: string }): Promise<void> {
  const server: Server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      if (request.method === 'GET') {
        response.writeHead(200, { 'Content-Type': 'text/xml' }).end(description(`http://${address}:${port}`));
        return;
      }
      const action = /#(\w+)"/.exec(String(request.headers['soapaction']))?.[1] ?? '';
      const answer = soap(action, Buffer.concat(chunks).toString('utf8'));
      response.writeHead(answer.status, { 'Content-Type': 'text/xml' }).end(answer.body);
    });
  });
  server.listen(0, address);
  await once(server, 'listening');
  const port = (server.address() as { port: number }).port;
  const ssdp = createSocket('udp4');
  ssdp.on('message', (_bytes, from) => ssdp.send(`HTTP/1.1 200 OK\r\nST: urn:schemas-upnp-org:device:InternetGatewayDevice:1\r\nLOCATION: http://${address}:${port}/rootDesc.xml\r\n\r\n`, from.port, from.address));
  ssdp.bind(1900, address);
  await once(ssdp, 'listening');
  cleanups.push(() => {
    server.close();
    ssdp.close();
  });
}

function igdDescription(version: 1 | 2, control: string): string {
  return `<?xml version="1.0"?><root><device><deviceType>urn:schemas-upnp-org:device:InternetGatewayDevice:${version}</deviceType><serviceList><service><serviceType>urn:schemas-upnp-org:service:WANIPConnection:${version}</serviceType><controlURL>${control}</controlURL></service></serviceList></device></root>`;
}

function soapOk(action: string, inner = ''): { status: number; body: string } {
  return { status: 200, body: `<?xml version="1.0"?><s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"><s:Body><u:${action}Response xmlns:u="x">${inner}</u:${action}Response></s:Body></s:Envelope>` };
}

function soapFault(code: number): { status: number; body: string } {
  return { status: 500, body: `<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"><s:Body><s:Fault><detail><UPnPError><errorCode>${code}</errorCode><errorDescription>e</errorDescription></UPnPError></detail></s:Fault></s:Body></s:Envelope>` };
}

describe('PortMapper over UPnP', () => {
  const upnp = only('upnp-igd1', 'upnp-igd2');

  it('falls back to a permanent lease on an IGDv1 router that accepts only those', async () => {
    const address = gatewayAddress();
    const leases: string[] = [];
    await upnpRouter(address, (base) => igdDescription(1, `${base}/ctl`), (action, body) => {
      if (action === 'GetExternalIPAddress') return soapOk(action, '<NewExternalIPAddress>192.0.3.5</NewExternalIPAddress>');
      const lease = /<NewLeaseDuration>(\d+)</.exec(body)?.[1] ?? '';
      leases.push(lease);
      return lease === '0' ? soapOk(action) : soapFault(725);
    });
    const result = await mapper(address, 1, upnp).map({ transport: 'udp', internalPort: 7654 });
    assert.ok(result.ok, JSON.stringify(result));
    assert.equal(result.value.method, 'upnp-igd1');
    assert.equal(result.value.lifetimeSeconds, 0);
    assert.deepEqual(leases, ['7200', '0']);
  });

  it('never follows a control URL to another host: the router counts as having no UPnP', async () => {
    const address = gatewayAddress();
    let soapCalls = 0;
    await upnpRouter(address, () => igdDescription(2, 'http://127.0.0.1:5644/api'), (action) => {
      soapCalls++;
      return soapOk(action);
    });
    const result = await mapper(address, 1, upnp).map({ transport: 'udp', internalPort: 7654 });
    assert.equal(result.ok ? '' : result.error, 'no-mapping-protocol');
    assert.equal(soapCalls, 0);
  });

  it('refuses oversized and malformed answers with a typed result', async () => {
    const address = gatewayAddress();
    await upnpRouter(address, (base) => igdDescription(2, `${base}/ctl`), (action) => {
      if (action === 'GetExternalIPAddress') return soapOk(action, `<NewExternalIPAddress>192.0.3.5</NewExternalIPAddress>`);
      return { status: 200, body: `<a>${'<b>'.repeat(10_000)}` };
    });
    const result = await mapper(address, 1, upnp).map({ transport: 'udp', internalPort: 7654 });
    assert.equal(result.ok ? '' : result.error, 'refused');
    const huge = gatewayAddress();
    await upnpRouter(huge, () => `<root>${'x'.repeat(200_000)}</root>`, (action) => soapOk(action));
    const second = await mapper(huge, 1, upnp).map({ transport: 'udp', internalPort: 7654 });
    assert.equal(second.ok ? '' : second.error, 'no-mapping-protocol');
  });
});
