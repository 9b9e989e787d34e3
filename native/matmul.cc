// Batched matrix products: out[b] = op(A[b]) · op(B[b]), float32 and float64 by packed,
// register-blocked GEMM (matmul-isa.inc) on the instruction set chosen at run time, int32 by
// plain loops that store exactly as the js backend does.
#include <cstdlib>

#include "common.h"
#include "gemm.h"
#include "isa.h"
#include "kernels.h"
#include "thread-pool.h"
#include "vectors.h"

namespace chainrule {
namespace {

// One product C[m×n] = op(A)·op(B); C is row-major with row stride n.
template <typename T>
struct Gemm {
  const T* a;
  const T* b;
  T* c;
  long m, n, k;
  long ars, acs;  // op(A)(i, p) = a[i·ars + p·acs]
  long brs, bcs;  // op(B)(p, j) = b[p·brs + j·bcs]
  long ldc;       // C(i, j) = c[i·ldc + j]
  int threads;
};

// Packing buffers, one pair per thread, grown as needed and kept: allocating per call would
// cost a page-faulting megabyte on every large product. 64-byte aligned for full-width loads.
struct Buffer {
  void* data = nullptr;
  size_t bytes = 0;
};

Buffer& bufferA() {
  static thread_local Buffer buffer;
  return buffer;
}
Buffer& bufferB() {
  static thread_local Buffer buffer;
  return buffer;
}

template <typename T>
T* packBuffer(Buffer& buffer, size_t count) {
  size_t bytes = (count * sizeof(T) + 63) / 64 * 64 + 64;
  if (buffer.bytes < bytes) {
    std::free(buffer.data);
    buffer.data = std::aligned_alloc(64, bytes);
    buffer.bytes = buffer.data != nullptr ? bytes : 0;
  }
  return static_cast<T*>(buffer.data);
}

struct MatmulShape {
  long batch, m, n, k;
  bool transA, transB;
  long strideA, strideB;
};

template <typename T>
struct GemmPath {
  void (*packed)(const Gemm<T>&);
  void (*direct)(const Gemm<T>&);
  void (*dots)(const Gemm<T>&);
  // A second packed kernel with a shorter, wider register tile, for products whose m is a poor
  // fit for the main tile's height (m = 8 or 16 against 14 rows).
  void (*narrow)(const Gemm<T>&);
  int mr, nr, narrowMr, narrowNr;
};

}  // namespace
}  // namespace chainrule

// ---------------------------------------------------------------------------------------------
// The kernels of each instruction set. Tile shapes: MR rows × NV vectors of C in registers. With
// 32 registers (AVX-512) 14×2 vectors leave 3 for the B row and the broadcast A value; with 16
// (AVX2, SSE2) 6×2. The AVX2 and portable KC keep a KC×NR micro-panel of B (24 KiB for AVX2
// float32, 16 KiB otherwise) in a 32 KiB L1 while A's MC×KC block (≈ 170–220 KiB) sits in L2 and
// the KC×NC block of B in L3; AVX2 float32 was tuned on a Zen 3 core (KC 384 over 256: +5% at
// n = 1024). The AVX-512 tile does 28 vector multiply-adds per 128 bytes of B, so its B panel
// streams from L2 as fast as it is needed, and the deeper KC (512 float32, 384 float64) instead
// saves passes over C, each a load and a store of every tile: measured on a Zen 4 core, 1024³
// float32 went from 96 to 103 GFLOP/s on one thread and from 183–198 to 201–206 on two (KC 192,
// 256, 384, 512, 1024: 96, 100, 103, 103, 104 on one thread), float64 from 48.7 to 50.3.

#if CHAINRULE_X86_PATHS
#pragma GCC push_options
#pragma GCC target("avx512f,avx2,fma")
namespace chainrule {
namespace {
namespace isa_avx512 {
#include "matmul-isa.inc"
void packedF32(const Gemm<float>& g) { gemmPacked<float, VF, 14, 2, 512, 14 * 16, 4096>(g); }
void packedF64(const Gemm<double>& g) { gemmPacked<double, VD, 14, 2, 384, 14 * 8, 2048>(g); }
void narrowF32(const Gemm<float>& g) { gemmPacked<float, VF, 8, 3, 128, 8 * 28, 48 * 85>(g); }
void narrowF64(const Gemm<double>& g) { gemmPacked<double, VD, 8, 3, 128, 8 * 14, 24 * 85>(g); }
void directF32(const Gemm<float>& g) { gemmDirect<float, VF>(g); }
void dotsF32(const Gemm<float>& g) { gemmDots<float, VF>(g); }
void directF64(const Gemm<double>& g) { gemmDirect<double, VD>(g); }
void dotsF64(const Gemm<double>& g) { gemmDots<double, VD>(g); }
}  // namespace isa_avx512
}  // namespace
}  // namespace chainrule
#pragma GCC pop_options

#pragma GCC push_options
#pragma GCC target("avx2,fma")
namespace chainrule {
namespace {
namespace isa_avx2 {
#include "matmul-isa.inc"
void packedF32(const Gemm<float>& g) { gemmPacked<float, VF, 6, 2, 384, 6 * 24, 4096>(g); }
void packedF64(const Gemm<double>& g) { gemmPacked<double, VD, 6, 2, 256, 6 * 16, 2048>(g); }
void narrowF32(const Gemm<float>& g) { gemmPacked<float, VF, 4, 3, 256, 4 * 36, 24 * 170>(g); }
void narrowF64(const Gemm<double>& g) { gemmPacked<double, VD, 4, 3, 256, 4 * 36, 12 * 170>(g); }
void directF32(const Gemm<float>& g) { gemmDirect<float, VF>(g); }
void dotsF32(const Gemm<float>& g) { gemmDots<float, VF>(g); }
void directF64(const Gemm<double>& g) { gemmDirect<double, VD>(g); }
void dotsF64(const Gemm<double>& g) { gemmDots<double, VD>(g); }
}  // namespace isa_avx2

// AVX-512's tile shapes and blocking, in 512-bit GCC vectors that AVX2 code carries as register
// pairs: the same template instantiation as isa_avx512 but for the instructions, so the
// blocking and edge logic of the AVX-512 path is tested on any AVX2 machine.
namespace isa_avx512_tiles {
#include "matmul-isa.inc"
void packedF32(const Gemm<float>& g) { gemmPacked<float, VF, 14, 2, 512, 14 * 16, 4096>(g); }
void packedF64(const Gemm<double>& g) { gemmPacked<double, VD, 14, 2, 384, 14 * 8, 2048>(g); }
void narrowF32(const Gemm<float>& g) { gemmPacked<float, VF, 8, 3, 128, 8 * 28, 48 * 85>(g); }
void narrowF64(const Gemm<double>& g) { gemmPacked<double, VD, 8, 3, 128, 8 * 14, 24 * 85>(g); }
void directF32(const Gemm<float>& g) { gemmDirect<float, VF>(g); }
void dotsF32(const Gemm<float>& g) { gemmDots<float, VF>(g); }
void directF64(const Gemm<double>& g) { gemmDirect<double, VD>(g); }
void dotsF64(const Gemm<double>& g) { gemmDots<double, VD>(g); }
}  // namespace isa_avx512_tiles
}  // namespace
}  // namespace chainrule
#pragma GCC pop_options
#endif

namespace chainrule {
namespace {
namespace isa_generic {
#include "matmul-isa.inc"
void packedF32(const Gemm<float>& g) { gemmPacked<float, VF, 6, 2, 256, 6 * 24, 4096>(g); }
void packedF64(const Gemm<double>& g) { gemmPacked<double, VD, 6, 2, 256, 6 * 16, 2048>(g); }
void narrowF32(const Gemm<float>& g) { gemmPacked<float, VF, 4, 3, 256, 4 * 36, 12 * 340>(g); }
void narrowF64(const Gemm<double>& g) { gemmPacked<double, VD, 4, 3, 256, 4 * 36, 6 * 680>(g); }
void directF32(const Gemm<float>& g) { gemmDirect<float, VF>(g); }
void dotsF32(const Gemm<float>& g) { gemmDots<float, VF>(g); }
void directF64(const Gemm<double>& g) { gemmDirect<double, VD>(g); }
void dotsF64(const Gemm<double>& g) { gemmDots<double, VD>(g); }
}  // namespace isa_generic

GemmPath<float> pathF32(Isa isa) {
  switch (isa) {
#if CHAINRULE_X86_PATHS
    case Isa::avx512: return {isa_avx512::packedF32, isa_avx512::directF32, isa_avx512::dotsF32, isa_avx512::narrowF32, 14, 32, 8, 48};
    case Isa::avx2: return {isa_avx2::packedF32, isa_avx2::directF32, isa_avx2::dotsF32, isa_avx2::narrowF32, 6, 16, 4, 24};
    case Isa::avx512Tiles: return {isa_avx512_tiles::packedF32, isa_avx512_tiles::directF32, isa_avx512_tiles::dotsF32, isa_avx512_tiles::narrowF32, 14, 32, 8, 48};
#endif
    default: return {isa_generic::packedF32, isa_generic::directF32, isa_generic::dotsF32, isa_generic::narrowF32, 6, 8, 4, 12};
  }
}

GemmPath<double> pathF64(Isa isa) {
  switch (isa) {
#if CHAINRULE_X86_PATHS
    case Isa::avx512: return {isa_avx512::packedF64, isa_avx512::directF64, isa_avx512::dotsF64, isa_avx512::narrowF64, 14, 16, 8, 24};
    case Isa::avx2: return {isa_avx2::packedF64, isa_avx2::directF64, isa_avx2::dotsF64, isa_avx2::narrowF64, 6, 8, 4, 12};
    case Isa::avx512Tiles: return {isa_avx512_tiles::packedF64, isa_avx512_tiles::directF64, isa_avx512_tiles::dotsF64, isa_avx512_tiles::narrowF64, 14, 16, 8, 24};
#endif
    default: return {isa_generic::packedF64, isa_generic::directF64, isa_generic::dotsF64, isa_generic::narrowF64, 6, 4, 4, 6};
  }
}

template <typename T>
GemmPath<T> pathFor(Isa isa);
template <>
GemmPath<float> pathFor<float>(Isa isa) { return pathF32(isa); }
template <>
GemmPath<double> pathFor<double>(Isa isa) { return pathF64(isa); }

// The strides of op(A) and op(B) for row-major operands, A stored k×m when transposed and B n×k.
template <typename T>
Gemm<T> describe(long m, long n, long k, bool transA, bool transB) {
  Gemm<T> g;
  g.m = m;
  g.n = n;
  g.k = k;
  g.ars = transA ? 1 : k;
  g.acs = transA ? m : 1;
  g.brs = transB ? 1 : n;
  g.bcs = transB ? k : 1;
  g.ldc = n;
  return g;
}

// Whether op(A)·op(B), both contiguous along k, goes to gemmDots rather than gemmPacked: when one
// side is too narrow to fill a register tile, or m or n is small enough that packing copies
// about as much as it computes, and k is long enough that each dot product's final sum across
// lanes is a small part of it. Measured on AVX-512 (one and two threads): 8×9×676 14.9 → 1.1 µs,
// 64×10×400 21 → 5 µs, 64×128×784 (an MLP layer's x·Wᵀ) 116 → 88 µs on one thread; at
// 128×128×784, 32×784×128 or 64³ the packed kernel is as fast or faster.
template <typename T>
bool useDots(const Gemm<T>& g) {
  if (g.acs != 1 || g.brs != 1) return false;
  const long narrow = g.m < g.n ? g.m : g.n;
  return (narrow < 16 && g.k >= 96) || (narrow <= 64 && g.k >= 384);
}

// Whether the narrow tile wastes clearly less of its register tiles on padding than the main one.
// Measured on AVX-512, one thread: 16×121×72 (a convolution's W·cols) 3.75 → 3.09 µs, 8×676×9
// 1.95 → 1.50 µs; where both pad alike the main tile is faster (1024³ on two threads: 321 against
// 279 GFLOP/s), hence the margin.
template <typename T>
bool useNarrow(const GemmPath<T>& path, long m, long n) {
  auto padded = [](long x, long tile) { return static_cast<double>((x + tile - 1) / tile * tile); };
  return padded(m, path.narrowMr) * padded(n, path.narrowNr) < 0.9 * padded(m, path.mr) * padded(n, path.nr);
}

// Below this many multiply-adds per thread, a product is not split across threads.
constexpr double kMacsPerThread = 64.0 * 64 * 64;

template <typename T>
void matmulFloat(const T* a, const T* b, T* c, const MatmulShape& s) {
  long batch = s.batch, m = s.m, n = s.n, k = s.k;
  // A stack of row-major A's against one B is a single taller product.
  if (batch > 1 && !s.transA && s.strideB == 0 && s.strideA == m * k) {
    m *= batch;
    batch = 1;
  }
  if (m == 0 || n == 0 || batch == 0) return;
  if (k == 0) {
    for (long i = 0; i < batch * m * n; i++) c[i] = T(0);
    return;
  }
  const GemmPath<T> path = pathFor<T>(currentIsa());
  Gemm<T> g = describe<T>(m, n, k, s.transA, s.transB);
  const double macs = static_cast<double>(m) * n * k;
  // A matrix-vector product reads each element of the matrix once: packing it would only add a
  // pass. Everything else is packed, down to the smallest sizes (measured: packed 16³ takes
  // 0.5 µs, the unpacked loops 1.3 µs; 32³ 1.6 µs against 5.5 µs).
  const bool direct = m == 1 || n == 1;
  const int pool = threadCount();
  int threads = static_cast<int>(macs / kMacsPerThread);
  threads = threads < 1 ? 1 : (threads > pool ? pool : threads);
  auto one = [&](long bt, int useThreads) {
    Gemm<T> h = g;
    h.a = a + bt * s.strideA;
    h.b = b + bt * s.strideB;
    h.c = c + bt * m * n;
    h.threads = useThreads;
    if (direct) {
      path.direct(h);
    } else if (useDots(h)) {
      path.dots(h);
    } else if (useNarrow(path, h.m, h.n)) {
      path.narrow(h);
    } else {
      path.packed(h);
    }
  };
  if (batch > 1 && pool > 1 && (direct || threads == 1) && macs * batch > kMacsPerThread) {
    // Many small products: one per task, each on one thread.
    auto task = [&](size_t bt) { one(static_cast<long>(bt), 1); };
    parallelFor(static_cast<size_t>(batch), task);
    return;
  }
  for (long bt = 0; bt < batch; bt++) one(bt, direct ? 1 : threads);
}

}  // namespace

template <typename T>
void gemm(const T* a, const T* b, T* c, long m, long n, long k, bool transA, bool transB, int threads) {
  if (m == 0 || n == 0) return;
  if (k == 0) {
    for (long i = 0; i < m * n; i++) c[i] = T(0);
    return;
  }
  const GemmPath<T> path = pathFor<T>(currentIsa());
  Gemm<T> g = describe<T>(m, n, k, transA, transB);
  g.a = a;
  g.b = b;
  g.c = c;
  const int useful = static_cast<int>(static_cast<double>(m) * n * k / kMacsPerThread);
  g.threads = threads < 1 || useful < 1 ? 1 : (useful < threads ? useful : threads);
  if (m == 1 || n == 1) {
    g.threads = 1;
    path.direct(g);
  } else if (useDots(g)) {
    path.dots(g);
  } else if (useNarrow(path, g.m, g.n)) {
    path.narrow(g);
  } else {
    path.packed(g);
  }
}

template void gemm<float>(const float*, const float*, float*, long, long, long, bool, bool, int);
template void gemm<double>(const double*, const double*, double*, long, long, long, bool, bool, int);

namespace {

// int32 products as the js backend computes them: each product and sum in double, stored with
// ToInt32 after every addition when B is not transposed, after the whole dot product when it is.
void matmulInt32(const int32_t* a, const int32_t* b, int32_t* c, const MatmulShape& s) {
  const long m = s.m, n = s.n, k = s.k;
  const long ai = s.transA ? 1 : k, aq = s.transA ? m : 1;
  for (long bt = 0; bt < s.batch; bt++) {
    const int32_t* A = a + bt * s.strideA;
    const int32_t* B = b + bt * s.strideB;
    int32_t* C = c + bt * m * n;
    if (!s.transB) {
      for (long i = 0; i < m * n; i++) C[i] = 0;
      for (long i = 0; i < m; i++) {
        for (long q = 0; q < k; q++) {
          const double aiq = A[i * ai + q * aq];
          for (long j = 0; j < n; j++) C[i * n + j] = toInt32(C[i * n + j] + aiq * B[q * n + j]);
        }
      }
    } else {
      for (long i = 0; i < m; i++) {
        for (long j = 0; j < n; j++) {
          double sum = 0;
          for (long q = 0; q < k; q++) sum += static_cast<double>(A[i * ai + q * aq]) * B[j * k + q];
          C[i * n + j] = toInt32(sum);
        }
      }
    }
  }
}

// matmul(a, b, out, P): P = [batch, m, n, k, transA, transB, strideA, strideB]; a, b and out
// share one dtype (the shim casts mixed operands first).
napi_value matmulBinding(napi_env env, napi_callback_info info) {
  napi_value argv[4];
  size_t argc = 4;
  napi_get_cb_info(env, info, &argc, argv, nullptr, nullptr);
  Array a, b, out;
  Params P;
  if (argc < 4 || !readArray(env, argv[0], &a) || !readArray(env, argv[1], &b) || !readArray(env, argv[2], &out) || !readParams(env, argv[3], &P)) return nullptr;
  MatmulShape s{P.i(0), P.i(1), P.i(2), P.i(3), P.d(4) != 0, P.d(5) != 0, P.i(6), P.i(7)};
  const size_t needA = s.batch == 0 ? 0 : static_cast<size_t>((s.batch - 1) * s.strideA + s.m * s.k);
  const size_t needB = s.batch == 0 ? 0 : static_cast<size_t>((s.batch - 1) * s.strideB + s.k * s.n);
  if (a.dtype != out.dtype || b.dtype != out.dtype || out.length != static_cast<size_t>(s.batch * s.m * s.n) || a.length < needA || b.length < needB) {
    throwInternal(env, "matmul: operand sizes or dtypes do not match the parameters");
    return nullptr;
  }
  switch (out.dtype) {
    case DType::f32: matmulFloat(a.as<float>(), b.as<float>(), out.as<float>(), s); break;
    case DType::f64: matmulFloat(a.as<double>(), b.as<double>(), out.as<double>(), s); break;
    case DType::i32: matmulInt32(a.as<int32_t>(), b.as<int32_t>(), out.as<int32_t>(), s); break;
    case DType::none: break;
  }
  return nullptr;
}

}  // namespace

void registerMatmul(napi_env env, napi_value exports) {
  defineFunction(env, exports, "matmul", matmulBinding);
}

}  // namespace chainrule
