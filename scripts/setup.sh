#!/usr/bin/env bash
# Prepares a Debian/Ubuntu machine to build, run and test Kith: system packages, then the npm
# dependencies from the lockfile, then the native code. Safe and quick to run again: each step is
# skipped when nothing it depends on changed. Needs Node.js >= 20.19 already installed.
set -euo pipefail
cd "$(dirname "$0")/.."

need_node_major=20
need_node_minor=19
if ! command -v node >/dev/null 2>&1; then
  echo "setup: Node.js is not installed; Kith needs Node.js ${need_node_major}.${need_node_minor} or newer (Node 20 LTS or 22 LTS)." >&2
  exit 1
fi
read -r major minor _ < <(node -p 'process.versions.node.split(".").join(" ")')
if (( major < need_node_major || (major == need_node_major && minor < need_node_minor) )); then
  echo "setup: Node.js $(node -v) is too old; Kith needs ${need_node_major}.${need_node_minor} or newer." >&2
  exit 1
fi

# Build tools for the native addons (node-gyp compiles against the installed Node headers), and
# setcap (libcap2-bin) for the test that gives a copy of native/kith-tap cap_net_admin, and ip /
# iptables and ping for the network-namespace tests (e2e/netns), iperf3, ethtool and tshark for
# the TAP offload tests (native/tap-offload.test.ts, native/offload.test.ts), miniupnpd (a real home
# router's UPnP IGD, NAT-PMP and PCP) with nftables, upnpc and natpmpc for the port-mapping tests
# (e2e/netns/portmap.test.ts), and Debian's chromium for the Playwright UI tests (never a downloaded
# browser), and curl, through which the first-contact tests call each desktop engine in its namespace.
packages=(python3 make g++ libcap2-bin iproute2 iptables nftables iputils-ping iperf3 ethtool tshark miniupnpd miniupnpc natpmpc chromium curl)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if ((${#missing[@]})); then
  sudo_cmd=()
  [ "$(id -u)" -eq 0 ] || sudo_cmd=(sudo)
  export DEBIAN_FRONTEND=noninteractive
  "${sudo_cmd[@]}" apt-get update -qq
  "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

# npm ci only when node_modules was not installed from this very lockfile by this Node version
# (packages with install scripts build for the Node that ran them). The stamp is Kith's own, written
# after npm ci succeeded and kept inside node_modules, so a failed or interrupted install, or a
# removed node_modules, never looks current; npm's node_modules/.package-lock.json is npm's internal
# cache in another format, not a copy of package-lock.json that could be compared.
lock_id=$({ sha256sum package-lock.json; node -v; } | sha256sum | cut -d' ' -f1)
lock_stamp=node_modules/.kith-lock-hash
if [[ -f $lock_stamp && $(<"$lock_stamp") == "$lock_id" ]]; then
  echo "setup: node_modules already matches package-lock.json (remove node_modules to reinstall)"
  # Native code is rebuilt only when its sources changed (npm ci's install hook does it otherwise).
  npm run --silent build:native
else
  # Electron's and Playwright's own downloads are never needed: the UI tests use Debian's chromium,
  # and the desktop shell falls back to the browser UI where no Electron binary can be fetched.
  export ELECTRON_SKIP_BINARY_DOWNLOAD=1 PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1
  echo "setup: installing the npm packages of package-lock.json (npm ci)"
  # electron-builder's native-module rebuilder (@electron/rebuild 4, node-abi 4) declares Node >=
  # 22.12; its releases for older Node pull a git dependency or a deprecated node-gyp 9 tree, so it
  # is not pinned back. It only builds the desktop installers: say so once instead of npm's warning.
  if (( major < 22 || (major == 22 && minor < 12) )); then
    echo "setup: Node.js $(node -v) builds, runs and tests Kith; building the desktop installers (npm run dist:desktop) needs Node.js 22.12 or newer"
  fi
  # npm's warnings here are deprecation and engine notices about build tools; errors show in full.
  npm ci --no-audit --no-fund --loglevel=error
  echo "$lock_id" >"$lock_stamp"
fi
