#!/bin/sh
# deb/rpm post-install for Kith. Replaces electron-builder's default script, so it also makes the
# /usr/bin link and gives chrome-sandbox the setuid bit the Chromium sandbox needs on kernels
# without unprivileged user namespaces.
set -e
APP_DIR="/opt/${productFilename}"

ln -sf "$APP_DIR/${executable}" "/usr/bin/${executable}"

if [ -f "$APP_DIR/chrome-sandbox" ]; then
  chown root "$APP_DIR/chrome-sandbox" || true
  chmod 4755 "$APP_DIR/chrome-sandbox" || true
fi

# kith-tap is the only privileged piece: file capabilities, never setuid (native/kith-tap/kith-tap.c).
HELPER="$APP_DIR/resources/bin/kith-tap"
if [ -f "$HELPER" ]; then
  chown root:root "$HELPER"
  chmod 0755 "$HELPER"
  if command -v setcap >/dev/null 2>&1; then
    setcap cap_net_admin=ep "$HELPER"
  else
    echo "kith: setcap not found; install libcap2-bin (deb) or libcap (rpm) and run: setcap cap_net_admin=ep $HELPER" >&2
  fi
fi

if command -v update-desktop-database >/dev/null 2>&1; then
  update-desktop-database -q /usr/share/applications || true
fi
