// Resolving the host's OpenSSL at run time: see openssl_api.h.
#include "openssl_api.h"

#include <openssl/crypto.h>

#ifdef _WIN32
#include <windows.h>
#else
#include <dlfcn.h>
#endif

namespace kith {
namespace openssl {
namespace {

void* Find(const char* name) {
#ifdef _WIN32
  return reinterpret_cast<void*>(GetProcAddress(GetModuleHandleW(nullptr), name));
#else
  return dlsym(RTLD_DEFAULT, name);
#endif
}

template <typename F>
bool Bind(F* slot, const char* name) {
  *slot = reinterpret_cast<F>(Find(name));
  return *slot != nullptr;
}

bool Load(Api* a) {
  // The headers are OpenSSL 3's: the library must be too (BoringSSL and 1.1 have no such function).
  decltype(&OPENSSL_version_major) major = nullptr;
  if (!Bind(&major, "OPENSSL_version_major") || major() != OPENSSL_VERSION_MAJOR) return false;
  return Bind(&a->ctxNew, "EVP_CIPHER_CTX_new") && Bind(&a->ctxFree, "EVP_CIPHER_CTX_free") &&
         Bind(&a->setPadding, "EVP_CIPHER_CTX_set_padding") && Bind(&a->encryptInit, "EVP_EncryptInit_ex") &&
         Bind(&a->decryptInit, "EVP_DecryptInit_ex") && Bind(&a->encryptUpdate, "EVP_EncryptUpdate") &&
         Bind(&a->decryptUpdate, "EVP_DecryptUpdate") && Bind(&a->aes128Cbc, "EVP_aes_128_cbc") &&
         Bind(&a->aes192Cbc, "EVP_aes_192_cbc") && Bind(&a->aes256Cbc, "EVP_aes_256_cbc") &&
         Bind(&a->aes128Ecb, "EVP_aes_128_ecb") && Bind(&a->aes192Ecb, "EVP_aes_192_ecb") &&
         Bind(&a->aes256Ecb, "EVP_aes_256_ecb") && Bind(&a->chacha20, "EVP_chacha20");
}

}  // namespace

const Api* Get() {
  static Api api;
  static const bool loaded = Load(&api);
  return loaded ? &api : nullptr;
}

}  // namespace openssl
}  // namespace kith
