#!/usr/bin/env bash
# Proves the Windows backend compiles: mingw-w64 (apt-get install mingw-w64), posix-threads
# flavour for std::thread/std::mutex (MSVC, which node-gyp uses on Windows, has them natively).
# FreeBSD and macOS sources need their SDKs and are not compiled here.
set -euo pipefail
cd "$(dirname "$0")/.."
cxx=x86_64-w64-mingw32-g++-posix
for f in addon tap_win; do
  "$cxx" -std=c++17 -Wall -Wextra -Werror -fsyntax-only -D_WIN32_WINNT=0x0A00 -DNAPI_VERSION=8 -DNAPI_CPP_EXCEPTIONS \
    -I/usr/include/node -Inode_modules/node-addon-api "native/src/$f.cc"
done
echo "windows: addon.cc tap_win.cc compile"
