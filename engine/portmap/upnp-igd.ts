// UPnP Internet Gateway Device control: the router's description (which WAN connection service it
// offers, IGD version 1 or 2, and whether it has the IPv6 firewall service), and the SOAP actions
// for mappings and pinholes. Specifications: UPnP WANIPConnection:1 and :2, WANPPPConnection:1 and
// WANIPv6FirewallControl:1. Control URLs that point anywhere but the router are dropped.
import { err, ok } from '../../shared/result.js';
import type { Err, Ok, Result } from '../../shared/result.js';
import { httpRequest, permittedUrl } from './http-client.js';
import type { HttpError } from './http-client.js';
import type { Transport } from './types.js';
import { childText, descendants, parseXml } from './xml.js';
import type { XmlError } from './xml.js';

const WAN_IP_2 = 'urn:schemas-upnp-org:service:WANIPConnection:2';
const WAN_IP_1 = 'urn:schemas-upnp-org:service:WANIPConnection:1';
const WAN_PPP_1 = 'urn:schemas-upnp-org:service:WANPPPConnection:1';
const FIREWALL_6 = 'urn:schemas-upnp-org:service:WANIPv6FirewallControl:1';

const MAX_DESCRIPTION = 64 * 1024;
const MAX_SOAP_ANSWER = 16 * 1024;

export interface UpnpService {
  readonly serviceType: string;
  readonly controlUrl: string;
}

export interface IgdDescription {
  /** 2 when the connection service is WANIPConnection:2 (AddAnyPortMapping, leases must be finite). */
  readonly version: 1 | 2;
  readonly connection: UpnpService | undefined;
  readonly firewall: UpnpService | undefined;
}

export type DescriptionError = XmlError | HttpError | 'not-igd';

export function parseDescription(text: string, location: string, routerAddress: string): Result<IgdDescription, DescriptionError> {
  const document = parseXml(text, { maxChars: MAX_DESCRIPTION, maxDepth: 24, maxElements: 2000 });
  if (!document.ok) return document;
  const base = descendants(document.value, 'URLBase')[0]?.text || location;
  const services = new Map<string, UpnpService>();
  for (const service of descendants(document.value, 'service')) {
    const serviceType = childText(service, 'serviceType') ?? '';
    const control = childText(service, 'controlURL');
    if (control === undefined || services.has(serviceType)) continue;
    let resolved: string;
    try {
      resolved = new URL(control, base).toString();
    } catch {
      continue;
    }
    // Only ever the router itself: a control URL naming another host is not followed.
    if (permittedUrl(resolved, routerAddress).ok) services.set(serviceType, { serviceType, controlUrl: resolved });
  }
  const connection = services.get(WAN_IP_2) ?? services.get(WAN_IP_1) ?? services.get(WAN_PPP_1);
  const firewall = services.get(FIREWALL_6);
  if (connection === undefined && firewall === undefined) return err('not-igd', 'no WAN connection or IPv6 firewall service on the router');
  return ok({ version: connection?.serviceType === WAN_IP_2 ? 2 : 1, connection, firewall });
}

export async function fetchDescription(location: string, routerAddress: string, timeoutMs: number): Promise<Result<IgdDescription, DescriptionError>> {
  const response = await httpRequest({ url: location, allowedAddress: routerAddress, method: 'GET', maxBytes: MAX_DESCRIPTION, timeoutMs });
  if (!response.ok) return response;
  if (response.value.status !== 200) return err('failed', `HTTP ${response.value.status} for the description`);
  return parseDescription(response.value.body, location, routerAddress);
}

/** A refused action carries the UPnP error code (e.g. 718 ConflictInMappingEntry, 725 OnlyPermanentLeasesSupported). */
export type SoapFailure = Err<'upnp-error' | XmlError | HttpError | 'malformed'> & { readonly code?: number };
export type SoapResult = Ok<Readonly<Record<string, string>>> | SoapFailure;

function escapeXml(text: string): string {
  return text.replace(/[<>&"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

export function soapEnvelope(serviceType: string, action: string, args: readonly (readonly [string, string | number])[]): string {
  const body = args.map(([name, value]) => `<${name}>${escapeXml(String(value))}</${name}>`).join('');
  return (
    '<?xml version="1.0"?>\r\n' +
    '<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/" s:encodingStyle="http://schemas.xmlsoap.org/soap/encoding/">' +
    `<s:Body><u:${action} xmlns:u="${escapeXml(serviceType)}">${body}</u:${action}></s:Body></s:Envelope>\r\n`
  );
}

/** The out-arguments of a SOAP answer, or its UPnP error. */
export function parseSoapAnswer(status: number, text: string, action: string): SoapResult {
  const document = parseXml(text, { maxChars: MAX_SOAP_ANSWER, maxDepth: 12, maxElements: 200 });
  if (!document.ok) return document;
  if (status === 200) {
    const answer = descendants(document.value, `${action}Response`)[0];
    if (answer === undefined) return err('malformed', `no ${action}Response`);
    const values: Record<string, string> = {};
    for (const child of answer.children) values[child.name] = child.text;
    return ok(values);
  }
  const upnpError = descendants(document.value, 'UPnPError')[0];
  const code = Number(upnpError === undefined ? NaN : childText(upnpError, 'errorCode'));
  const description = upnpError === undefined ? `HTTP ${status}` : (childText(upnpError, 'errorDescription') ?? '').slice(0, 80);
  return Number.isInteger(code) ? { ...err('upnp-error', `${code} ${description}`), code } : err('malformed', description);
}

export async function soapCall(service: UpnpService, routerAddress: string, action: string, args: readonly (readonly [string, string | number])[], timeoutMs: number): Promise<SoapResult> {
  const response = await httpRequest({
    url: service.controlUrl,
    allowedAddress: routerAddress,
    method: 'POST',
    headers: { 'Content-Type': 'text/xml; charset="utf-8"', SOAPAction: `"${service.serviceType}#${action}"` },
    body: soapEnvelope(service.serviceType, action, args),
    maxBytes: MAX_SOAP_ANSWER,
    timeoutMs,
  });
  if (!response.ok) return response;
  return parseSoapAnswer(response.value.status, response.value.body, action);
}

export const UPNP_ERROR = { invalidAction: 401, actionFailed: 501, notAuthorized: 606, conflict: 718, onlyPermanentLeases: 725 } as const;

/** Protocol numbers for pinholes (WANIPv6FirewallControl takes IANA numbers, not names). */
export const PINHOLE_PROTOCOL: Record<Transport, number> = { tcp: 6, udp: 17 };
