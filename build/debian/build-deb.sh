#!/usr/bin/env bash
# Builds the Debian package of the headless daemons, kith-daemons_<version>_<arch>.deb, with
# dpkg-deb from what `npm run build` and `npm run build:native` made (`npm run dist:deb` runs all
# three). Usage: build/debian/build-deb.sh [output directory]   (default: release/)
#
# Layout: the compiled JavaScript, the runtime npm packages and the addon under /usr/lib/kith (where
# the code finds them relative to itself), wrappers in /usr/bin, kith-tap itself in /usr/bin (the
# edge finds it on PATH; postinst gives it cap_net_admin), the systemd units in /lib/systemd/system,
# and /etc/kith/supernode.conf as a conffile. Node is a dependency, not bundled: Node 20's single
# executable applications run one CommonJS script, and Kith's entry points are ES modules with
# top-level await that find the web UI and the addon beside themselves.
set -euo pipefail
cd "$(dirname "$0")/../.."
out=$(realpath -m "${1:-release}")

for built in dist/supernode/main.js dist/engine/cli/edge-main.js dist/engine/cli/kithctl.js dist/renderer/index.html native/build/Release/kith_tap.node native/build/kith-tap; do
  [[ -e $built ]] || { echo "build-deb: $built is missing: run npm run build && npm run build:native (npm run dist:deb does both)" >&2; exit 1; }
done

# The runtime files of each production dependency. node-addon-api only supplies C++ headers for
# compiling the addon. A new dependency has to be listed here, or the build stops.
declare -A runtime_files=(
  [zstd-napi]='package.json LICENSE NOTICE binding.js dist build/Release/binding.node'
)
build_only=(node-addon-api)
for dep in $(node -p 'Object.keys(require("./package.json").dependencies ?? {}).join(" ")'); do
  if [[ -z ${runtime_files[$dep]+listed} && ! " ${build_only[*]} " =~ " $dep " ]]; then
    echo "build-deb: dependency $dep is not listed in build/debian/build-deb.sh (runtime_files or build_only)" >&2
    exit 1
  fi
done

version=$(node -p 'require("./package.json").version')
arch=$(dpkg --print-architecture)
stage=$(mktemp -d)
chmod 0755 "$stage" # the package's root directory entry
trap 'rm -rf "$stage"' EXIT
lib=$stage/usr/lib/kith

# The compiled daemons and the web UI a headless edge serves; no tests, benchmarks, source maps
# or desktop shell.
mkdir -p "$lib/dist"
tar -C dist --exclude='*.map' --exclude='*.test.js' --exclude='test-support.js' -cf - engine shared supernode native renderer | tar -C "$lib/dist" -xf -
# "type": "module" for dist/, and the version the programs report.
node -e 'const p = require("./package.json"); process.stdout.write(JSON.stringify({ name: p.name, version: p.version, description: p.description, license: p.license, type: p.type, private: true }, null, 2) + "\n")' >"$lib/package.json"
install -D -m 0644 native/build/Release/kith_tap.node "$lib/native/build/Release/kith_tap.node"
for dep in "${!runtime_files[@]}"; do
  for file in ${runtime_files[$dep]}; do
    mkdir -p "$(dirname "$lib/node_modules/$dep/$file")"
    cp -R "node_modules/$dep/$file" "$lib/node_modules/$dep/$file"
  done
done

mkdir -p "$stage/usr/bin"
install -m 0755 native/build/kith-tap "$stage/usr/bin/kith-tap"
for program in kith-supernode:supernode/main.js kith-edge:engine/cli/edge-main.js kithctl:engine/cli/kithctl.js; do
  # Node flags a program names on its first line (#!/usr/bin/env -S node <flags>) go along.
  flags=$(head -n 1 "dist/${program#*:}" | sed -n 's|^#!/usr/bin/env -S node||p')
  printf '#!/bin/sh\nexec /usr/bin/node%s /usr/lib/kith/dist/%s "$@"\n' "$flags" "${program#*:}" >"$stage/usr/bin/${program%%:*}"
  chmod 0755 "$stage/usr/bin/${program%%:*}"
done
strip --strip-unneeded "$stage/usr/bin/kith-tap" "$lib/native/build/Release/kith_tap.node" "$lib/node_modules/zstd-napi/build/Release/binding.node"

# kith-tapd.service stays with the desktop packages: it runs their copy of kith-tap, and headless
# edges get CAP_NET_ADMIN from their own unit.
for unit in kith-supernode.service kith-supernode@.service kith-edge@.service; do
  install -D -m 0644 "build/systemd/$unit" "$stage/lib/systemd/system/$unit"
done
install -D -m 0644 build/debian/supernode.conf "$stage/etc/kith/supernode.conf"
install -D -m 0644 /dev/stdin "$stage/usr/share/doc/kith-daemons/copyright" <<EOF
Kith — peer-to-peer layer-2 mesh VPN, wire-compatible with n3n / n2n 3.x.
License: GPL-3.0-or-later; on Debian systems the full text is in /usr/share/common-licenses/GPL-3.
EOF

mkdir -p "$stage/DEBIAN"
install -m 0755 build/debian/postinst build/debian/prerm build/debian/postrm "$stage/DEBIAN/"
echo /etc/kith/supernode.conf >"$stage/DEBIAN/conffiles"
(cd "$stage" && find usr lib -type f -print0 | sort -z | xargs -0 md5sum) >"$stage/DEBIAN/md5sums"
cat >"$stage/DEBIAN/control" <<EOF
Package: kith-daemons
Version: $version
Architecture: $arch
Maintainer: Kith contributors
Installed-Size: $(du -sk --exclude=DEBIAN "$stage" | cut -f1)
Depends: nodejs (>= 20.19), libcap2-bin, passwd, iproute2
Section: net
Priority: optional
Description: Kith supernode, headless edge and command-line client
 Kith is a peer-to-peer layer-2 mesh VPN, wire-compatible with n3n / n2n 3.x.
 This package holds kith-supernode, kith-edge, kithctl and the kith-tap helper
 (given cap_net_admin, never setuid), with systemd units running as the kith
 user. Debian 12's own nodejs is too old: install Node.js 20.19 or newer
 (for example NodeSource's nodejs package) first.
EOF

mkdir -p "$out"
deb=$out/kith-daemons_${version}_${arch}.deb
dpkg-deb --root-owner-group -Zxz --build "$stage" "$deb" >/dev/null
echo "build-deb: $deb ($(du -k "$deb" | cut -f1) KiB)"
