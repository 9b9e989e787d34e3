// The vectors of each instruction-set path, for kernel families compiled once per path (today
// the GEMM: matmul.cc includes matmul-isa.inc once per path). In namespace isa_<path>, under
// that path's `#pragma GCC target`, each path defines:
//   VF, VD            GCC vector types of float and double (64, 32 or 16 bytes)
//   fmadd(a, b, c)    a·b + c on them (fused where the ISA has FMA)
//   loadv, storev     unaligned loads and stores of a vector
//   splat<V>(s)       a vector of s in every lane
// A kernel file reopens the same namespace under the same pragma: templates get the instructions
// of the region where they are defined, so everything a kernel inlines is defined in one.
#pragma once

#include "isa.h"

#if CHAINRULE_X86_PATHS
#include <immintrin.h>
#endif

// The operations that are written alike on every path.
#define CHAINRULE_VECTOR_OPS                                                       \
  template <typename V, typename T>                                                \
  inline V loadv(const T* p) {                                                     \
    V v;                                                                           \
    __builtin_memcpy(&v, p, sizeof(V));                                            \
    return v;                                                                      \
  }                                                                                \
  template <typename V, typename T>                                                \
  inline void storev(T* p, V v) {                                                  \
    __builtin_memcpy(p, &v, sizeof(V));                                            \
  }                                                                                \
  /* s − 0, which is exact and folds away, where 0 + s would not: 0 + (−0) is +0. */ \
  template <typename V, typename T>                                                \
  inline V splat(T s) {                                                            \
    return s - V{};                                                                \
  }

#if CHAINRULE_X86_PATHS
#pragma GCC push_options
#pragma GCC target("avx512f,avx2,fma")
namespace chainrule {
namespace {
namespace isa_avx512 {
typedef float VF __attribute__((vector_size(64)));
typedef double VD __attribute__((vector_size(64)));
inline VF fmadd(VF a, VF b, VF c) { return _mm512_fmadd_ps(a, b, c); }
inline VD fmadd(VD a, VD b, VD c) { return _mm512_fmadd_pd(a, b, c); }
CHAINRULE_VECTOR_OPS
}  // namespace isa_avx512
}  // namespace
}  // namespace chainrule
#pragma GCC pop_options

#pragma GCC push_options
#pragma GCC target("avx2,fma")
namespace chainrule {
namespace {
namespace isa_avx2 {
typedef float VF __attribute__((vector_size(32)));
typedef double VD __attribute__((vector_size(32)));
inline VF fmadd(VF a, VF b, VF c) { return _mm256_fmadd_ps(a, b, c); }
inline VD fmadd(VD a, VD b, VD c) { return _mm256_fmadd_pd(a, b, c); }
CHAINRULE_VECTOR_OPS
}  // namespace isa_avx2

// AVX-512's vector width in GCC vectors that AVX2 code carries as register pairs, so that the
// tile shapes, blocking and edge logic of the AVX-512 path are tested on any AVX2 machine. Each
// half is fused, so that results round as on the AVX-512 path.
namespace isa_avx512_tiles {
typedef float VF __attribute__((vector_size(64)));
typedef double VD __attribute__((vector_size(64)));
inline VF fmadd(VF a, VF b, VF c) {
  __m256 x[2], y[2], z[2];
  __builtin_memcpy(x, &a, 64);
  __builtin_memcpy(y, &b, 64);
  __builtin_memcpy(z, &c, 64);
  z[0] = _mm256_fmadd_ps(x[0], y[0], z[0]);
  z[1] = _mm256_fmadd_ps(x[1], y[1], z[1]);
  __builtin_memcpy(&c, z, 64);
  return c;
}
inline VD fmadd(VD a, VD b, VD c) {
  __m256d x[2], y[2], z[2];
  __builtin_memcpy(x, &a, 64);
  __builtin_memcpy(y, &b, 64);
  __builtin_memcpy(z, &c, 64);
  z[0] = _mm256_fmadd_pd(x[0], y[0], z[0]);
  z[1] = _mm256_fmadd_pd(x[1], y[1], z[1]);
  __builtin_memcpy(&c, z, 64);
  return c;
}
CHAINRULE_VECTOR_OPS
}  // namespace isa_avx512_tiles
}  // namespace
}  // namespace chainrule
#pragma GCC pop_options
#endif

namespace chainrule {
namespace {
// 128-bit vectors: SSE2 on every x86-64, NEON on arm64. No FMA in the baseline: multiply, add.
namespace isa_generic {
typedef float VF __attribute__((vector_size(16)));
typedef double VD __attribute__((vector_size(16)));
inline VF fmadd(VF a, VF b, VF c) { return a * b + c; }
inline VD fmadd(VD a, VD b, VD c) { return a * b + c; }
CHAINRULE_VECTOR_OPS
}  // namespace isa_generic
}  // namespace
}  // namespace chainrule

#undef CHAINRULE_VECTOR_OPS
