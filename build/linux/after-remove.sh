#!/bin/sh
# deb/rpm post-remove for Kith: undo the /usr/bin link. TAP devices a user created are persistent
# and owned by that user; they are left alone (`kith-tap delete <name>` removes one).
set -e
case "$1" in
  upgrade|1) exit 0 ;; # deb upgrade / rpm upgrade: the new version's files are already in place
esac
rm -f "/usr/bin/${executable}"
if command -v update-desktop-database >/dev/null 2>&1; then
  update-desktop-database -q /usr/share/applications || true
fi
