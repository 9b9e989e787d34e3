// Which instruction set the kernels use. One binary carries every path; the fastest one the CPU
// supports is chosen at load time, and tests force each path in turn on one machine.
#pragma once

// The AVX2 and AVX-512 kernels are compiled under `#pragma GCC target`, which GCC honours for
// templates; other compilers (clang, MSVC) build the portable path only.
#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__)
#define CHAINRULE_X86_PATHS 1
#else
#define CHAINRULE_X86_PATHS 0
#endif

namespace chainrule {

enum class Isa : int {
  generic = 0,  // portable C++ (SSE2 on x86-64): runs anywhere
  avx2 = 1,     // AVX2 + FMA, 256-bit
  avx512 = 2,   // AVX-512F, 512-bit
  // AVX-512's register tiles (14×32 floats) computed with AVX2 instructions. A test path only:
  // it runs the AVX-512 blocking, packing and edge logic on CPUs without AVX-512.
  avx512Tiles = 3,
};

constexpr int kIsaCount = 4;

const char* isaName(Isa isa);
// Parses a name ("avx512", "avx2", "generic", "avx512-tiles"); false when unknown.
bool parseIsa(const char* name, Isa* out);
bool isaSupported(Isa isa);
// The best path this CPU supports, or the one CHAINRULE_NATIVE_ISA names if it is supported.
Isa defaultIsa();
Isa currentIsa();
// False (and no change) when the CPU cannot run that path.
bool setIsa(Isa isa);

}  // namespace chainrule
