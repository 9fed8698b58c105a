// What the desktop app runs, in Electron's main process or for the browser UI: the profiles, the
// TAP, the edge session, the edge's management server (called in-process by Electron, over
// loopback TCP by a browser) and, for the built-in first network, a local supernode that the entry
// point hands in (supernode/embedded.ts), so the host itself does not depend on the supernode.
import { hostname } from 'node:os';
import { defaultConfig } from '../engine/config/load.js';
import { EdgeSession, type EdgeSessionOptions } from '../engine/edge/api/edge-session.js';
import { createEdgeManagement } from '../engine/edge/api/management.js';
import { openTapPort } from '../engine/edge/io/tap-port.js';
import { Logger } from '../engine/log.js';
import { parseMac } from '../engine/protocol/index.js';
import type { InProcessReply } from '../engine/mgmt/http-server.js';
import { err, ok, type Result } from '../shared/result.js';
import type { NetworkSettings } from '../engine/profiles/api.js';
import { LogRing } from '../engine/profiles/log-ring.js';
import { NetworkController } from '../engine/profiles/network-controller.js';
import { desktopExtension } from '../engine/profiles/profile-methods.js';
import { checkSettings } from '../engine/profiles/network-settings.js';
import { newHostedNetwork } from '../engine/profiles/new-network.js';
import type { PortMapper } from '../engine/portmap/port-mapper.js';
import { Hosting, type EmbeddedSupernodeFactory } from './hosting.js';
import { defaultProfilesDir, ProfileStore } from '../engine/profiles/profile-store.js';

/** n3n's edge management port (MANAGEMENT.md §1.2); a profile's management.port overrides it. */
export const DESKTOP_MANAGEMENT_PORT = 5644;
/**
 * The TAP the desktop uses unless a profile names one: kith<uid>, each user their own (a name
 * shared by all would let one user's device stand in another's way), which kith-tap reserves for
 * that uid. Windows has no uids: its one TAP-Windows adapter is kith0.
 */
export function desktopTapName(uid: number | undefined = process.getuid?.()): string {
  return `kith${uid ?? 0}`;
}

export type HostError = 'profile' | 'tap' | 'listen';


export interface DesktopHostOptions {
  readonly version: string;
  /** Default: defaultProfilesDir() ($KITH_PROFILES_DIR or the platform's config directory). */
  readonly profilesDir?: string;
  /** Listen for the browser UI on loopback TCP: the profile's management.port, else 5644; 0 = any free port. */
  readonly listen?: { readonly port?: number; readonly webUiDir?: string };
  /** Starts a supernode in this process for a network hosted here (its supernode on 127.0.0.1). */
  readonly embeddedSupernode?: EmbeddedSupernodeFactory;
  /** Asks the home router to forward the hosted supernode's and the edge's ports; default: none. */
  readonly portMapper?: PortMapper;
  /** Path of kith-tap when it is not in the tree or on PATH (a packaged app's resources/bin). */
  readonly tapHelper?: string;
  /** Tests: a port other than the TAP. */
  readonly openPort?: EdgeSessionOptions['openPort'];
  readonly edgeOptions?: EdgeSessionOptions['edgeOptions'];
  /** Log lines for stderr (they are kept for `kith.log` as well). */
  readonly logSink?: (line: string) => void;
  /** `stop` was called. */
  readonly onStopRequested?: () => void;
}

export interface DesktopHost {
  readonly session: EdgeSession;
  readonly network: NetworkController;
  /** `http://127.0.0.1:<port>/` when listening for the browser. */
  readonly url: string | undefined;
  /** Where the management password is kept (never the password itself). */
  readonly passwordFile: string;
  /**
   * A new one-time link that signs a browser in (`<url>login#<token>`), when listening for one; the
   * previous link stops working. For the terminal that started Kith, never for a log.
   */
  loginLink(): string | undefined;
  /** The management table through POST /v1's dispatch; Electron passes authorised: true. */
  call(method: string, params?: unknown, options?: { readonly authorised: boolean }): Promise<InProcessReply>;
  subscribe(topic: string, listener: (event: object) => void): Result<() => void, 'unknown-topic'>;
  close(): Promise<void>;
}

/** The first network on a fresh computer: encrypted, hosted here, named after the host for its peers. */
export function firstNetworkSettings(computerName: string = hostname()): NetworkSettings {
  const settings = newHostedNetwork(Buffer.from(computerName).subarray(0, 15).toString().replace(/\uFFFD/g, ''));
  // A host name the schema refuses (odd characters) leaves the description to the edge's default.
  return checkSettings(defaultConfig('edge'), settings).ok ? settings : { ...settings, description: '' };
}

async function activeProfile(store: ProfileStore): Promise<Result<string, HostError>> {
  const remembered = await store.lastActive();
  if (remembered !== undefined) return ok(remembered);
  const [first] = await store.list();
  if (first !== undefined) return ok(first.name);
  const created = await store.save('kith-home', firstNetworkSettings());
  return created.ok ? ok('kith-home') : err('profile', created.detail);
}

/** The TAP keeps this computer's one MAC (ProfileStore.deviceMac) unless a profile names another. */
const tapOpener =
  (helper: string | undefined, deviceMac: Uint8Array | undefined): EdgeSessionOptions['openPort'] =>
  async (name, config) => {
    const opened = await openTapPort({ name, mtu: config.tuntap.mtu, mac: config.tuntap.macaddr ?? deviceMac, ...(helper === undefined ? {} : { helper }) });
    return opened.ok ? opened : err(opened.error, opened.detail);
  };

export async function startDesktopHost(options: DesktopHostOptions): Promise<Result<DesktopHost, HostError>> {
  const store = new ProfileStore(options.profilesDir ?? defaultProfilesDir());
  const profile = await activeProfile(store);
  if (!profile.ok) return profile;
  const loaded = store.load(profile.value);
  if (!loaded.ok) return err('profile', loaded.detail);
  const { password, file: passwordFile } = await store.managementPassword();
  const deviceMac = parseMac(await store.deviceMac());

  // The secrets to mask in the log follow the session's config across restarts.
  const live: { session?: EdgeSession } = {};
  const ring = new LogRing(500, () => [password, live.session?.config.community.key, live.session?.config.auth.password]);
  const sink = options.logSink ?? ((line: string) => void process.stderr.write(line));
  const logger = new Logger(loaded.value.logging.verbose, ring.tee({ write: sink }));

  const hosting = new Hosting({ store, logger, startSupernode: options.embeddedSupernode, mapper: options.portMapper });
  const config = await hosting.prepare(profile.value, loaded.value);
  const opened = await EdgeSession.open({
    config,
    logger,
    portName: (c) => c.tuntap.name ?? desktopTapName(),
    openPort: options.openPort ?? tapOpener(options.tapHelper, deviceMac.ok ? deviceMac.value : undefined),
    ...(options.edgeOptions === undefined ? {} : { edgeOptions: options.edgeOptions }),
  });
  if (!opened.ok) {
    await hosting.close();
    return err(opened.error === 'port' ? 'tap' : 'profile', opened.detail);
  }
  const session = opened.value;
  live.session = session;
  const detach = hosting.attach(session);
  const network = new NetworkController({
    session,
    store,
    profile: profile.value,
    log: ring,
    logger,
    rememberActive: true,
    hosting,
  });
  const management = createEdgeManagement({
    edge: session,
    session: 'desktop',
    config: { ...config, management: { ...config.management, password } },
    logger,
    version: options.version,
    tapName: session.portName,
    requestStop: () => options.onStopRequested?.(),
    log: (line) => logger.warn(line),
    extension: desktopExtension(network, session, (line) => logger.normal(line)),
    ...(options.listen?.webUiDir === undefined ? {} : { webUiDir: options.listen.webUiDir }),
  });
  const close = async (): Promise<void> => {
    await management.close();
    await session.close();
    detach();
    // The router's mappings go with the edge and the supernode: nothing stays open after quitting.
    await hosting.close();
  };

  let url: string | undefined;
  if (options.listen !== undefined) {
    const port = options.listen.port ?? (config.management.port !== 0 ? config.management.port : DESKTOP_MANAGEMENT_PORT);
    const listening = await management.server.listenTcp({ port, host: '127.0.0.1' });
    if (!listening.ok) {
      await close();
      return err('listen', `management port ${port}: ${listening.error === 'port-in-use' ? 'already in use (is Kith already running?)' : (listening.detail ?? listening.error)}`);
    }
    url = `http://${listening.value.addresses[0]?.replace(/^tcp:/, '') ?? `127.0.0.1:${port}`}/`;
  }
  await session.connect();
  logger.normal(`profile ${profile.value}: joining community ${session.settings.communityName}`);

  return ok({
    session,
    network,
    url,
    passwordFile,
    loginLink: () => (url === undefined ? undefined : `${url}login#${management.server.issueLoginToken()}`),
    call: (method, params, callOptions) => management.server.call(method, params, callOptions ?? { authorised: true }),
    subscribe: (topic, listener) => management.server.subscribe(topic, listener),
    close,
  });
}
