// Convolution's unfolding (im2col) and its adjoint (col2im), the js backend's loops
// (src/backends/js/conv.ts) run in parallel over independent pieces: rows of the columns for
// im2col, input channels for col2im, whose sums then add in the js backend's order (bit-exact);
// and the three convolution maps built on them and the GEMM, a sample at a time (or, at
// stride 1, on the direct kernels of conv-direct.cc).
#include <algorithm>
#include <type_traits>
#include <vector>

#include "common.h"
#include "conv.h"
#include "gemm.h"
#include "kernels.h"
#include "thread-pool.h"

namespace chainrule {
namespace {

// P holds the fields of Conv (conv.h) in order.
bool readConv(const Params& P, Conv* c) {
  if (P.length < 14) return false;
  long* fields[] = {&c->batch, &c->channels, &c->height, &c->width, &c->kernelH, &c->kernelW, &c->outH, &c->outW,
                    &c->strideH, &c->strideW, &c->padTop, &c->padLeft, &c->dilationH, &c->dilationW};
  for (int i = 0; i < 14; i++) *fields[i] = P.i(i);
  return true;
}

// cols[(c·kH + i)·kW + j][(n·outH + p)·outW + q] = x[n, c, p·sH + i·dH − padTop, q·sW + j·dW − padLeft],
// 0 in the padding (written, so that a reused buffer needs no clearing).
template <typename T>
void im2col(const Conv& c, const T* x, T* cols) {
  const long plane = c.outH * c.outW;
  const long columns = c.batch * plane;
  const long rows = c.channels * c.kernelH * c.kernelW;
  parallelRange(static_cast<size_t>(rows), 1 + (1 << 15) / (columns > 0 ? columns : 1), [&](size_t r0, size_t r1) {
    for (long row = static_cast<long>(r0); row < static_cast<long>(r1); row++) {
      const long ch = row / (c.kernelH * c.kernelW);
      const long i = (row / c.kernelW) % c.kernelH;
      const long j = row % c.kernelW;
      for (long n = 0; n < c.batch; n++) {
        const T* xPlane = x + (n * c.channels + ch) * c.height * c.width;
        T* colBase = cols + row * columns + n * plane;
        for (long oh = 0; oh < c.outH; oh++) {
          const long ih = oh * c.strideH + i * c.dilationH - c.padTop;
          T* colRow = colBase + oh * c.outW;
          if (ih < 0 || ih >= c.height) {
            for (long ow = 0; ow < c.outW; ow++) colRow[ow] = T(0);
            continue;
          }
          const T* xRow = xPlane + ih * c.width;
          const long shift = j * c.dilationW - c.padLeft;
          if (c.strideW == 1) {
            // Contiguous on both sides: the in-bounds run of ow, copied whole.
            long lo = -shift > 0 ? -shift : 0;
            long hi = c.width - shift < c.outW ? c.width - shift : c.outW;
            if (hi < lo) hi = lo;
            for (long ow = 0; ow < lo && ow < c.outW; ow++) colRow[ow] = T(0);
            for (long ow = lo; ow < hi; ow++) colRow[ow] = xRow[ow + shift];
            for (long ow = hi; ow < c.outW; ow++) colRow[ow] = T(0);
          } else {
            for (long ow = 0; ow < c.outW; ow++) {
              const long iw = ow * c.strideW + shift;
              colRow[ow] = iw >= 0 && iw < c.width ? xRow[iw] : T(0);
            }
          }
        }
      }
    }
  });
}

// The adjoint: x = 0, then every column entry added where im2col read it. Channels are
// independent, and within one the rows add in the js backend's order. (x is zeroed here, a
// channel's planes on the thread that adds into them, rather than allocated zeroed: a large
// zeroed array costs a page fault per 4 KiB.)
template <typename T>
void col2im(const Conv& c, const T* cols, T* x) {
  const long plane = c.outH * c.outW;
  const long columns = c.batch * plane;
  const long taps = c.kernelH * c.kernelW;
  parallelRange(static_cast<size_t>(c.channels), 1 + (1 << 15) / (taps * columns > 0 ? taps * columns : 1), [&](size_t c0, size_t c1) {
    for (long ch = static_cast<long>(c0); ch < static_cast<long>(c1); ch++) {
      for (long n = 0; n < c.batch; n++) {
        T* xPlane = x + (n * c.channels + ch) * c.height * c.width;
        std::fill(xPlane, xPlane + c.height * c.width, T(0));
      }
      for (long i = 0; i < c.kernelH; i++) {
        for (long j = 0; j < c.kernelW; j++) {
          const long row = (ch * c.kernelH + i) * c.kernelW + j;
          for (long n = 0; n < c.batch; n++) {
            T* xPlane = x + (n * c.channels + ch) * c.height * c.width;
            const T* colBase = cols + row * columns + n * plane;
            for (long oh = 0; oh < c.outH; oh++) {
              const long ih = oh * c.strideH + i * c.dilationH - c.padTop;
              if (ih < 0 || ih >= c.height) continue;
              T* xRow = xPlane + ih * c.width;
              const T* colRow = colBase + oh * c.outW;
              for (long ow = 0; ow < c.outW; ow++) {
                const long iw = ow * c.strideW + j * c.dilationW - c.padLeft;
                if (iw >= 0 && iw < c.width) xRow[iw] = storeAs<T>(static_cast<double>(xRow[iw]) + static_cast<double>(colRow[ow]));
              }
            }
          }
        }
      }
    }
  });
}

// ------------------------------------------------------------------ the convolution maps
//
// conv2d, conv2dInput and conv2dWeight as the js backend computes them (im2col, a product per
// channel group, col2im), but one sample at a time: a sample's columns (taps × outH·outW) fit
// in a thread's cache and are reused from a buffer kept per thread, so no batch-sized columns
// are allocated, written and read back, and y and ∂L/∂x come out in [N, C, H, W] order with no
// transpose. Samples go to the threads; a batch of one instead gives each product the threads.
// Stride 1 with short reductions (convDirectApplies) skips the columns: conv-direct.cc.

bool readConvProduct(const Params& P, ConvProduct* g) {
  if (P.length < 16 || !readConv(P, &g->c)) return false;
  g->outChannels = P.i(14);
  g->groups = P.i(15);
  return g->groups > 0 && g->c.channels % g->groups == 0 && g->outChannels % g->groups == 0;
}

// Runs f(n, threads) for every sample n: spread over the pool with one thread per product when
// there are several samples, else in turn with the pool's threads for each product.
template <typename F>
void forSamples(long batch, F&& f) {
  const int pool = threadCount();
  if (pool > 1 && batch > 1) {
    parallelRange(static_cast<size_t>(batch), 1, [&](size_t n0, size_t n1) {
      for (size_t n = n0; n < n1; n++) f(static_cast<long>(n), 1);
    });
  } else {
    for (long n = 0; n < batch; n++) f(n, pool);
  }
}

// y[n, group] = W[group] · im2col(x[n, group]) (+ bias[o] on channel o's plane, while the
// sample's outputs are still in cache; bias may be null).
template <typename T>
void conv2d(const ConvProduct& g, const T* x, const T* w, const T* bias, T* y) {
  if (convDirectApplies(g, false)) return conv2dDirect(g, x, w, bias, y);
  const Conv one = g.sample();
  const long taps = g.taps(), plane = g.plane(), og = g.og();
  forSamples(g.c.batch, [&](long n, int threads) {
    T* cols = threadBuffer<T>(static_cast<size_t>(taps * plane));
    for (long gi = 0; gi < g.groups; gi++) {
      im2col(one, x + (n * g.c.channels + gi * g.cg()) * g.inPlane(), cols);
      chainrule::gemm(w + gi * og * taps, cols, y + (n * g.outChannels + gi * og) * plane, og, plane, taps, false, false, threads);
    }
    if (bias != nullptr) {
      for (long o = 0; o < g.outChannels; o++) {
        T* row = y + (n * g.outChannels + o) * plane;
        const T b = bias[o];
        for (long i = 0; i < plane; i++) row[i] += b;
      }
    }
  });
}

// ∂L/∂x[n, group] = col2im(W[group]ᵀ · g[n, group]).
template <typename T>
void conv2dInput(const ConvProduct& g, const T* gy, const T* w, T* dx) {
  if (convDirectApplies(g, false)) return conv2dInputDirect(g, gy, w, dx);
  const Conv one = g.sample();
  const long taps = g.taps(), plane = g.plane(), og = g.og();
  forSamples(g.c.batch, [&](long n, int threads) {
    T* cols = threadBuffer<T>(static_cast<size_t>(taps * plane));
    for (long gi = 0; gi < g.groups; gi++) {
      chainrule::gemm(w + gi * og * taps, gy + (n * g.outChannels + gi * og) * plane, cols, taps, plane, og, true, false, threads);
      col2im(one, cols, dx + (n * g.c.channels + gi * g.cg()) * g.inPlane());
    }
  });
}

// ∂L/∂W[group] = Σ_n g[n, group] · im2col(x[n, group])ᵀ. The samples are split into as many
// contiguous runs as threads, each summed into its own partial, and the partials added in run
// order: the same result for the same thread count, whatever the timing. With one group, a few
// samples' columns go side by side into one product (and their rows of g with them), so that
// each weight is one dot product over at least ~512 positions: a small plane (11×11 positions,
// 121 terms) would leave each dot product too short to pay for its final sum across lanes.
// With db, also g summed per output channel over samples and positions, in double.
template <typename T>
void conv2dWeight(const ConvProduct& g, const T* x, const T* gy, T* dw, T* db) {
  if (convDirectApplies(g, true)) return conv2dWeightDirect(g, x, gy, dw, db);
  if (db != nullptr) {
    const long plane = g.plane();
    parallelRange(static_cast<size_t>(g.outChannels), 1, [&](size_t o0, size_t o1) {
      for (long o = static_cast<long>(o0); o < static_cast<long>(o1); o++) {
        double sum = 0;
        for (long n = 0; n < g.c.batch; n++) {
          const T* from = gy + (n * g.outChannels + o) * plane;
          for (long i = 0; i < plane; i++) sum += static_cast<double>(from[i]);
        }
        db[o] = static_cast<T>(sum);
      }
    });
  }
  const Conv one = g.sample();
  const long taps = g.taps(), plane = g.plane(), og = g.og(), batch = g.c.batch;
  const long size = g.outChannels * taps;
  const int pool = threadCount();
  const long runs = pool > 1 && batch > 1 ? (batch < pool ? batch : pool) : 1;
  const int threads = runs > 1 ? 1 : pool;
  const long together = g.groups == 1 ? (512 + plane - 1) / plane : 1;
  std::vector<T> partials(static_cast<size_t>(runs * size), T(0));
  auto run = [&](size_t r) {
    const long n0 = batch * static_cast<long>(r) / runs, n1 = batch * static_cast<long>(r + 1) / runs;
    const long most = together < n1 - n0 ? together : (n1 - n0 > 0 ? n1 - n0 : 1);
    T* cols = threadBuffer<T>(static_cast<size_t>(taps * plane * most + og * taps + og * plane * most));
    T* product = cols + taps * plane * most;
    T* rows = product + og * taps;
    T* acc = partials.data() + r * size;
    for (long n = n0; n < n1; n += most) {
      const long count = n1 - n < most ? n1 - n : most;
      if (count > 1) {
        Conv part = one;
        part.batch = count;
        im2col(part, x + n * g.c.channels * g.inPlane(), cols);
        for (long o = 0; o < og; o++) {
          for (long j = 0; j < count; j++) {
            const T* from = gy + ((n + j) * g.outChannels + o) * plane;
            std::copy(from, from + plane, rows + (o * count + j) * plane);
          }
        }
        chainrule::gemm(rows, cols, product, og, taps, count * plane, false, true, threads);
        for (long e = 0; e < og * taps; e++) acc[e] += product[e];
        continue;
      }
      for (long gi = 0; gi < g.groups; gi++) {
        im2col(one, x + (n * g.c.channels + gi * g.cg()) * g.inPlane(), cols);
        chainrule::gemm(gy + (n * g.outChannels + gi * og) * plane, cols, product, og, taps, plane, false, true, threads);
        T* target = acc + gi * og * taps;
        for (long e = 0; e < og * taps; e++) target[e] += product[e];
      }
    }
  };
  if (runs > 1) {
    parallelFor(static_cast<size_t>(runs), run);
  } else {
    run(0);
  }
  for (long e = 0; e < size; e++) dw[e] = partials[e];
  for (long r = 1; r < runs; r++) {
    for (long e = 0; e < size; e++) dw[e] += partials[r * size + e];
  }
}

// conv2d(x, w, y, P, bias), conv2dInput(g, w, dx, P), conv2dWeight(x, g, dw, P, bias): P holds
// the im2col fields, outChannels and groups; the third array is the output, float32 or float64,
// which all three overwrite; the bias is null or one value per output channel: conv2d's input,
// conv2dWeight's second output (g's sum per channel).
enum class Map { forward, input, weight };

template <Map M>
napi_value convProductBinding(napi_env env, napi_callback_info info) {
  napi_value argv[5];
  size_t argc = 5;
  napi_get_cb_info(env, info, &argc, argv, nullptr, nullptr);
  Array a, b, out, bias;
  Params P;
  if (argc < 4 || !readArray(env, argv[0], &a) || !readArray(env, argv[1], &b) || !readArray(env, argv[2], &out) || !readParams(env, argv[3], &P)) return nullptr;
  napi_valuetype biasType = napi_null;
  if (M != Map::input && argc > 4) napi_typeof(env, argv[4], &biasType);
  const bool hasBias = biasType != napi_null && biasType != napi_undefined;
  if (hasBias && !readArray(env, argv[4], &bias)) return nullptr;
  ConvProduct g;
  bool ok = readConvProduct(P, &g) && a.dtype == out.dtype && b.dtype == out.dtype && (out.dtype == DType::f32 || out.dtype == DType::f64) &&
            (!hasBias || (bias.dtype == out.dtype && bias.length == static_cast<size_t>(g.outChannels)));
  if (ok) {
    const size_t image = static_cast<size_t>(g.c.imageSize());
    const size_t kernel = static_cast<size_t>(g.outChannels * g.taps());
    const size_t output = static_cast<size_t>(g.c.batch * g.outChannels * g.plane());
    const size_t sizes[3][3] = {{image, kernel, output}, {output, kernel, image}, {image, output, kernel}};
    const size_t* want = sizes[static_cast<int>(M)];
    ok = a.length == want[0] && b.length == want[1] && out.length == want[2];
  }
  if (!ok) {
    throwInternal(env, "conv2d: sizes or dtypes do not match the parameters");
    return nullptr;
  }
  auto compute = [&](auto* tag) {
    using T = std::remove_pointer_t<decltype(tag)>;
    if (M == Map::forward) conv2d<T>(g, a.as<T>(), b.as<T>(), hasBias ? bias.as<T>() : nullptr, out.as<T>());
    if (M == Map::input) conv2dInput<T>(g, a.as<T>(), b.as<T>(), out.as<T>());
    if (M == Map::weight) conv2dWeight<T>(g, a.as<T>(), b.as<T>(), out.as<T>(), hasBias ? bias.as<T>() : nullptr);
  };
  if (out.dtype == DType::f32) {
    compute(static_cast<float*>(nullptr));
  } else {
    compute(static_cast<double*>(nullptr));
  }
  return nullptr;
}

// im2col(x, cols, P) and col2im(cols, x, P): the second array is the output, overwritten.
template <bool Forward>
napi_value convBinding(napi_env env, napi_callback_info info) {
  napi_value argv[3];
  size_t argc = 3;
  napi_get_cb_info(env, info, &argc, argv, nullptr, nullptr);
  Array in, out;
  Params P;
  if (argc < 3 || !readArray(env, argv[0], &in) || !readArray(env, argv[1], &out) || !readParams(env, argv[2], &P)) return nullptr;
  Conv c;
  const bool ok = readConv(P, &c) && in.dtype == out.dtype &&
                  static_cast<long>(in.length) == (Forward ? c.imageSize() : c.colsSize()) &&
                  static_cast<long>(out.length) == (Forward ? c.colsSize() : c.imageSize());
  if (!ok) {
    throwInternal(env, Forward ? "im2col: sizes do not match the parameters" : "col2im: sizes do not match the parameters");
    return nullptr;
  }
  withType(in.dtype, [&](auto* tag) {
    using T = std::remove_pointer_t<decltype(tag)>;
    if (Forward) {
      im2col<T>(c, in.as<T>(), out.as<T>());
    } else {
      col2im<T>(c, in.as<T>(), out.as<T>());
    }
  });
  return nullptr;
}

}  // namespace

void registerConv(napi_env env, napi_value exports) {
  defineFunction(env, exports, "im2col", convBinding<true>);
  defineFunction(env, exports, "col2im", convBinding<false>);
  defineFunction(env, exports, "conv2d", convProductBinding<Map::forward>);
  defineFunction(env, exports, "conv2dInput", convProductBinding<Map::input>);
  defineFunction(env, exports, "conv2dWeight", convProductBinding<Map::weight>);
}

}  // namespace chainrule
