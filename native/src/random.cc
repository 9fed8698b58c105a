// The operating system's CSPRNG: see random.h.
#include "random.h"

#if defined(_WIN32)
#include <windows.h>
#include <bcrypt.h>
#elif defined(__linux__)
#include <sys/random.h>
#include <cerrno>
#else
#include <stdlib.h>  // arc4random_buf: macOS, FreeBSD
#endif

namespace kith {

bool SystemRandom(uint8_t* buf, size_t n) {
#if defined(_WIN32)
  return BCryptGenRandom(nullptr, buf, static_cast<ULONG>(n), BCRYPT_USE_SYSTEM_PREFERRED_RNG) == 0;
#elif defined(__linux__)
  for (size_t done = 0; done < n;) {
    ssize_t r = getrandom(buf + done, n - done, 0);
    if (r < 0) {
      if (errno == EINTR) continue;
      return false;
    }
    done += static_cast<size_t>(r);
  }
  return true;
#else
  arc4random_buf(buf, n);
  return true;
#endif
}

}  // namespace kith
