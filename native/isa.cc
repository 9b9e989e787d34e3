#include "isa.h"

#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <cstring>

namespace chainrule {
namespace {

bool cpuHas(Isa isa) {
#if CHAINRULE_X86_PATHS
  // __builtin_cpu_supports also checks that the OS saves the wide registers (XCR0).
  switch (isa) {
    case Isa::generic: return true;
    case Isa::avx2:
    case Isa::avx512Tiles: return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
    case Isa::avx512: return __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
  }
  return false;
#else
  return isa == Isa::generic;
#endif
}

Isa best() {
  if (cpuHas(Isa::avx512)) return Isa::avx512;
  if (cpuHas(Isa::avx2)) return Isa::avx2;
  return Isa::generic;
}

Isa initial() {
  const char* env = std::getenv("CHAINRULE_NATIVE_ISA");
  if (env == nullptr || *env == '\0') return best();
  Isa wanted;
  if (!parseIsa(env, &wanted)) {
    std::fprintf(stderr, "chainrule: CHAINRULE_NATIVE_ISA=%s is not one of avx512, avx2, generic, avx512-tiles; using %s\n", env, isaName(best()));
    return best();
  }
  if (!cpuHas(wanted)) {
    std::fprintf(stderr, "chainrule: CHAINRULE_NATIVE_ISA=%s is not supported by this CPU; using %s\n", env, isaName(best()));
    return best();
  }
  return wanted;
}

std::atomic<int>& current() {
  static std::atomic<int> isa{static_cast<int>(initial())};
  return isa;
}

}  // namespace

const char* isaName(Isa isa) {
  switch (isa) {
    case Isa::generic: return "generic";
    case Isa::avx2: return "avx2";
    case Isa::avx512: return "avx512";
    case Isa::avx512Tiles: return "avx512-tiles";
  }
  return "unknown";
}

bool parseIsa(const char* name, Isa* out) {
  for (int i = 0; i < kIsaCount; i++) {
    Isa isa = static_cast<Isa>(i);
    if (std::strcmp(name, isaName(isa)) == 0) {
      *out = isa;
      return true;
    }
  }
  return false;
}

bool isaSupported(Isa isa) { return cpuHas(isa); }
Isa defaultIsa() { return best(); }
Isa currentIsa() { return static_cast<Isa>(current().load(std::memory_order_relaxed)); }

bool setIsa(Isa isa) {
  if (!cpuHas(isa)) return false;
  current().store(static_cast<int>(isa), std::memory_order_relaxed);
  return true;
}

}  // namespace chainrule
