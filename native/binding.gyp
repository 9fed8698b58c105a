{
  "targets": [
    {
      "target_name": "kith_tap",
      "sources": ["src/addon.cc", "src/crypto_napi.cc", "src/payload.cc", "src/kernels.cc", "src/openssl_api.cc", "src/random.cc", "src/peer_cred.cc"],
      "dependencies": ["<!(node -p \"require('node-addon-api').targets\"):node_addon_api_except"],
      "cflags_cc": ["-std=c++17", "-Wall", "-Wextra"],
      "defines": ["NAPI_VERSION=8"],
      "conditions": [
        ["OS=='linux'", {
          "sources": ["src/tap_linux.cc", "src/udp_linux.cc", "src/vnet_linux.cc", "src/offload.cc", "src/offload_napi.cc", "src/express_linux.cc", "src/register_answers_linux.cc"],
          "libraries": ["-ldl"]
        }],
        ["OS=='freebsd'", {"sources": ["src/tap_freebsd.cc"]}],
        ["OS=='mac'", {
          "sources": ["src/tap_macos.cc"],
          "xcode_settings": {"CLANG_CXX_LANGUAGE_STANDARD": "c++17", "MACOSX_DEPLOYMENT_TARGET": "11.0"}
        }],
        ["OS=='win'", {
          "sources": ["src/tap_win.cc"],
          "libraries": ["-ladvapi32", "-liphlpapi", "-lbcrypt"],
          "msvs_settings": {"VCCLCompilerTool": {"AdditionalOptions": ["/std:c++17"]}}
        }]
      ]
    }
  ]
}
