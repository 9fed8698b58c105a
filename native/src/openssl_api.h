// OpenSSL as the host process offers it. Node exports the OpenSSL 3 it is built with (Linux and
// macOS: from the node binary; Windows: from node.exe, which exports them for addons), so the
// functions are looked up at run time instead of linked: the addon then also loads where there is
// none to be had — Electron's BoringSSL exports no symbols — and AES/ChaCha20 there say so
// (Api() returns nullptr) while everything else keeps working.
#pragma once

#include <openssl/evp.h>

namespace kith {
namespace openssl {

struct Api {
  decltype(&EVP_CIPHER_CTX_new) ctxNew;
  decltype(&EVP_CIPHER_CTX_free) ctxFree;
  decltype(&EVP_CIPHER_CTX_set_padding) setPadding;
  decltype(&EVP_EncryptInit_ex) encryptInit;
  decltype(&EVP_DecryptInit_ex) decryptInit;
  decltype(&EVP_EncryptUpdate) encryptUpdate;
  decltype(&EVP_DecryptUpdate) decryptUpdate;
  decltype(&EVP_aes_128_cbc) aes128Cbc;
  decltype(&EVP_aes_192_cbc) aes192Cbc;
  decltype(&EVP_aes_256_cbc) aes256Cbc;
  decltype(&EVP_aes_128_ecb) aes128Ecb;
  decltype(&EVP_aes_192_ecb) aes192Ecb;
  decltype(&EVP_aes_256_ecb) aes256Ecb;
  decltype(&EVP_chacha20) chacha20;
};

// The process's OpenSSL 3, or nullptr. Resolved once.
const Api* Get();

}  // namespace openssl
}  // namespace kith
