// The addon's parts beyond the TAP handle (addon.cc), each adding its functions to exports.
#pragma once

#include <napi.h>

namespace kith {

// Payload transforms over batches and the Pearson/Speck/Twofish kernels (crypto_napi.cc).
void InitCrypto(Napi::Env env, Napi::Object exports);

#ifdef __linux__
// vnetSplit / vnetCoalesce: the TAP offload's segmentation and coalescing on plain bytes, for
// tests and benchmarks (offload_napi.cc).
void InitOffload(Napi::Env env, Napi::Object exports);
#endif

}  // namespace kith
