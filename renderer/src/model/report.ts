// "Copy report" on Diagnostics: what someone helping needs, without secrets. Built only from the
// fields listed here, so a key or password in any snapshot cannot leak into it; log text is
// scrubbed as well, in case a line quotes one.
import type { KithStatus, LogLine, PeerView, SettingsView, SupernodeView } from '../../../engine/profiles/api.js';
import { formatBytes, formatRtt, peerStateTitle, peerName, stateText } from './format.js';

export interface ReportInput {
  readonly now: number;
  readonly appVersion: string;
  readonly userAgent: string;
  readonly status: KithStatus | undefined;
  readonly peers: readonly PeerView[];
  readonly supernodes: readonly SupernodeView[];
  readonly settings: SettingsView | undefined;
  readonly log: readonly LogLine[];
}

/** Removes `key=…`, `password: …` and the configured key itself from free text. */
export function scrub(text: string, secrets: readonly string[]): string {
  let out = text.replace(/\b(key|password|passwd|secret|token)(\s*[=:]\s*)("[^"]*"|'[^']*'|\S+)/gi, '$1$2[hidden]');
  for (const secret of secrets) if (secret.length >= 1) out = out.split(secret).join('[hidden]');
  return out;
}

/**
 * With header encryption the community name is the header key (CRYPTO.md), so it is a secret like
 * the key; when the settings could not be read it is not known to be safe, so it is left out too.
 */
function communityIsSecret(settings: SettingsView | undefined): boolean {
  return settings === undefined || settings.settings.headerEncryption;
}

export function buildReport(input: ReportInput): string {
  const { status, settings } = input;
  const hideCommunity = communityIsSecret(settings);
  const community = status?.community ?? settings?.settings.community ?? '';
  const secrets = [settings?.settings.key ?? '', hideCommunity ? community : '', hideCommunity ? (settings?.settings.community ?? '') : ''].filter((secret) => secret !== '');
  const lines: string[] = [];
  lines.push('Kith diagnostic report', `Created: ${new Date(input.now).toISOString()}`, `App: ${input.appVersion}`, `Engine: ${status?.version ?? 'unknown'}`, `Browser: ${input.userAgent}`, '');
  lines.push('Status');
  lines.push(`  State: ${stateText(status)}`);
  if (status !== undefined) {
    const shown = hideCommunity ? '(left out: with header encryption, or unknown settings, the name is a key)' : status.community;
    lines.push(`  Community: ${shown}`, `  This computer: ${status.description} (${status.mac})`, `  Address: ${status.address ?? 'none'} (${status.addressMode})`);
    lines.push(`  Supernode: ${status.supernode ?? 'none'} ${formatRtt(status.supernodeRttMs)}`);
  }
  if (settings !== undefined) {
    const s = settings.settings;
    lines.push(`  Network: ${settings.profile}`, `  Cipher: ${s.cipher}, compression: ${s.compression}, header encryption: ${s.headerEncryption ? 'on' : 'off'}`);
    lines.push(s.key === '' ? '  No key set (traffic not encrypted)' : '  A key is set (left out of this report)');
  }
  lines.push('', `Peers (${input.peers.length})`);
  for (const peer of input.peers) {
    lines.push(`  ${peerName(peer)}  ${peer.vpnIpv4 ?? '-'}  ${peer.mac}  ${peerStateTitle(peer)}  ${formatRtt(peer.rttMs)}  in ${formatBytes(peer.traffic.bytesIn)} out ${formatBytes(peer.traffic.bytesOut)}`);
  }
  lines.push('', `Supernodes (${input.supernodes.length})`);
  for (const sn of input.supernodes) lines.push(`  ${sn.host} ${sn.socket}  ${formatRtt(sn.rttMs)}${sn.selected ? '  selected' : ''}  ${sn.version}`);
  lines.push('', `Log (last ${input.log.length} lines)`);
  for (const line of input.log) lines.push(`  ${new Date(line.time).toISOString()} ${line.level} ${line.text}`);
  return scrub(lines.join('\n'), secrets) + '\n';
}
