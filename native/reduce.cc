// Reductions over axes, argmax/argmin along one axis, softmax and log-softmax. Each works on a
// view of the input as outer × size × inner (the reduced axis in the middle); rows along the
// last axis (inner = 1) and reductions across rows (inner > 1) get separate loops, so both read
// memory in order and vectorise.
#include <limits>
#include <type_traits>
#include <vector>

#include "common.h"
#include "kernels.h"
#include "special.h"
#include "thread-pool.h"

namespace chainrule {
namespace {

// The codes of REDUCE_CODES in src/backends/native/addon.ts.
enum ReduceOp { kSum, kMax, kMin, kProd };

// Work (elements read) per thread below which a reduction stays on one thread.
constexpr size_t kGrain = 1 << 15;

// One step of a reduction: acc ⊕ v. max and min keep the first NaN (NaN propagates, as in
// PyTorch and the js backend). int32 arithmetic is done in double and wrapped as an
// Int32Array store wraps it.
template <int Op, typename T>
inline T step(T acc, T v) {
  if constexpr (Op == kMax) return (v > acc || v != v) ? v : acc;
  else if constexpr (Op == kMin) return (v < acc || v != v) ? v : acc;
  else if constexpr (std::is_same_v<T, int32_t>) {
    return toInt32(Op == kSum ? static_cast<double>(acc) + v : static_cast<double>(acc) * v);
  } else if constexpr (Op == kSum) return acc + v;
  else return acc * v;
}

template <int Op, typename T>
constexpr T identity() {
  if constexpr (Op == kSum) return T(0);
  else if constexpr (Op == kProd) return T(1);
  // int32 has no ∓Infinity: its extremes are the identities. (The js backend fills an Int32Array
  // with ∓Infinity, which stores 0, so its int32 max of negatives is 0: a bug there, not copied.)
  else if constexpr (std::is_same_v<T, int32_t>) return Op == kMax ? std::numeric_limits<int32_t>::min() : std::numeric_limits<int32_t>::max();
  else if constexpr (Op == kMax) return -std::numeric_limits<T>::infinity();
  else return std::numeric_limits<T>::infinity();
}

// Sum of a contiguous row, accumulated in double over eight lanes (vectorised; the js backend
// accumulates a full sum in double too).
template <typename T>
double rowSum(const T* __restrict x, long n) {
  double lanes[8] = {0, 0, 0, 0, 0, 0, 0, 0};
  long r = 0;
  for (; r + 8 <= n; r += 8) {
    for (int l = 0; l < 8; l++) lanes[l] += static_cast<double>(x[r + l]);
  }
  double s = 0;
  for (; r < n; r++) s += static_cast<double>(x[r]);
  return s + ((lanes[0] + lanes[1]) + (lanes[2] + lanes[3])) + ((lanes[4] + lanes[5]) + (lanes[6] + lanes[7]));
}

template <int Op, typename T>
T rowReduce(const T* __restrict x, long n) {
  if constexpr (Op == kSum && !std::is_same_v<T, int32_t>) {
    return static_cast<T>(rowSum(x, n));
  } else if constexpr ((Op == kMax || Op == kMin) && !std::is_same_v<T, int32_t>) {
    T lanes[8];
    for (int l = 0; l < 8; l++) lanes[l] = identity<Op, T>();
    long r = 0;
    for (; r + 8 <= n; r += 8) {
      for (int l = 0; l < 8; l++) lanes[l] = step<Op, T>(lanes[l], x[r + l]);
    }
    T acc = identity<Op, T>();
    for (int l = 0; l < 8; l++) acc = step<Op, T>(acc, lanes[l]);
    for (; r < n; r++) acc = step<Op, T>(acc, x[r]);
    return acc;
  } else {
    T acc = identity<Op, T>();
    for (long r = 0; r < n; r++) acc = step<Op, T>(acc, x[r]);
    return acc;
  }
}

// out[o, i] = ⊕ over r of x[o, r, i].
template <int Op, typename T>
void reduceAxis(const T* x, long outer, long size, long inner, T* out) {
  const size_t work = static_cast<size_t>(outer) * size * inner;
  if (inner == 1) {
    parallelRange(static_cast<size_t>(outer), kGrain / (size > 0 ? size : 1) + 1, [&](size_t o0, size_t o1) {
      for (size_t o = o0; o < o1; o++) out[o] = rowReduce<Op, T>(x + o * size, size);
    });
    return;
  }
  // Across rows: accumulate whole rows of inner elements, in order (as the js backend does).
  auto block = [&](long o, long i0, long i1) {
    T* __restrict dst = out + o * inner;
    for (long i = i0; i < i1; i++) dst[i] = identity<Op, T>();
    for (long r = 0; r < size; r++) {
      const T* __restrict src = x + (o * size + r) * inner;
      for (long i = i0; i < i1; i++) dst[i] = step<Op, T>(dst[i], src[i]);
    }
  };
  if (work < 2 * kGrain || outer >= threadCount()) {
    parallelRange(static_cast<size_t>(outer), work < 2 * kGrain ? static_cast<size_t>(outer) : 1, [&](size_t o0, size_t o1) {
      for (size_t o = o0; o < o1; o++) block(static_cast<long>(o), 0, inner);
    });
  } else {
    for (long o = 0; o < outer; o++) {
      parallelRange(static_cast<size_t>(inner), 1024, [&](size_t i0, size_t i1) { block(o, static_cast<long>(i0), static_cast<long>(i1)); });
    }
  }
}

template <typename F>
bool withReduceOp(long op, F&& f) {
  switch (op) {
    case kSum: f(std::integral_constant<int, kSum>()); return true;
    case kMax: f(std::integral_constant<int, kMax>()); return true;
    case kMin: f(std::integral_constant<int, kMin>()); return true;
    case kProd: f(std::integral_constant<int, kProd>()); return true;
  }
  return false;
}

// reduce(x, out, P): P = [op, rank, shape…, reduced…] with reduced[d] = 1 for a reduced axis.
napi_value reduceBinding(napi_env env, napi_callback_info info) {
  napi_value argv[3];
  size_t argc = 3;
  napi_get_cb_info(env, info, &argc, argv, nullptr, nullptr);
  Array x, out;
  Params P;
  if (argc < 3 || !readArray(env, argv[0], &x) || !readArray(env, argv[1], &out) || !readParams(env, argv[2], &P)) return nullptr;
  const long op = P.length >= 2 ? P.i(0) : -1;
  const int rank = P.length >= 2 ? static_cast<int>(P.i(1)) : -1;
  if (rank < 0 || rank > kMaxRank || P.length < static_cast<size_t>(2 + 2 * rank) || x.dtype != out.dtype) {
    throwInternal(env, "reduce: malformed parameters");
    return nullptr;
  }
  // Merge neighbouring axes of the same kind and drop axes of size 1: what remains alternates
  // between kept and reduced blocks.
  long dims[kMaxRank];
  bool reduced[kMaxRank];
  int r = 0;
  long total = 1, kept = 1;
  bool allReduced = true;
  for (int d = 0; d < rank; d++) {
    const long size = P.i(2 + d);
    const bool red = P.d(2 + rank + d) != 0;
    total *= size;
    if (!red) {
      kept *= size;
      allReduced = false;
    }
    if (size == 1) continue;
    if (r > 0 && reduced[r - 1] == red) {
      dims[r - 1] *= size;
    } else {
      dims[r] = size;
      reduced[r] = red;
      r++;
    }
  }
  if (static_cast<long>(x.length) != total || static_cast<long>(out.length) != kept) {
    throwInternal(env, "reduce: array lengths do not match the shape");
    return nullptr;
  }
  const bool known = withReduceOp(op, [&](auto tag) {
    constexpr int Op = decltype(tag)::value;
    withType(x.dtype, [&](auto* t) {
      using T = std::remove_pointer_t<decltype(t)>;
      T* dst = out.as<T>();
      if (total == 0) {
        for (long i = 0; i < kept; i++) dst[i] = identity<Op, T>();
        return;
      }
      if (Op == kSum && allReduced) {
        // A full sum, in double from the first element to the last, as the js backend does.
        dst[0] = storeAs<T>(rowSum(x.as<T>(), total));
        return;
      }
      // Reduce the last reduced block first, as the js backend does, so the order of
      // accumulation along each axis is the same.
      const T* src = x.as<T>();
      std::vector<T> bufferA, bufferB;
      long curDims[kMaxRank];
      bool curReduced[kMaxRank];
      int cur = r;
      for (int d = 0; d < r; d++) {
        curDims[d] = dims[d];
        curReduced[d] = reduced[d];
      }
      int reductions = 0;
      for (int d = 0; d < r; d++) reductions += curReduced[d] ? 1 : 0;
      if (reductions == 0) {
        std::memcpy(dst, src, total * sizeof(T));
        return;
      }
      for (int d = cur - 1; d >= 0; d--) {
        if (!curReduced[d]) continue;
        long outer = 1, inner = 1;
        for (int e = 0; e < d; e++) outer *= curDims[e];
        for (int e = d + 1; e < cur; e++) inner *= curDims[e];
        reductions--;
        T* target = dst;
        if (reductions > 0) {
          std::vector<T>& buffer = src == bufferA.data() ? bufferB : bufferA;
          buffer.assign(static_cast<size_t>(outer * inner), T(0));
          target = buffer.data();
        }
        reduceAxis<Op, T>(src, outer, curDims[d], inner, target);
        src = target;
        for (int e = d; e + 1 < cur; e++) {
          curDims[e] = curDims[e + 1];
          curReduced[e] = curReduced[e + 1];
        }
        cur--;
      }
    });
  });
  if (!known) throwInternal(env, "reduce: unknown op code");
  return nullptr;
}

// argReduce(x, out, P): P = [argmin?1:0, outer, size, inner]; out is an Int32Array. The js
// backend's scan, exactly: the first extreme wins, and so does the first NaN.
napi_value argReduceBinding(napi_env env, napi_callback_info info) {
  napi_value argv[3];
  size_t argc = 3;
  napi_get_cb_info(env, info, &argc, argv, nullptr, nullptr);
  Array x, out;
  Params P;
  if (argc < 3 || !readArray(env, argv[0], &x) || !readArray(env, argv[1], &out) || !readParams(env, argv[2], &P)) return nullptr;
  if (P.length < 4 || out.dtype != DType::i32) {
    throwInternal(env, "argReduce: malformed parameters");
    return nullptr;
  }
  const bool argmin = P.d(0) != 0;
  const long outer = P.i(1), size = P.i(2), inner = P.i(3);
  if (static_cast<long>(x.length) != outer * size * inner || static_cast<long>(out.length) != outer * inner) {
    throwInternal(env, "argReduce: array lengths do not match the shape");
    return nullptr;
  }
  withType(x.dtype, [&](auto* t) {
    using T = std::remove_pointer_t<decltype(t)>;
    const T* src = x.as<T>();
    int32_t* dst = out.as<int32_t>();
    parallelRange(static_cast<size_t>(outer * inner), kGrain / (size > 0 ? size : 1) + 1, [&](size_t begin, size_t end) {
      for (size_t k = begin; k < end; k++) {
        const long o = static_cast<long>(k) / inner, i = static_cast<long>(k) % inner;
        const T* p = src + o * size * inner + i;
        T best = size > 0 ? p[0] : T(0);
        int32_t at = 0;
        for (long r = 1; r < size; r++) {
          const T v = p[r * inner];
          if (best != best) break;
          if (argmin ? (v < best || v != v) : (v > best || v != v)) {
            best = v;
            at = static_cast<int32_t>(r);
          }
        }
        dst[k] = at;
      }
    });
  });
  return nullptr;
}

// Softmax of `size` values `inner` apart: max-subtracted (so exp never overflows), the sum of
// exponentials in double. log: x − (max + log Σ).
template <typename T>
void softmaxLanes(const T* x, T* y, long size, long inner, long lanes, bool log) {
  constexpr long kLanes = 256;
  T mx[kLanes];
  double sum[kLanes];
  for (long i = 0; i < lanes; i++) mx[i] = -std::numeric_limits<T>::infinity();
  for (long r = 0; r < size; r++) {
    const T* row = x + r * inner;
    // Math.max: any NaN makes the maximum NaN.
    for (long i = 0; i < lanes; i++) mx[i] = mx[i] != mx[i] ? mx[i] : ((row[i] > mx[i] || row[i] != row[i]) ? row[i] : mx[i]);
  }
  for (long i = 0; i < lanes; i++) {
    // A row of −∞ keeps max 0, so exp(−∞ − 0) = 0 rather than NaN (as the js backend).
    if (mx[i] == -std::numeric_limits<T>::infinity()) mx[i] = 0;
    sum[i] = 0;
  }
  for (long r = 0; r < size; r++) {
    const T* row = x + r * inner;
    T* out = y + r * inner;
    for (long i = 0; i < lanes; i++) {
      const T e = expDiff<T>(row[i], mx[i]);
      if (!log) out[i] = e;
      sum[i] += static_cast<double>(e);
    }
  }
  if (log) {
    double lse[kLanes];
    for (long i = 0; i < lanes; i++) lse[i] = static_cast<double>(mx[i]) + std::log(sum[i]);
    for (long r = 0; r < size; r++) {
      const T* row = x + r * inner;
      T* out = y + r * inner;
      for (long i = 0; i < lanes; i++) out[i] = static_cast<T>(static_cast<double>(row[i]) - lse[i]);
    }
  } else {
    for (long r = 0; r < size; r++) {
      T* out = y + r * inner;
      for (long i = 0; i < lanes; i++) out[i] = static_cast<T>(static_cast<double>(out[i]) / sum[i]);
    }
  }
}

template <typename T>
void softmaxRow(const T* __restrict x, T* __restrict y, long size, bool log) {
  T mx = -std::numeric_limits<T>::infinity();
  bool nan = false;
  for (long r = 0; r < size; r++) {
    mx = x[r] > mx ? x[r] : mx;
    nan = nan || x[r] != x[r];
  }
  if (nan) mx = std::numeric_limits<T>::quiet_NaN();
  if (mx == -std::numeric_limits<T>::infinity()) mx = 0;
  double sum = 0;
  if (log) {
    for (long r = 0; r < size; r++) sum += static_cast<double>(expDiff<T>(x[r], mx));
    const double lse = static_cast<double>(mx) + std::log(sum);
    for (long r = 0; r < size; r++) y[r] = static_cast<T>(static_cast<double>(x[r]) - lse);
  } else {
    for (long r = 0; r < size; r++) {
      y[r] = expDiff<T>(x[r], mx);
      sum += static_cast<double>(y[r]);
    }
    for (long r = 0; r < size; r++) y[r] = static_cast<T>(static_cast<double>(y[r]) / sum);
  }
}

// softmax(x, out, P): P = [log, outer, size, inner]; float32 or float64.
napi_value softmaxBinding(napi_env env, napi_callback_info info) {
  napi_value argv[3];
  size_t argc = 3;
  napi_get_cb_info(env, info, &argc, argv, nullptr, nullptr);
  Array x, out;
  Params P;
  if (argc < 3 || !readArray(env, argv[0], &x) || !readArray(env, argv[1], &out) || !readParams(env, argv[2], &P)) return nullptr;
  if (P.length < 4 || x.dtype != out.dtype || x.dtype == DType::i32 || x.length != out.length) {
    throwInternal(env, "softmax: malformed parameters");
    return nullptr;
  }
  const bool log = P.d(0) != 0;
  const long outer = P.i(1), size = P.i(2), inner = P.i(3);
  if (static_cast<long>(x.length) != outer * size * inner) {
    throwInternal(env, "softmax: array length does not match the shape");
    return nullptr;
  }
  auto run = [&](auto* tag) {
    using T = std::remove_pointer_t<decltype(tag)>;
    const T* src = x.as<T>();
    T* dst = out.as<T>();
    if (inner == 1) {
      parallelRange(static_cast<size_t>(outer), 4096 / (size > 0 ? size : 1) + 1, [&](size_t o0, size_t o1) {
        for (size_t o = o0; o < o1; o++) softmaxRow<T>(src + o * size, dst + o * size, size, log);
      });
      return;
    }
    const long chunks = (inner + 255) / 256;
    parallelRange(static_cast<size_t>(outer * chunks), 4096 / (size * 256 > 0 ? size * 256 : 1) + 1, [&](size_t k0, size_t k1) {
      for (size_t k = k0; k < k1; k++) {
        const long o = static_cast<long>(k) / chunks, c = static_cast<long>(k) % chunks;
        const long i0 = c * 256;
        const long lanes = inner - i0 < 256 ? inner - i0 : 256;
        softmaxLanes<T>(src + o * size * inner + i0, dst + o * size * inner + i0, size, inner, lanes, log);
      }
    });
  };
  if (x.dtype == DType::f32) {
    run(static_cast<float*>(nullptr));
  } else {
    run(static_cast<double*>(nullptr));
  }
  return nullptr;
}

}  // namespace

void registerReduce(napi_env env, napi_value exports) {
  defineFunction(env, exports, "reduce", reduceBinding);
  defineFunction(env, exports, "argReduce", argReduceBinding);
  defineFunction(env, exports, "softmax", softmaxBinding);
}

}  // namespace chainrule
