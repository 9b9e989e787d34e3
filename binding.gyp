# The native backend (see native/). Built from source by `npm install` through native/build.js,
# which never fails the install: without the addon, chainrule runs on its js backend.
{
  "targets": [
    {
      "target_name": "chainrule_native",
      "sources": [
        "native/addon.cc",
        "native/allocator.cc",
        "native/conv.cc",
        "native/conv-direct.cc",
        "native/elementwise.cc",
        "native/gather.cc",
        "native/isa.cc",
        "native/matmul.cc",
        "native/movement.cc",
        "native/optim.cc",
        "native/pool.cc",
        "native/pool-2x2.cc",
        "native/reduce.cc",
        "native/thread-pool.cc"
      ],
      "include_dirs": ["<!(node -p \"require('node-addon-api').include_dir\")"],
      "defines": ["NAPI_VERSION=8", "NAPI_DISABLE_CPP_EXCEPTIONS", "NODE_ADDON_API_DISABLE_DEPRECATED"],
      # -ffp-contract=off: no silent a*b+c fusion, so every instruction-set path rounds the
      # elementwise kernels alike (the GEMM asks for its FMAs explicitly). -fno-math-errno and
      # -fno-trapping-math change no result; they let loops of sqrt and selects vectorise.
      "cflags_cc": ["-O3", "-ffp-contract=off", "-fno-math-errno", "-fno-trapping-math", "-fvisibility=hidden", "-Wno-psabi"],
      "xcode_settings": {
        "OTHER_CPLUSPLUSFLAGS": ["-O3", "-ffp-contract=off", "-fno-math-errno", "-fvisibility=hidden"],
        "MACOSX_DEPLOYMENT_TARGET": "11.0"
      }
    }
  ]
}
