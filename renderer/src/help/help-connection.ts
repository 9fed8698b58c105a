// One help session's WebRTC link between the two Kith windows (issue 13). The helped computer
// offers: its screen as a video track, an audio transceiver that carries nothing until its person
// turns voice on, and two negotiated data channels — `pointer` (the helper's mark, helper → helped)
// and `voice` (voice on/off, helped → helper). The helper answers and only receives the picture.
// Offer, answer and candidates travel through the engines (kith.help.signal); ICE stays on the
// VPN addresses (ice.ts), and the selected pair is checked before the session counts as sharing.
import type { HelpSession, HelpSignal } from '../../../engine/help/api.js';
import { announcedCandidate, candidateOnVpn, pairOnVpn, parseCandidate, sdpOnVpn, selectedPair, type SelectedPair, type StatsEntry } from './ice.js';
import { decodePointer, encodePointer, type PointerMark } from './pointer.js';
import { decodeVoice, encodeVoice } from './voice.js';

export interface HelpConnectionEvents {
  /** Relay to the other window through the engine. */
  readonly signal: (signal: HelpSignal) => void;
  /** The picture flows over a pair on the VPN addresses (helper: the video is there). */
  readonly connected: (pair: SelectedPair) => void;
  /** ICE failed, or the selected pair left the VPN: the session must stop. */
  readonly failed: (why: string) => void;
  /** Helper: the helped screen's stream, to show. */
  readonly picture?: (stream: MediaStream) => void;
  /** The other side's voice, to play. */
  readonly voice?: (stream: MediaStream) => void;
  /** Helped: the helper's pointer moved. */
  readonly pointer?: (mark: PointerMark) => void;
  /** Voice turned on or off (on the helper's side, by the helped person). */
  readonly voiceChanged?: (on: boolean) => void;
}

/** What the connection needs of the browser (tests and the benchmark hand in their own). */
export interface MediaSource {
  readonly microphone: () => Promise<MediaStream>;
}

const POINTER_INTERVAL_MS = 33;
/** A VPN address gives a handful of host candidates (UDP, TCP); more is not a real peer. */
const MAX_EARLY_CANDIDATES = 16;
/** Allow → picture, on a busy machine, takes a few seconds; without a pair by then there is none. */
const CONNECT_WITHIN_MS = 30_000;
/**
 * This window had no candidate to announce: the browser hides its addresses and found no default
 * route to name one after (ice.ts announcedCandidate). With the microphone allowed it lists them.
 */
const NO_ADDRESS = "this browser gave no network address to connect from; allow this page to use the microphone (the browser then shows its addresses) or use the Kith app, and try again";
/** ICE says 'disconnected' after a few seconds without packets; it may recover shortly after. */
const DISCONNECTED_GRACE_MS = 5_000;

export class HelpConnection {
  readonly #session: HelpSession;
  readonly #events: HelpConnectionEvents;
  readonly #media: MediaSource;
  readonly #pc: RTCPeerConnection;
  readonly #pointer: RTCDataChannel;
  readonly #voice: RTCDataChannel;
  readonly #owned: MediaStreamTrack[] = [];
  #microphone: MediaStreamTrack | undefined;
  #muted = false;
  #voiceOn = false;
  #lastPointerAt = 0;
  #closed = false;
  #connectedOnce = false;
  #silence: ReturnType<typeof setTimeout> | undefined;
  readonly #connectBy: ReturnType<typeof setTimeout>;
  /** Candidates that came before the description they belong to (bounded: a hostile peer may flood). */
  readonly #early: RTCIceCandidateInit[] = [];
  /** Ports of the mDNS-named host candidates announced on the VPN address (see announcedCandidate). */
  readonly #announcedPorts = new Set<number>();
  #announced = false;
  /** Signals are applied one at a time, in the order they came. */
  #queue: Promise<void> = Promise.resolve();

  constructor(session: HelpSession, events: HelpConnectionEvents, media: MediaSource) {
    this.#session = session;
    this.#events = events;
    this.#media = media;
    // No STUN, no TURN: host candidates only, and of those only the VPN address is sent.
    this.#pc = new RTCPeerConnection({ iceServers: [] });
    this.#pointer = this.#pc.createDataChannel('pointer', { negotiated: true, id: 0, ordered: false, maxRetransmits: 0 });
    this.#voice = this.#pc.createDataChannel('voice', { negotiated: true, id: 1 });
    this.#connectBy = setTimeout(() => events.failed(this.#announced ? 'the two computers could not reach each other on their VPN addresses' : NO_ADDRESS), CONNECT_WITHIN_MS);
    this.#pc.onicecandidate = ({ candidate }) => {
      const line = candidate === null ? undefined : announcedCandidate(candidate.candidate, session.self.vpnIpv4);
      if (candidate === null || line === undefined) return;
      this.#announced = true;
      if (line !== candidate.candidate) this.#announcedPorts.add(parseCandidate(line)?.port ?? 0);
      events.signal({ type: 'candidate', candidate: line, sdpMid: candidate.sdpMid, sdpMLineIndex: candidate.sdpMLineIndex });
    };
    this.#pc.onconnectionstatechange = () => void this.#onConnectionState();
    this.#pc.ontrack = ({ track, streams }) => {
      const stream = streams[0] ?? new MediaStream([track]);
      if (track.kind === 'video') events.picture?.(stream);
      else events.voice?.(stream);
    };
    this.#pointer.onmessage = ({ data }) => {
      const mark = session.role === 'helped' ? decodePointer(data) : undefined;
      if (mark !== undefined) events.pointer?.(mark);
    };
    this.#voice.onmessage = ({ data }) => {
      const on = session.role === 'helper' ? decodeVoice(data) : undefined;
      if (on !== undefined) void this.#helperVoice(on);
    };
  }

  get session(): HelpSession {
    return this.#session;
  }

  /** Helped: shares `screen` and sends the offer. */
  async offer(screen: MediaStream): Promise<void> {
    for (const track of screen.getTracks()) {
      this.#owned.push(track);
      // The person may end the capture from the browser's own bar: that ends the session too.
      track.addEventListener('ended', () => this.#events.failed('the screen capture ended'));
      this.#pc.addTrack(track, screen);
    }
    this.#pc.addTransceiver('audio', { direction: 'sendrecv' });
    await this.#pc.setLocalDescription(await this.#pc.createOffer());
    this.#events.signal({ type: 'offer', sdp: sdpOnVpn(this.#pc.localDescription?.sdp ?? '', this.#session.self.vpnIpv4) });
  }

  /** A signal from the other window (already checked as JSON by the engine; its content is not trusted). */
  receive(signal: HelpSignal): Promise<void> {
    this.#queue = this.#queue.then(() => this.#apply(signal)).catch((error: unknown) => this.#events.failed(`the other computer's connection data was refused (${error instanceof Error ? error.message : String(error)})`));
    return this.#queue;
  }

  async #apply(signal: HelpSignal): Promise<void> {
    if (this.#closed) return;
    const peerIp = this.#session.peer.vpnIpv4;
    if (signal.type === 'candidate') {
      if (!candidateOnVpn(signal.candidate, peerIp)) return;
      const candidate = { candidate: signal.candidate, sdpMid: signal.sdpMid, sdpMLineIndex: signal.sdpMLineIndex };
      if (this.#pc.remoteDescription === null) {
        if (this.#early.length < MAX_EARLY_CANDIDATES) this.#early.push(candidate);
        return;
      }
      await this.#pc.addIceCandidate(candidate).catch(() => undefined);
      return;
    }
    if (signal.type === 'offer' && this.#session.role === 'helper') {
      await this.#pc.setRemoteDescription({ type: 'offer', sdp: sdpOnVpn(signal.sdp, peerIp) });
      // The audio m-line answers send-and-receive, so voice can start later without renegotiating.
      for (const transceiver of this.#pc.getTransceivers()) if (transceiver.receiver.track.kind === 'audio') transceiver.direction = 'sendrecv';
      await this.#pc.setLocalDescription(await this.#pc.createAnswer());
      this.#events.signal({ type: 'answer', sdp: sdpOnVpn(this.#pc.localDescription?.sdp ?? '', this.#session.self.vpnIpv4) });
    } else if (signal.type === 'answer' && this.#session.role === 'helped' && this.#pc.signalingState === 'have-local-offer') {
      await this.#pc.setRemoteDescription({ type: 'answer', sdp: sdpOnVpn(signal.sdp, peerIp) });
    } else {
      return;
    }
    for (const candidate of this.#early.splice(0)) await this.#pc.addIceCandidate(candidate).catch(() => undefined);
  }

  /** Helper: the mark moved on the picture (at most ~30 a second go out). */
  point(mark: PointerMark, now: number = performance.now()): void {
    if (this.#session.role !== 'helper' || this.#pointer.readyState !== 'open' || now - this.#lastPointerAt < POINTER_INTERVAL_MS) return;
    this.#lastPointerAt = now;
    this.#pointer.send(encodePointer(mark));
  }

  /** Helped: turns voice on or off for both sides; only the helped person may. */
  async setVoice(on: boolean): Promise<void> {
    if (this.#session.role !== 'helped') return;
    await this.#useMicrophone(on);
    if (this.#voice.readyState === 'open') this.#voice.send(encodeVoice(on));
  }

  get voiceOn(): boolean {
    return this.#voiceOn;
  }

  /** Mutes or unmutes this side's microphone (either side). */
  setMuted(muted: boolean): void {
    this.#muted = muted;
    if (this.#microphone !== undefined) this.#microphone.enabled = !muted;
  }

  /** The selected pair now, from getStats(). */
  private async pair(): Promise<SelectedPair | undefined> {
    const report = await this.#pc.getStats();
    return selectedPair(report.values() as Iterable<StatsEntry>);
  }

  /** Ends everything this side holds: the capture, the microphone, the connection. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    clearTimeout(this.#silence);
    clearTimeout(this.#connectBy);
    for (const track of this.#owned) track.stop();
    this.#microphone?.stop();
    this.#pc.close();
  }


  async #helperVoice(on: boolean): Promise<void> {
    await this.#useMicrophone(on).catch(() => undefined);
    this.#events.voiceChanged?.(on);
  }

  async #useMicrophone(on: boolean): Promise<void> {
    const sender = this.#pc.getTransceivers().find((transceiver) => transceiver.receiver.track.kind === 'audio')?.sender;
    if (sender === undefined) return;
    if (!on) {
      await sender.replaceTrack(null);
      this.#microphone?.stop();
      this.#microphone = undefined;
      this.#voiceOn = false;
      return;
    }
    if (this.#microphone === undefined) {
      const [track] = (await this.#media.microphone()).getAudioTracks();
      if (track === undefined || this.#closed) {
        track?.stop();
        return;
      }
      track.enabled = !this.#muted;
      this.#microphone = track;
    }
    await sender.replaceTrack(this.#microphone);
    this.#voiceOn = true;
  }

  async #onConnectionState(): Promise<void> {
    const state = this.#pc.connectionState;
    clearTimeout(this.#silence);
    if (state === 'failed' || state === 'closed') {
      if (!this.#closed) this.#events.failed('the connection between the two computers failed');
      return;
    }
    // The other window closed or its computer went away: after a short silence the session ends.
    if (state === 'disconnected') this.#silence = setTimeout(() => this.#events.failed('the other computer stopped answering'), DISCONNECTED_GRACE_MS);
    if (state !== 'connected' || this.#connectedOnce) return;
    this.#connectedOnce = true;
    clearTimeout(this.#connectBy);
    const pair = await this.pair();
    if (pair === undefined || !pairOnVpn(pair, this.#session.self.vpnIpv4, this.#session.peer.vpnIpv4, this.#announcedPorts)) {
      this.#events.failed(`the connection did not run between the VPN addresses (${pair === undefined ? 'no pair' : `${pair.local === '' ? 'hidden' : pair.local}:${pair.localPort} ↔ ${pair.remote}`})`);
      return;
    }
    this.#events.connected(pair);
  }
}
