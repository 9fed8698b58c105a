// NAT-PMP and PCP codecs, the XML reader and UPnP parsing, fed honest and hostile router answers.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import * as natpmp from './natpmp.js';
import * as pcp from './pcp.js';
import { parseDescription, parseSoapAnswer, soapEnvelope } from './upnp-igd.js';
import { parseXml } from './xml.js';
import { parseIpv4Routes, parseIpv6Routes } from './default-gateway.js';
import { EpochTracker } from './epoch.js';

const FUZZ = { numRuns: 5_000 };

function mapAnswer(request: pcp.MapRequest, overrides: { nonce?: Uint8Array; result?: number; port?: number } = {}): Uint8Array {
  const bytes = Buffer.alloc(60);
  bytes[0] = 2;
  bytes[1] = 0x81;
  bytes[3] = overrides.result ?? 0;
  bytes.writeUInt32BE(600, 4);
  bytes.writeUInt32BE(1234, 8);
  bytes.set(overrides.nonce ?? request.nonce, 24);
  bytes[36] = 17;
  bytes.writeUInt16BE(overrides.port ?? request.internalPort, 40);
  bytes.writeUInt16BE(40000, 42);
  bytes.set(pcp.addressBytes('192.0.3.1')!, 44);
  return bytes;
}

describe('PCP codec', () => {
  const request: pcp.MapRequest = {
    nonce: pcp.newNonce(),
    transport: 'udp',
    clientAddress: pcp.addressBytes('10.0.0.2')!,
    internalPort: 7654,
    suggestedExternalPort: 7654,
    suggestedExternalAddress: pcp.ANY_IPV4,
    lifetimeSeconds: 7200,
  };

  it('encodes a MAP request as RFC 6887 §11.1 lays it out', () => {
    const bytes = Buffer.from(pcp.encodeMapRequest(request));
    assert.equal(bytes.length, 60);
    assert.deepEqual([bytes[0], bytes[1]], [2, 1]);
    assert.equal(bytes.readUInt32BE(4), 7200);
    assert.equal(bytes.subarray(8, 24).toString('hex'), '00000000000000000000ffff0a000002');
    assert.ok(bytes.subarray(24, 36).equals(request.nonce));
    assert.equal(bytes[36], 17);
    assert.equal(bytes.readUInt16BE(40), 7654);
  });

  it('accepts the answer that echoes nonce, protocol and port', () => {
    const answer = pcp.decodeMapResponse(mapAnswer(request), request);
    assert.ok(answer?.ok);
    assert.equal(answer.value.externalAddress, '192.0.3.1');
    assert.equal(answer.value.externalPort, 40000);
    assert.equal(answer.value.lifetimeSeconds, 600);
    assert.equal(answer.value.epochSeconds, 1234);
  });

  it('ignores an answer with a wrong nonce or port (not ours, whatever it says)', () => {
    assert.equal(pcp.decodeMapResponse(mapAnswer(request, { nonce: pcp.newNonce() }), request), undefined);
    assert.equal(pcp.decodeMapResponse(mapAnswer(request, { port: 1 }), request), undefined);
  });

  it('names error results and recognises a NAT-PMP-only router', () => {
    const refused = pcp.decodeMapResponse(mapAnswer(request, { result: 2 }), request);
    assert.equal(refused?.ok, false);
    assert.equal(refused?.ok === false ? refused.error : '', 'not-authorized');
    const natpmpOnly = pcp.decodeMapResponse(Uint8Array.of(0, 0x81, 0, 1, 0, 0, 0, 5), request);
    assert.equal(natpmpOnly?.ok === false ? natpmpOnly.error : '', 'natpmp-only');
  });

  it('never throws on hostile bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 1200 }), (bytes) => {
        pcp.decodeMapResponse(bytes, request);
        pcp.decodeAnnounceResponse(bytes);
      }),
      FUZZ,
    );
  });
});

describe('NAT-PMP codec', () => {
  it('encodes a mapping request (RFC 6886 §3.3) and decodes its answer', () => {
    assert.deepEqual([...natpmp.encodeMapRequest('tcp', 7654, 7654, 7200)], [0, 2, 0, 0, 0x1d, 0xe6, 0x1d, 0xe6, 0, 0, 0x1c, 0x20]);
    const answer = natpmp.decodeMapResponse(Uint8Array.of(0, 130, 0, 0, 0, 0, 0, 9, 0x1d, 0xe6, 0x9c, 0x40, 0, 0, 0x1c, 0x20), 'tcp', 7654);
    assert.ok(answer?.ok);
    assert.equal(answer.value.externalPort, 40000);
    assert.equal(answer.value.lifetimeSeconds, 7200);
  });

  it('decodes the external address and its error codes', () => {
    const answer = natpmp.decodeExternalAddressResponse(Uint8Array.of(0, 128, 0, 0, 0, 0, 0, 1, 192, 0, 3, 7));
    assert.ok(answer?.ok);
    assert.equal(answer.value.externalAddress, '192.0.3.7');
    const failure = natpmp.decodeExternalAddressResponse(Uint8Array.of(0, 128, 0, 3, 0, 0, 0, 1));
    assert.equal(failure?.ok === false ? failure.error : '', 'network-failure');
  });

  it('ignores short, foreign and other-port answers and never throws', () => {
    assert.equal(natpmp.decodeExternalAddressResponse(Uint8Array.of(0, 128, 0)), undefined);
    assert.equal(natpmp.decodeMapResponse(Uint8Array.of(0, 129, 0, 0, 0, 0, 0, 9, 0, 1, 0, 1, 0, 0, 0, 1), 'udp', 7654), undefined);
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 64 }), (bytes) => {
        natpmp.decodeExternalAddressResponse(bytes);
        natpmp.decodeMapResponse(bytes, 'udp', 7654);
      }),
      FUZZ,
    );
  });
});

describe('XML from the router', () => {
  it('refuses document type declarations, so no entity is ever defined or fetched', () => {
    const xxe = '<?xml version="1.0"?><!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]><r>&x;</r>';
    const parsed = parseXml(xxe);
    assert.equal(parsed.ok ? '' : parsed.error, 'doctype');
  });

  it('refuses oversized, too deep and malformed documents', () => {
    assert.equal(parseXml(`<a>${'x'.repeat(70_000)}</a>`).ok, false);
    assert.equal(parseXml('<a>'.repeat(100) + '</a>'.repeat(100)).ok, false);
    for (const bad of ['<a><b></a></b>', '<a>', 'text', '<a>&bogus;</a>', '<a></a><b></b>', '<a x="1>']) assert.equal(parseXml(bad).ok, false, bad);
  });

  it('decodes predefined entities and character references only', () => {
    const parsed = parseXml('<a><b>&lt;&amp;&#65;&#x42;</b><![CDATA[<c>]]></a>');
    assert.ok(parsed.ok);
    assert.equal(parsed.value.children[0]?.text, '<&AB');
    assert.equal(parsed.value.text, '<c>');
  });

  it('never throws on arbitrary text', () => {
    fc.assert(fc.property(fc.string({ maxLength: 400 }), (text) => void parseXml(text)), FUZZ);
  });
});

const DESCRIPTION = `<?xml version="1.0"?>
<root xmlns="urn:schemas-upnp-org:device-1-0"><device><deviceType>urn:schemas-upnp-org:device:InternetGatewayDevice:2</deviceType>
<deviceList><device><deviceList><device><serviceList>
<service><serviceType>urn:schemas-upnp-org:service:WANIPConnection:2</serviceType><controlURL>CONTROL</controlURL></service>
<service><serviceType>urn:schemas-upnp-org:service:WANIPv6FirewallControl:1</serviceType><controlURL>/ctl/IP6FCtl</controlURL></service>
</serviceList></device></deviceList></device></deviceList></device></root>`;

describe('UPnP description and SOAP', () => {
  it('finds the IGDv2 connection and firewall services on the router', () => {
    const parsed = parseDescription(DESCRIPTION.replace('CONTROL', '/ctl/IPConn'), 'http://10.0.0.1:5000/rootDesc.xml', '10.0.0.1');
    assert.ok(parsed.ok);
    assert.equal(parsed.value.version, 2);
    assert.equal(parsed.value.connection?.controlUrl, 'http://10.0.0.1:5000/ctl/IPConn');
    assert.equal(parsed.value.firewall?.controlUrl, 'http://10.0.0.1:5000/ctl/IP6FCtl');
  });

  it('drops control URLs that point at another host, another scheme or this computer', () => {
    for (const control of ['http://192.0.3.99/ctl', 'http://127.0.0.1:5644/api', 'https://10.0.0.1/ctl', 'http://user:pw@10.0.0.1/ctl', 'file:///etc/passwd']) {
      const parsed = parseDescription(DESCRIPTION.replace('CONTROL', control), 'http://10.0.0.1:5000/rootDesc.xml', '10.0.0.1');
      assert.ok(parsed.ok, control);
      assert.equal(parsed.value.connection, undefined, control);
    }
  });

  it('reads out-arguments and UPnP errors, escapes what it sends', () => {
    const answer = parseSoapAnswer(200, '<s:Envelope xmlns:s="x"><s:Body><u:AddAnyPortMappingResponse xmlns:u="y"><NewReservedPort>7654</NewReservedPort></u:AddAnyPortMappingResponse></s:Body></s:Envelope>', 'AddAnyPortMapping');
    assert.ok(answer.ok);
    assert.equal(answer.value['NewReservedPort'], '7654');
    const fault = parseSoapAnswer(500, '<s:Envelope><s:Body><s:Fault><detail><UPnPError><errorCode>725</errorCode><errorDescription>OnlyPermanentLeasesSupported</errorDescription></UPnPError></detail></s:Fault></s:Body></s:Envelope>', 'AddPortMapping');
    assert.equal(fault.ok === false && 'code' in fault ? fault.code : 0, 725);
    assert.match(soapEnvelope('urn:x', 'AddPortMapping', [['NewPortMappingDescription', '<a&b>']]), /&#60;a&#38;b&#62;/);
  });
});

describe('default routes', () => {
  it('reads the lowest-metric IPv4 default route in host byte order', () => {
    const table = 'Iface\tDestination\tGateway\tFlags\tRefCnt\tUse\tMetric\tMask\tMTU\tWindow\tIRTT\n' + 'wlan0\t00000000\t0101A8C0\t0003\t0\t0\t600\t00000000\t0\t0\t0\n' + 'eth0\t00000000\t0102000A\t0003\t0\t0\t100\t00000000\t0\t0\t0\n' + 'eth0\t0002000A\t00000000\t0001\t0\t0\t100\t00FFFFFF\t0\t0\t0\n';
    assert.deepEqual(parseIpv4Routes(table, 'LE'), { family: 'IPv4', address: '10.0.2.1', interface: 'eth0' });
    assert.equal(parseIpv4Routes('Iface\tDestination\n', 'LE'), undefined);
  });

  it('reads the IPv6 default route', () => {
    const line = `${'0'.repeat(32)} 00 ${'0'.repeat(32)} 00 fe800000000000000000000000000001 00000400 00000002 00000000 00000003     eth0\n`;
    assert.deepEqual(parseIpv6Routes(line), { family: 'IPv6', address: 'fe80::1', interface: 'eth0' });
    assert.equal(parseIpv6Routes('garbage'), undefined);
  });
});

describe('epoch', () => {
  it('sees a restart when the router clock goes back or runs far slower than ours', () => {
    const epoch = new EpochTracker();
    assert.equal(epoch.observe(1000, 0), false);
    assert.equal(epoch.observe(1060, 60_000), false);
    assert.equal(epoch.observe(5, 120_000), true);
    assert.equal(epoch.observe(65, 180_000), false);
    assert.equal(epoch.observe(70, 280_000), true);
  });
});
