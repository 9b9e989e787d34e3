// Stride-1 convolutions computed directly, without im2col's unfolded columns: for the small
// reductions of a small CNN (1 channel × 9 taps, 8 × 9) the columns cost ~10× the products.
//
// Each sample's input is copied into zero-padded planes whose rows are Wp = outW + (kW−1)·dW
// long, so that tap (i, j) of every output position p·Wp + q is the input at that position
// shifted by i·dH·Wp + j·dW: one contiguous load for a run of positions (conv-direct-isa.inc).
// The positions with q ≥ outW wrap into the next row; they are computed and dropped.
//   conv2d       correlates the padded x with W.
//   conv2dInput  correlates ∂L/∂y, padded by (k−1)·d − pad, with W flipped and transposed.
//   conv2dWeight sums ∂L/∂y · shifted x over the padded positions, with ∂L/∂y copied into the
//                same layout and zeros in the dropped positions, so that they add nothing.
#include <algorithm>
#include <vector>

#include "conv.h"
#include "isa.h"
#include "thread-pool.h"
#include "vectors.h"

namespace chainrule {
namespace {

// A source plane and where it goes in a padded one (conv-direct-isa.inc's place).
template <typename T>
struct Placement {
  const T* from;  // h × w
  long h, w;
  const T* fromEnd;  // the end of the source's array: loads stop there
  T* to;             // rows × cols, from's corner at (top, left)
  long rows, cols, top, left;
};

// The arguments of one correlation (conv-direct-isa.inc's correlate).
template <typename T>
struct Correlation {
  const T* in;  // padded input: channels planes of inPlane, then a zeroed tile's slack
  long inPlane, channels;
  const long* off;  // taps offsets, one per kernel position
  long taps;
  const T* weights;  // packed [block of OB outputs][channel][tap][OB], zero beyond outChannels
  long outChannels;
  T* stage;  // outChannels rows of stageStride: the tiles' positions
  long stageStride;
  long chunk0, chunk1;  // the tiles of positions to compute
  long positions;       // the positions that matter: (outH − 1)·Wp + outW
};

// The arguments of a stage's compaction into output planes (conv-direct-isa.inc's compact).
template <typename T>
struct Compaction {
  const T* stage;
  long stageStride, Wp;
  T* out;  // channels planes of outH × outW
  long outH, outW, channels;
  const T* bias;  // null or channels values
};

// The arguments of one set of weight-gradient dot products (conv-direct-isa.inc's weightDots).
template <typename T>
struct WeightDots {
  const T* g;  // rows gStride apart
  long gStride, rows;
  const T* x;  // read at off[j] + pos
  const long* off;
  long count;
  long samples, sampleStride;  // runs of positions: pos in [s·sampleStride, s·sampleStride + length)
  long length;                 // a multiple of the vector length
  T* sums;      // rows × count, added into
};

}  // namespace
}  // namespace chainrule

#if CHAINRULE_X86_PATHS
#pragma GCC push_options
#pragma GCC target("avx512f,avx2,fma")
namespace chainrule {
namespace {
namespace isa_avx512 {
#include "conv-direct-isa.inc"
void placeF32(const Placement<float>& k) { place<float, VF>(k); }
void placeF64(const Placement<double>& k) { place<double, VD>(k); }
void correlateF32(const Correlation<float>& k) { correlate<float, VF, 8, 3>(k); }
void correlateF64(const Correlation<double>& k) { correlate<double, VD, 8, 3>(k); }
void compactF32(const Compaction<float>& k) { compact<float, VF>(k); }
void compactF64(const Compaction<double>& k) { compact<double, VD>(k); }
void weightDotsF32(const WeightDots<float>& k) { weightDots<float, VF, 4, 6>(k); }
void weightDotsF64(const WeightDots<double>& k) { weightDots<double, VD, 4, 6>(k); }
double planeSumF32(const float* x, long n) { return planeSum<float, VF>(x, n); }
double planeSumF64(const double* x, long n) { return planeSum<double, VD>(x, n); }
}  // namespace isa_avx512
}  // namespace
}  // namespace chainrule
#pragma GCC pop_options

#pragma GCC push_options
#pragma GCC target("avx2,fma")
namespace chainrule {
namespace {
namespace isa_avx2 {
#include "conv-direct-isa.inc"
void placeF32(const Placement<float>& k) { place<float, VF>(k); }
void placeF64(const Placement<double>& k) { place<double, VD>(k); }
void correlateF32(const Correlation<float>& k) { correlate<float, VF, 4, 2>(k); }
void correlateF64(const Correlation<double>& k) { correlate<double, VD, 4, 2>(k); }
void compactF32(const Compaction<float>& k) { compact<float, VF>(k); }
void compactF64(const Compaction<double>& k) { compact<double, VD>(k); }
void weightDotsF32(const WeightDots<float>& k) { weightDots<float, VF, 4, 2>(k); }
void weightDotsF64(const WeightDots<double>& k) { weightDots<double, VD, 4, 2>(k); }
double planeSumF32(const float* x, long n) { return planeSum<float, VF>(x, n); }
double planeSumF64(const double* x, long n) { return planeSum<double, VD>(x, n); }
}  // namespace isa_avx2

// AVX-512's tiles in register pairs (see vectors.h): the AVX-512 path's tiling on AVX2 machines.
namespace isa_avx512_tiles {
#include "conv-direct-isa.inc"
void placeF32(const Placement<float>& k) { place<float, VF>(k); }
void placeF64(const Placement<double>& k) { place<double, VD>(k); }
void correlateF32(const Correlation<float>& k) { correlate<float, VF, 8, 3>(k); }
void correlateF64(const Correlation<double>& k) { correlate<double, VD, 8, 3>(k); }
void compactF32(const Compaction<float>& k) { compact<float, VF>(k); }
void compactF64(const Compaction<double>& k) { compact<double, VD>(k); }
void weightDotsF32(const WeightDots<float>& k) { weightDots<float, VF, 4, 6>(k); }
void weightDotsF64(const WeightDots<double>& k) { weightDots<double, VD, 4, 6>(k); }
double planeSumF32(const float* x, long n) { return planeSum<float, VF>(x, n); }
double planeSumF64(const double* x, long n) { return planeSum<double, VD>(x, n); }
}  // namespace isa_avx512_tiles
}  // namespace
}  // namespace chainrule
#pragma GCC pop_options
#endif

namespace chainrule {
namespace {
namespace isa_generic {
#include "conv-direct-isa.inc"
void placeF32(const Placement<float>& k) { place<float, VF>(k); }
void placeF64(const Placement<double>& k) { place<double, VD>(k); }
void correlateF32(const Correlation<float>& k) { correlate<float, VF, 4, 2>(k); }
void correlateF64(const Correlation<double>& k) { correlate<double, VD, 4, 2>(k); }
void compactF32(const Compaction<float>& k) { compact<float, VF>(k); }
void compactF64(const Compaction<double>& k) { compact<double, VD>(k); }
void weightDotsF32(const WeightDots<float>& k) { weightDots<float, VF, 4, 2>(k); }
void weightDotsF64(const WeightDots<double>& k) { weightDots<double, VD, 4, 2>(k); }
double planeSumF32(const float* x, long n) { return planeSum<float, VF>(x, n); }
double planeSumF64(const double* x, long n) { return planeSum<double, VD>(x, n); }
}  // namespace isa_generic

// One path's kernels and the shapes the drivers lay data out for: outputs per tile (the weights'
// packing block), positions per tile, lanes per vector, weight-gradient rows per tile.
template <typename T>
struct DirectPath {
  void (*place)(const Placement<T>&);
  void (*correlate)(const Correlation<T>&);
  void (*compact)(const Compaction<T>&);
  void (*weightDots)(const WeightDots<T>&);
  double (*planeSum)(const T*, long);
  long ob, chunk, lanes, weightRows;
};

DirectPath<float> pathFor(Isa isa, float*) {
  switch (isa) {
#if CHAINRULE_X86_PATHS
    case Isa::avx512: return {isa_avx512::placeF32, isa_avx512::correlateF32, isa_avx512::compactF32, isa_avx512::weightDotsF32, isa_avx512::planeSumF32, 8, 48, 16, 4};
    case Isa::avx2: return {isa_avx2::placeF32, isa_avx2::correlateF32, isa_avx2::compactF32, isa_avx2::weightDotsF32, isa_avx2::planeSumF32, 4, 16, 8, 4};
    case Isa::avx512Tiles: return {isa_avx512_tiles::placeF32, isa_avx512_tiles::correlateF32, isa_avx512_tiles::compactF32, isa_avx512_tiles::weightDotsF32, isa_avx512_tiles::planeSumF32, 8, 48, 16, 4};
#endif
    default: return {isa_generic::placeF32, isa_generic::correlateF32, isa_generic::compactF32, isa_generic::weightDotsF32, isa_generic::planeSumF32, 4, 8, 4, 4};
  }
}

DirectPath<double> pathFor(Isa isa, double*) {
  switch (isa) {
#if CHAINRULE_X86_PATHS
    case Isa::avx512: return {isa_avx512::placeF64, isa_avx512::correlateF64, isa_avx512::compactF64, isa_avx512::weightDotsF64, isa_avx512::planeSumF64, 8, 24, 8, 4};
    case Isa::avx2: return {isa_avx2::placeF64, isa_avx2::correlateF64, isa_avx2::compactF64, isa_avx2::weightDotsF64, isa_avx2::planeSumF64, 4, 8, 4, 4};
    case Isa::avx512Tiles: return {isa_avx512_tiles::placeF64, isa_avx512_tiles::correlateF64, isa_avx512_tiles::compactF64, isa_avx512_tiles::weightDotsF64, isa_avx512_tiles::planeSumF64, 8, 24, 8, 4};
#endif
    default: return {isa_generic::placeF64, isa_generic::correlateF64, isa_generic::compactF64, isa_generic::weightDotsF64, isa_generic::planeSumF64, 4, 4, 2, 4};
  }
}

template <typename T>
DirectPath<T> directPath() {
  return pathFor(currentIsa(), static_cast<T*>(nullptr));
}

// Tap (i, j)'s shift in planes of rows Wp long.
std::vector<long> tapOffsets(long kernelH, long kernelW, long dilationH, long dilationW, long Wp) {
  std::vector<long> off(static_cast<size_t>(kernelH * kernelW));
  for (long i = 0; i < kernelH; i++) {
    for (long j = 0; j < kernelW; j++) off[static_cast<size_t>(i * kernelW + j)] = i * dilationH * Wp + j * dilationW;
  }
  return off;
}

// A correlation of every sample and group: out[n, group] (outH × outW, outChannels per group)
// from src[n, group] (srcH × srcW, inChannels per group) placed at (top, left) in its padding.
struct Correlated {
  long batch, groups, inChannels, outChannels;
  long srcH, srcW, top, left;
  long outH, outW, kernelH, kernelW, dilationH, dilationW;
};

// packed holds each group's weights as Correlation reads them; bias is null or per out channel.
// Samples go to the threads; with fewer samples than threads, each sample's tiles do, and then
// its channels' compaction.
template <typename T>
void correlateAll(const DirectPath<T>& path, const Correlated& s, const T* src, const T* packed, const T* bias, T* out) {
  const long Hp = s.outH + (s.kernelH - 1) * s.dilationH, Wp = s.outW + (s.kernelW - 1) * s.dilationW;
  const long inPlane = Hp * Wp, taps = s.kernelH * s.kernelW;
  const std::vector<long> off = tapOffsets(s.kernelH, s.kernelW, s.dilationH, s.dilationW, Wp);
  const long flat = (s.outH - 1) * Wp + s.outW;
  const long chunks = (flat + path.chunk - 1) / path.chunk;
  // Tiles read up to a tile past the last plane's end (taps of the dropped positions); the
  // compaction reads up to a vector past a stage row's last tile.
  const long padded = s.inChannels * inPlane + path.chunk;
  const long stageStride = chunks * path.chunk + path.lanes;
  const long size = padded + s.outChannels * stageStride;
  const long groupWeights = (s.outChannels + path.ob - 1) / path.ob * path.ob * s.inChannels * taps;
  const long srcPlane = s.srcH * s.srcW, outPlane = s.outH * s.outW;
  const T* const srcEnd = src + s.batch * s.groups * s.inChannels * srcPlane;
  auto pad = [&](long n, long gi, T* buffer) {
    const T* from = src + (n * s.groups + gi) * s.inChannels * srcPlane;
    for (long c = 0; c < s.inChannels; c++) path.place({from + c * srcPlane, s.srcH, s.srcW, srcEnd, buffer + c * inPlane, Hp, Wp, s.top, s.left});
    std::fill(buffer + s.inChannels * inPlane, buffer + padded, T(0));
  };
  auto correlate = [&](T* buffer, long gi, long chunk0, long chunk1) {
    path.correlate({buffer, inPlane, s.inChannels, off.data(), taps, packed + gi * groupWeights, s.outChannels, buffer + padded, stageStride, chunk0, chunk1, flat});
  };
  auto compact = [&](const T* buffer, long n, long gi, long o0, long o1) {
    path.compact({buffer + padded + o0 * stageStride, stageStride, Wp, out + ((n * s.groups + gi) * s.outChannels + o0) * outPlane, s.outH, s.outW, o1 - o0,
                  bias == nullptr ? nullptr : bias + gi * s.outChannels + o0});
  };
  if (s.batch >= threadCount()) {
    parallelRange(static_cast<size_t>(s.batch), 1, [&](size_t n0, size_t n1) {
      T* buffer = threadBuffer<T>(static_cast<size_t>(size));
      for (long n = static_cast<long>(n0); n < static_cast<long>(n1); n++) {
        for (long gi = 0; gi < s.groups; gi++) {
          pad(n, gi, buffer);
          correlate(buffer, gi, 0, chunks);
          compact(buffer, n, gi, 0, s.outChannels);
        }
      }
    });
    return;
  }
  std::vector<T> buffer(static_cast<size_t>(size));
  for (long n = 0; n < s.batch; n++) {
    for (long gi = 0; gi < s.groups; gi++) {
      pad(n, gi, buffer.data());
      parallelRange(static_cast<size_t>(chunks), 1, [&](size_t c0, size_t c1) { correlate(buffer.data(), gi, static_cast<long>(c0), static_cast<long>(c1)); });
      parallelRange(static_cast<size_t>(s.outChannels), 1, [&](size_t o0, size_t o1) { compact(buffer.data(), n, gi, static_cast<long>(o0), static_cast<long>(o1)); });
    }
  }
}

}  // namespace

bool convDirectApplies(const ConvProduct& g, bool weightGradient) {
  // Measured on AVX-512 (3×3, batch 8): the direct forward and ∂L/∂x beat im2col up to 256
  // channels (2304 terms per output: 205 against 132 GFLOP/s forward, even for ∂L/∂x); the
  // direct ∂L/∂W wins at 64 channels (226 against 142) but loses from 128 (144 against 180),
  // where its planes outgrow the caches.
  const long terms = g.taps();
  // (An empty output, which the ops reject before any kernel runs, stays on the im2col loops.)
  return g.c.strideH == 1 && g.c.strideW == 1 && g.c.outH > 0 && g.c.outW > 0 && terms <= (weightGradient ? 576 : 2304);
}

template <typename T>
void conv2dDirect(const ConvProduct& g, const T* x, const T* w, const T* bias, T* y) {
  const DirectPath<T> path = directPath<T>();
  const Conv& c = g.c;
  const long cg = g.cg(), og = g.og(), taps = c.kernelH * c.kernelW, ob = path.ob;
  const long blocks = (og + ob - 1) / ob;
  std::vector<T> packed(static_cast<size_t>(g.groups * blocks * ob * cg * taps), T(0));
  for (long gi = 0; gi < g.groups; gi++) {
    for (long o = 0; o < og; o++) {
      for (long ci = 0; ci < cg; ci++) {
        for (long t = 0; t < taps; t++) {
          packed[static_cast<size_t>((((gi * blocks + o / ob) * cg + ci) * taps + t) * ob + o % ob)] = w[((gi * og + o) * cg + ci) * taps + t];
        }
      }
    }
  }
  const Correlated s{c.batch, g.groups, cg, og, c.height, c.width, c.padTop, c.padLeft, c.outH, c.outW, c.kernelH, c.kernelW, c.dilationH, c.dilationW};
  correlateAll(path, s, x, packed.data(), bias, y);
}

// ∂L/∂x[c, h, w] = Σ_o Σ_(i,j) W[o, c, i, j] · g[o, h + padTop − i·dH, w + padLeft − j·dW]: with
// i' = kH−1−i, a correlation of g placed at (kH−1)·dH − padTop with the flipped kernel.
template <typename T>
void conv2dInputDirect(const ConvProduct& g, const T* gy, const T* w, T* dx) {
  const DirectPath<T> path = directPath<T>();
  const Conv& c = g.c;
  const long cg = g.cg(), og = g.og(), taps = c.kernelH * c.kernelW, ob = path.ob;
  const long blocks = (cg + ob - 1) / ob;
  std::vector<T> packed(static_cast<size_t>(g.groups * blocks * ob * og * taps), T(0));
  for (long gi = 0; gi < g.groups; gi++) {
    for (long o = 0; o < og; o++) {
      for (long ci = 0; ci < cg; ci++) {
        for (long t = 0; t < taps; t++) {
          packed[static_cast<size_t>((((gi * blocks + ci / ob) * og + o) * taps + t) * ob + ci % ob)] = w[((gi * og + o) * cg + ci) * taps + taps - 1 - t];
        }
      }
    }
  }
  const Correlated s{c.batch, g.groups, og, cg, c.outH, c.outW, (c.kernelH - 1) * c.dilationH - c.padTop, (c.kernelW - 1) * c.dilationW - c.padLeft,
                     c.height, c.width, c.kernelH, c.kernelW, c.dilationH, c.dilationW};
  correlateAll(path, s, gy, packed.data(), static_cast<const T*>(nullptr), dx);
}

// ∂L/∂W[o, c, i, j] = Σ_n Σ_(p,q) g[n, o, p, q] · x[n, c, p + i·dH − padTop, q + j·dW − padLeft].
// Samples' padded planes go end to end, so that each dot product is long enough to pay for its
// sum across lanes (16 adds for a float vector): as many as fit the planes of x and g in 256 KiB,
// an L2's share, and at least 512 positions. Measured on Zen 4 (batch 64 on two threads), 8→16
// channels of 13×13 took 170 µs with 512 positions and 146 µs with 2,900; 1→8 of 28×28, 85 and
// 75. g's zeros stop a dot product at a plane's end. The
// samples are split into as many contiguous runs as threads, each summed into its own partial,
// and the partials added in run order: the same result for the same thread count. One sample on
// several threads splits the output channels instead. (The zeros of g meet real x values in the
// dropped positions: an infinite x there makes 0·∞ = NaN, which im2col's columns would not add.)
template <typename T>
void conv2dWeightDirect(const ConvProduct& g, const T* x, const T* gy, T* dw, T* db) {
  const DirectPath<T> path = directPath<T>();
  const Conv& c = g.c;
  const long cg = g.cg(), og = g.og(), taps = c.kernelH * c.kernelW, count = cg * taps, lanes = path.lanes;
  const long Hp = c.outH + (c.kernelH - 1) * c.dilationH, Wp = c.outW + (c.kernelW - 1) * c.dilationW;
  const long inPlane = Hp * Wp, imagePlane = c.height * c.width, plane = g.plane();
  const long flat = (c.outH - 1) * Wp + c.outW;
  const std::vector<long> shift = tapOffsets(c.kernelH, c.kernelW, c.dilationH, c.dilationW, Wp);
  const long positions = std::max<long>(512, static_cast<long>(256 * 1024 / sizeof(T)) / (cg + og));
  const long together = std::min(c.batch, (positions + inPlane - 1) / inPlane);
  const long longest = (together * inPlane + lanes - 1) / lanes * lanes;
  // x's planes, their slack (a plane's taps, a vector's loads), g's rows, a vector's stores.
  const size_t size = static_cast<size_t>(cg * together * inPlane + inPlane + lanes + og * longest + lanes);
  const T* const xEnd = x + c.imageSize();
  const T* const gyEnd = gy + c.batch * g.outChannels * plane;
  const int pool = threadCount();
  const long runs = pool > 1 && c.batch > 1 ? std::min<long>(c.batch, pool) : 1;
  const long weights = g.outChannels * count;
  std::vector<T> partials(static_cast<size_t>(runs * weights), T(0));
  // With db, g's sums per output channel, run by run as the weights: each plane of g is summed
  // as it is copied.
  std::vector<double> biasPartials(db == nullptr ? 0 : static_cast<size_t>(runs * g.outChannels), 0.0);
  // Adds samples [n0, n1), group gi, rows [r0, r1) of the group's outputs into sums (the
  // group's), and their planes of g into biasSums (the group's; none when null).
  auto work = [&](long n0, long n1, long gi, long r0, long r1, T* sums, double* biasSums) {
    T* xs = threadBuffer<T>(size);
    T* gs = xs + cg * together * inPlane + inPlane + lanes;
    std::vector<long> off(static_cast<size_t>(count));
    for (long n = n0; n < n1; n += together) {
      const long samples = std::min(together, n1 - n), span = samples * inPlane;
      const long length = (span + lanes - 1) / lanes * lanes;
      for (long ci = 0; ci < cg; ci++) {
        for (long b = 0; b < samples; b++) {
          path.place({x + ((n + b) * c.channels + gi * cg + ci) * imagePlane, c.height, c.width, xEnd, xs + ci * span + b * inPlane, Hp, Wp, c.padTop, c.padLeft});
        }
        for (long t = 0; t < taps; t++) off[static_cast<size_t>(ci * taps + t)] = ci * span + shift[static_cast<size_t>(t)];
      }
      std::fill(xs + cg * span, xs + cg * span + inPlane + lanes, T(0));
      for (long r = r0; r < r1; r++) {
        T* row = gs + (r - r0) * length;
        for (long b = 0; b < samples; b++) {
          const T* from = gy + ((n + b) * g.outChannels + gi * og + r) * plane;
          path.place({from, c.outH, c.outW, gyEnd, row + b * inPlane, Hp, Wp, 0, 0});
          if (biasSums != nullptr) biasSums[r] += path.planeSum(from, plane);
        }
        std::fill(row + span, row + length, T(0));
      }
      // Each sample's run stops after its last output position, where its plane's padding rows
      // begin (a fifth of a 13×13 plane for 11×11 outputs), unless the run would then overlap the
      // next plane's.
      const bool bySample = (flat + lanes - 1) / lanes * lanes <= inPlane;
      const WeightDots<T> k{gs, length, r1 - r0, xs, off.data(), count, bySample ? samples : 1, inPlane,
                            bySample ? (flat + lanes - 1) / lanes * lanes : length, sums + r0 * count};
      path.weightDots(k);
    }
  };
  if (runs > 1 || pool == 1) {
    auto run = [&](size_t r) {
      const long n0 = c.batch * static_cast<long>(r) / runs, n1 = c.batch * static_cast<long>(r + 1) / runs;
      for (long gi = 0; gi < g.groups; gi++) {
        work(n0, n1, gi, 0, og, partials.data() + r * weights + gi * og * count, db == nullptr ? nullptr : biasPartials.data() + r * g.outChannels + gi * og);
      }
    };
    parallelFor(static_cast<size_t>(runs), run);
  } else {
    for (long gi = 0; gi < g.groups; gi++) {
      parallelRange(static_cast<size_t>(og), static_cast<size_t>(path.weightRows), [&](size_t r0, size_t r1) {
        work(0, c.batch, gi, static_cast<long>(r0), static_cast<long>(r1), partials.data() + gi * og * count, db == nullptr ? nullptr : biasPartials.data() + gi * og);
      });
    }
  }
  std::copy(partials.begin(), partials.begin() + weights, dw);
  for (long r = 1; r < runs; r++) {
    for (long e = 0; e < weights; e++) dw[e] += partials[static_cast<size_t>(r * weights + e)];
  }
  if (db == nullptr) return;
  for (long o = 0; o < g.outChannels; o++) {
    double sum = 0;
    for (long r = 0; r < runs; r++) sum += biasPartials[static_cast<size_t>(r * g.outChannels + o)];
    db[o] = static_cast<T>(sum);
  }
}

template void conv2dDirect<float>(const ConvProduct&, const float*, const float*, const float*, float*);
template void conv2dDirect<double>(const ConvProduct&, const double*, const double*, const double*, double*);
template void conv2dInputDirect<float>(const ConvProduct&, const float*, const float*, float*);
template void conv2dInputDirect<double>(const ConvProduct&, const double*, const double*, double*);
template void conv2dWeightDirect<float>(const ConvProduct&, const float*, const float*, float*, float*);
template void conv2dWeightDirect<double>(const ConvProduct&, const double*, const double*, double*, double*);

}  // namespace chainrule
