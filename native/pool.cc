// 2-D pooling over each [height, width] plane of [planes, height, width]: the js backend's
// loops (src/backends/js/pool.ts), planes in parallel. Same arithmetic in the same order, so
// results agree with js bit for bit.
#include <algorithm>
#include <limits>
#include <type_traits>

#include "common.h"
#include "kernels.h"
#include "pool-2x2.h"
#include "thread-pool.h"

namespace chainrule {
namespace {

// P = [planes, height, width, kernelH, kernelW, outH, outW, strideH, strideW, padH, padW,
// extra] with extra = dilationH, dilationW for max pooling, countIncludePad for average pooling.
struct Pool {
  long planes, height, width, kernelH, kernelW, outH, outW, strideH, strideW, padH, padW;
  long dilationH = 1, dilationW = 1;
  bool countIncludePad = false;
  long inSize() const { return planes * height * width; }
  long outSize() const { return planes * outH * outW; }
};

bool readPool(const Params& P, bool max, Pool* p) {
  if (P.length < (max ? 13u : 12u)) return false;
  long* fields[] = {&p->planes, &p->height, &p->width, &p->kernelH, &p->kernelW, &p->outH, &p->outW, &p->strideH, &p->strideW, &p->padH, &p->padW};
  for (int i = 0; i < 11; i++) *fields[i] = P.i(i);
  if (max) {
    p->dilationH = P.i(11);
    p->dilationW = P.i(12);
  } else {
    p->countIncludePad = P.d(11) != 0;
  }
  return true;
}

size_t grainFor(const Pool& p) {
  const long work = p.outH * p.outW * p.kernelH * p.kernelW + p.height * p.width;
  return 1 + (1 << 15) / static_cast<size_t>(work > 0 ? work : 1);
}

// The largest value of each window and its index in the plane; the first maximum wins a tie and
// a NaN wins over numbers, as in the js backend.
// One tap of the window: taken when larger, or NaN (a NaN wins over numbers, the last NaN over
// earlier ones), as the general loop's rule. Written as selects on 32-bit lanes, so that a row
// of windows vectorises: as branches on a float and a 64-bit index it ran 12× slower.
template <typename T>
inline void takeIfLarger(T v, int32_t index, T& best, int32_t& at) {
  const bool take = (v > best) | (v != v);
  best = take ? v : best;
  at = take ? index : at;
}

// One row of 2×2 windows: rows r0 and r1 of the plane, `top` the index of r0's first element.
template <typename T>
void maxPoolRow2x2(const T* __restrict r0, const T* __restrict r1, int32_t top, int32_t width, T* __restrict values,
                   int32_t* __restrict argmax, long outW) {
  for (long ow = 0; ow < outW; ow++) {
    const int32_t c = static_cast<int32_t>(2 * ow);
    T best = r0[c];
    int32_t at = top + c;
    takeIfLarger(r0[c + 1], top + c + 1, best, at);
    takeIfLarger(r1[c], top + width + c, best, at);
    takeIfLarger(r1[c + 1], top + width + c + 1, best, at);
    values[ow] = best;
    argmax[ow] = at;
  }
}

// The common 2×2 window at stride 2 with no padding: every window lies inside the plane, so
// the four taps are read without bounds checks, in the general loop's order and with its rule
// (comparisons in T give the same answers as in double, to which T converts exactly).
template <typename T>
bool maxPool2x2(const Pool& p, const T* x, T* values, int32_t* argmax) {
  const bool fits = p.kernelH == 2 && p.kernelW == 2 && p.strideH == 2 && p.strideW == 2 && p.padH == 0 && p.padW == 0 &&
                    p.dilationH == 1 && p.dilationW == 1 && 2 * p.outH <= p.height && 2 * p.outW <= p.width;
  if (!fits) return false;
  const long w = p.width;
  parallelRange(static_cast<size_t>(p.planes), grainFor(p), [&](size_t k0, size_t k1) {
    if constexpr (std::is_same_v<T, float>) {
      maxPool2x2F32({x, x + p.inSize(), p.height, w, p.outH, p.outW, static_cast<long>(k0), static_cast<long>(k1), values, argmax});
      return;
    }
    for (long plane = static_cast<long>(k0); plane < static_cast<long>(k1); plane++) {
      const T* base = x + plane * p.height * w;
      for (long oh = 0; oh < p.outH; oh++) {
        const long top = 2 * oh * w;
        const long o = (plane * p.outH + oh) * p.outW;
        maxPoolRow2x2(base + top, base + top + w, static_cast<int32_t>(top), static_cast<int32_t>(w), values + o, argmax + o, p.outW);
      }
    }
  });
  return true;
}

template <typename T>
void maxPool(const Pool& p, const T* x, T* values, int32_t* argmax) {
  if (maxPool2x2(p, x, values, argmax)) return;
  parallelRange(static_cast<size_t>(p.planes), grainFor(p), [&](size_t k0, size_t k1) {
    for (long plane = static_cast<long>(k0); plane < static_cast<long>(k1); plane++) {
      const T* base = x + plane * p.height * p.width;
      long o = plane * p.outH * p.outW;
      for (long oh = 0; oh < p.outH; oh++) {
        const long h0 = oh * p.strideH - p.padH;
        for (long ow = 0; ow < p.outW; ow++, o++) {
          const long w0 = ow * p.strideW - p.padW;
          double best = -std::numeric_limits<double>::infinity();
          long at = -1;
          for (long i = 0; i < p.kernelH; i++) {
            const long ih = h0 + i * p.dilationH;
            if (ih < 0 || ih >= p.height) continue;
            for (long j = 0; j < p.kernelW; j++) {
              const long iw = w0 + j * p.dilationW;
              if (iw < 0 || iw >= p.width) continue;
              const double v = static_cast<double>(base[ih * p.width + iw]);
              if (at < 0 || v > best || v != v) {
                best = v;
                at = ih * p.width + iw;
              }
            }
          }
          values[o] = storeAs<T>(best);
          argmax[o] = static_cast<int32_t>(at);
        }
      }
    }
  });
}

// Plane k of dx: zeros, with each g element added at its argmax.
template <typename T>
void maxPoolBackwardPlane(const Pool& p, const T* g, const int32_t* argmax, T* dx, long k) {
  const long plane = p.height * p.width;
  const long out = p.outH * p.outW;
  std::fill(dx + k * plane, dx + (k + 1) * plane, T(0));
  for (long o = 0; o < out; o++) {
    const long at = argmax[k * out + o];
    if (at < 0 || at >= plane) continue;  // an empty window (all padding) points nowhere
    T& d = dx[k * plane + at];
    d = storeAs<T>(static_cast<double>(d) + static_cast<double>(g[k * out + o]));
  }
}

template <typename T>
void maxPoolBackward(const Pool& p, const T* g, const int32_t* argmax, T* dx) {
  // Windows that tile the planes exactly: every element of dx lies in one window.
  const bool tiles = p.kernelH == 2 && p.kernelW == 2 && p.strideH == 2 && p.strideW == 2 && p.padH == 0 && p.padW == 0 &&
                     p.dilationH == 1 && p.dilationW == 1 && 2 * p.outH == p.height && 2 * p.outW == p.width;
  parallelRange(static_cast<size_t>(p.planes), grainFor(p), [&](size_t k0, size_t k1) {
    if constexpr (std::is_same_v<T, float>) {
      if (tiles) {
        maxPool2x2BackwardF32({g, argmax, dx, p.height, p.width, p.outH, p.outW, p.planes, static_cast<long>(k0), static_cast<long>(k1),
                               [&](long k) { maxPoolBackwardPlane(p, g, argmax, dx, k); }});
        return;
      }
    }
    for (long k = static_cast<long>(k0); k < static_cast<long>(k1); k++) maxPoolBackwardPlane(p, g, argmax, dx, k);
  });
}

// One window's rows [h0, h1), columns [w0, w1) inside the input, and its divisor (PyTorch's rule;
// see avgWindow in the js backend).
inline void avgWindow(const Pool& p, long oh, long ow, long* h0, long* h1, long* w0, long* w1, double* divisor) {
  *h0 = oh * p.strideH - p.padH;
  *w0 = ow * p.strideW - p.padW;
  *h1 = *h0 + p.kernelH < p.height + p.padH ? *h0 + p.kernelH : p.height + p.padH;
  *w1 = *w0 + p.kernelW < p.width + p.padW ? *w0 + p.kernelW : p.width + p.padW;
  const double padded = static_cast<double>((*h1 - *h0) * (*w1 - *w0));
  *h0 = *h0 > 0 ? *h0 : 0;
  *w0 = *w0 > 0 ? *w0 : 0;
  *h1 = *h1 < p.height ? *h1 : p.height;
  *w1 = *w1 < p.width ? *w1 : p.width;
  *divisor = p.countIncludePad ? padded : static_cast<double>((*h1 - *h0) * (*w1 - *w0));
}

template <typename T>
void avgPool(const Pool& p, const T* x, T* y) {
  parallelRange(static_cast<size_t>(p.planes), grainFor(p), [&](size_t k0, size_t k1) {
    for (long plane = static_cast<long>(k0); plane < static_cast<long>(k1); plane++) {
      const T* base = x + plane * p.height * p.width;
      long o = plane * p.outH * p.outW;
      for (long oh = 0; oh < p.outH; oh++) {
        for (long ow = 0; ow < p.outW; ow++, o++) {
          long h0, h1, w0, w1;
          double divisor;
          avgWindow(p, oh, ow, &h0, &h1, &w0, &w1, &divisor);
          if (h0 >= h1 || w0 >= w1) continue;
          double s = 0;
          for (long ih = h0; ih < h1; ih++) {
            for (long iw = w0; iw < w1; iw++) s += static_cast<double>(base[ih * p.width + iw]);
          }
          y[o] = storeAs<T>(s / divisor);
        }
      }
    }
  });
}

template <typename T>
void avgPoolBackward(const Pool& p, const T* g, T* dx) {
  parallelRange(static_cast<size_t>(p.planes), grainFor(p), [&](size_t k0, size_t k1) {
    for (long plane = static_cast<long>(k0); plane < static_cast<long>(k1); plane++) {
      T* base = dx + plane * p.height * p.width;
      std::fill(base, base + p.height * p.width, T(0));
      long o = plane * p.outH * p.outW;
      for (long oh = 0; oh < p.outH; oh++) {
        for (long ow = 0; ow < p.outW; ow++, o++) {
          long h0, h1, w0, w1;
          double divisor;
          avgWindow(p, oh, ow, &h0, &h1, &w0, &w1, &divisor);
          const double share = static_cast<double>(g[o]) / divisor;
          for (long ih = h0; ih < h1; ih++) {
            for (long iw = w0; iw < w1; iw++) {
              T& d = base[ih * p.width + iw];
              d = storeAs<T>(static_cast<double>(d) + share);
            }
          }
        }
      }
    }
  });
}

bool readPoolCall(napi_env env, napi_callback_info info, size_t count, Array* arrays, bool max, Pool* p) {
  napi_value argv[5];
  size_t argc = 5;
  napi_get_cb_info(env, info, &argc, argv, nullptr, nullptr);
  Params P;
  if (argc < count + 1) {
    throwInternal(env, "pooling: too few arguments");
    return false;
  }
  for (size_t i = 0; i < count; i++) {
    if (!readArray(env, argv[i], &arrays[i])) return false;
  }
  if (!readParams(env, argv[count], &P)) return false;
  if (!readPool(P, max, p)) {
    throwInternal(env, "pooling: malformed parameters");
    return false;
  }
  return true;
}

// maxPool2d(x, values, argmax, P)
napi_value maxPoolBinding(napi_env env, napi_callback_info info) {
  Array a[3];
  Pool p;
  if (!readPoolCall(env, info, 3, a, true, &p)) return nullptr;
  if (a[0].dtype != a[1].dtype || a[2].dtype != DType::i32 || static_cast<long>(a[0].length) != p.inSize() ||
      static_cast<long>(a[1].length) != p.outSize() || static_cast<long>(a[2].length) != p.outSize()) {
    throwInternal(env, "maxPool2d: sizes do not match the parameters");
    return nullptr;
  }
  withType(a[0].dtype, [&](auto* tag) {
    using T = std::remove_pointer_t<decltype(tag)>;
    maxPool<T>(p, a[0].as<T>(), a[1].as<T>(), a[2].as<int32_t>());
  });
  return nullptr;
}

// maxPool2dBackward(g, argmax, dx, P): dx is overwritten (zeroed here, then added into).
napi_value maxPoolBackwardBinding(napi_env env, napi_callback_info info) {
  Array a[3];
  Pool p;
  if (!readPoolCall(env, info, 3, a, true, &p)) return nullptr;
  if (a[0].dtype != a[2].dtype || a[1].dtype != DType::i32 || static_cast<long>(a[0].length) != p.outSize() ||
      static_cast<long>(a[1].length) != p.outSize() || static_cast<long>(a[2].length) != p.inSize()) {
    throwInternal(env, "maxPool2dBackward: sizes do not match the parameters");
    return nullptr;
  }
  withType(a[0].dtype, [&](auto* tag) {
    using T = std::remove_pointer_t<decltype(tag)>;
    maxPoolBackward<T>(p, a[0].as<T>(), a[1].as<int32_t>(), a[2].as<T>());
  });
  return nullptr;
}

// avgPool2d(x, y, P) and avgPool2dBackward(g, dx, P): the output is overwritten.
template <bool Forward>
napi_value avgPoolBinding(napi_env env, napi_callback_info info) {
  Array a[2];
  Pool p;
  if (!readPoolCall(env, info, 2, a, false, &p)) return nullptr;
  if (a[0].dtype != a[1].dtype || static_cast<long>(a[0].length) != (Forward ? p.inSize() : p.outSize()) ||
      static_cast<long>(a[1].length) != (Forward ? p.outSize() : p.inSize())) {
    throwInternal(env, "avgPool2d: sizes do not match the parameters");
    return nullptr;
  }
  withType(a[0].dtype, [&](auto* tag) {
    using T = std::remove_pointer_t<decltype(tag)>;
    if (Forward) {
      avgPool<T>(p, a[0].as<T>(), a[1].as<T>());
    } else {
      avgPoolBackward<T>(p, a[0].as<T>(), a[1].as<T>());
    }
  });
  return nullptr;
}

}  // namespace

void registerPool(napi_env env, napi_value exports) {
  defineFunction(env, exports, "maxPool2d", maxPoolBinding);
  defineFunction(env, exports, "maxPool2dBackward", maxPoolBackwardBinding);
  defineFunction(env, exports, "avgPool2d", avgPoolBinding<true>);
  defineFunction(env, exports, "avgPool2dBackward", avgPoolBinding<false>);
}

}  // namespace chainrule
