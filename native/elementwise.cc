// Elementwise kernels: unary, binary with broadcasting, where, clamp, cast. Like the js backend,
// int32 and mixed-dtype arithmetic is done in double and stored with the typed array's own
// conversion; all-float32 work stays in float32, where + − × ÷ and √ round exactly as the js
// backend's double-then-round does, and transcendental functions agree to an ulp or two.
#include <type_traits>

#include "common.h"
#include "kernels.h"
#include "special.h"
#include "strided.h"
#include "thread-pool.h"

namespace chainrule {
namespace {

// The codes of UNARY_CODES and BINARY_CODES in src/backends/native/addon.ts.
enum UnaryOp { kNeg, kExp, kLog, kSqrt, kAbs, kSign, kReciprocal, kSquare, kTanh, kSigmoid, kRelu, kLeakyRelu, kGelu, kErf };
enum BinaryOp { kAdd, kSub, kMul, kDiv, kPow, kMaximum, kMinimum, kEq, kNe, kLt, kLe, kGt, kGe, kTanhGrad, kSigmoidGrad, kReluGrad };

template <int Op>
using OpTag = std::integral_constant<int, Op>;

// Elements per thread below which a loop stays on one thread: cheap ops are memory-bound and
// need long runs to repay a wake-up; transcendental ones repay it sooner. Not too long, though:
// a 0.5 MB activation that the layer before wrote in halves, one per core, is read 3× slower
// by a single thread from the other core's cache than by each core from its own (15 vs 5 µs
// on a Zen 5 VM), so an op that splits it the same way keeps each half where it is. 1 << 16
// → 1 << 14 made the CNN's training step 5 % faster and the large MLP's 3.6 % (paired runs).
constexpr size_t kGrainCheap = 1 << 14;
constexpr size_t kGrainCostly = 1 << 12;

template <typename TO, typename TC>
inline TO convertOut(TC v) {
  if constexpr (std::is_same_v<TO, int32_t>) {
    return toInt32(static_cast<double>(v));
  } else {
    return static_cast<TO>(v);
  }
}

// ----------------------------------------------------------------------------------- unary

template <int Op, typename TC>
inline TC unaryOf(TC x, double param) {
  if constexpr (Op == kNeg) return -x;
  else if constexpr (Op == kExp) return expOf<TC>(x);
  else if constexpr (Op == kLog) return std::log(x);
  else if constexpr (Op == kSqrt) return std::sqrt(x);
  else if constexpr (Op == kAbs) return std::fabs(x);
  else if constexpr (Op == kSign) return signOf<TC>(x);
  else if constexpr (Op == kReciprocal) return TC(1) / x;
  else if constexpr (Op == kSquare) return x * x;
  else if constexpr (Op == kTanh) return std::tanh(x);
  else if constexpr (Op == kSigmoid) return sigmoidOf<TC>(x);
  // NaN > 0 is false, so relu(NaN) = 0, as the js backend's x > 0 ? x : 0.
  else if constexpr (Op == kRelu) return x > 0 ? x : TC(0);
  // The slope multiplies in double, as in the js backend, then rounds once.
  else if constexpr (Op == kLeakyRelu) return x > 0 ? x : static_cast<TC>(param * static_cast<double>(x));
  else if constexpr (Op == kGelu) return geluOf<TC>(x);
  else return std::erf(x);
}

constexpr bool costlyUnary(int op) {
  return op == kExp || op == kLog || op == kTanh || op == kSigmoid || op == kGelu || op == kErf;
}

template <typename F>
bool withUnaryOp(long op, F&& f) {
  switch (op) {
    case kNeg: f(OpTag<kNeg>()); return true;
    case kExp: f(OpTag<kExp>()); return true;
    case kLog: f(OpTag<kLog>()); return true;
    case kSqrt: f(OpTag<kSqrt>()); return true;
    case kAbs: f(OpTag<kAbs>()); return true;
    case kSign: f(OpTag<kSign>()); return true;
    case kReciprocal: f(OpTag<kReciprocal>()); return true;
    case kSquare: f(OpTag<kSquare>()); return true;
    case kTanh: f(OpTag<kTanh>()); return true;
    case kSigmoid: f(OpTag<kSigmoid>()); return true;
    case kRelu: f(OpTag<kRelu>()); return true;
    case kLeakyRelu: f(OpTag<kLeakyRelu>()); return true;
    case kGelu: f(OpTag<kGelu>()); return true;
    case kErf: f(OpTag<kErf>()); return true;
  }
  return false;
}

template <int Op, typename TC, typename TI, typename TO>
void unaryLoop(const TI* __restrict x, TO* __restrict y, size_t n, double param) {
  parallelRange(n, costlyUnary(Op) ? kGrainCostly : kGrainCheap, [&](size_t begin, size_t end) {
    for (size_t i = begin; i < end; i++) y[i] = convertOut<TO>(unaryOf<Op, TC>(static_cast<TC>(x[i]), param));
  });
}

// unary(x, out, P): P = [op, param]. out may differ from x in dtype (int32 → float32).
napi_value unaryBinding(napi_env env, napi_callback_info info) {
  napi_value argv[3];
  size_t argc = 3;
  napi_get_cb_info(env, info, &argc, argv, nullptr, nullptr);
  Array x, out;
  Params P;
  if (argc < 3 || !readArray(env, argv[0], &x) || !readArray(env, argv[1], &out) || !readParams(env, argv[2], &P)) return nullptr;
  if (x.length != out.length || P.length < 2) {
    throwInternal(env, "unary: input and output lengths differ");
    return nullptr;
  }
  const double param = P.d(1);
  const bool known = withUnaryOp(P.i(0), [&](auto tag) {
    constexpr int Op = decltype(tag)::value;
    if (x.dtype == DType::f32 && out.dtype == DType::f32) {
      unaryLoop<Op, float>(x.as<float>(), out.as<float>(), x.length, param);
    } else if (x.dtype == DType::f64 && out.dtype == DType::f64) {
      unaryLoop<Op, double>(x.as<double>(), out.as<double>(), x.length, param);
    } else {
      withType(x.dtype, [&](auto* xt) {
        using TI = std::remove_pointer_t<decltype(xt)>;
        withType(out.dtype, [&](auto* ot) {
          using TO = std::remove_pointer_t<decltype(ot)>;
          unaryLoop<Op, double>(x.as<TI>(), out.as<TO>(), x.length, param);
        });
      });
    }
  });
  if (!known) throwInternal(env, "unary: unknown op code");
  return nullptr;
}

// ---------------------------------------------------------------------------------- binary

template <int Op, typename TC>
inline TC binaryOf(TC a, TC b) {
  if constexpr (Op == kAdd) return a + b;
  else if constexpr (Op == kSub) return a - b;
  else if constexpr (Op == kMul) return a * b;
  else if constexpr (Op == kDiv) return a / b;
  else if constexpr (Op == kPow) return powOf<TC>(a, b);
  else if constexpr (Op == kMaximum) return maxOf<TC>(a, b);
  else if constexpr (Op == kMinimum) return minOf<TC>(a, b);
  else if constexpr (Op == kEq) return a == b ? TC(1) : TC(0);
  else if constexpr (Op == kNe) return a != b ? TC(1) : TC(0);
  else if constexpr (Op == kLt) return a < b ? TC(1) : TC(0);
  else if constexpr (Op == kLe) return a <= b ? TC(1) : TC(0);
  else if constexpr (Op == kGt) return a > b ? TC(1) : TC(0);
  else if constexpr (Op == kGe) return a >= b ? TC(1) : TC(0);
  // relu's backward passes g = a where the input x = b is positive, else 0 (NaN x included).
  else if constexpr (Op == kReluGrad) return b > TC(0) ? a : TC(0);
  // The fused derivative rules, g·(1 − y²) and g·y·(1 − y) with g = a, y = b, in double as the
  // js backend computes them, so float32 results round once, alike.
  else if constexpr (Op == kTanhGrad) {
    const double y = b;
    return static_cast<TC>(static_cast<double>(a) * (1 - y * y));
  } else {
    const double y = b;
    return static_cast<TC>(static_cast<double>(a) * y * (1 - y));
  }
}

constexpr bool isComparison(long op) { return op >= kEq && op <= kGe; }

template <typename F>
bool withBinaryOp(long op, F&& f) {
  switch (op) {
    case kAdd: f(OpTag<kAdd>()); return true;
    case kSub: f(OpTag<kSub>()); return true;
    case kMul: f(OpTag<kMul>()); return true;
    case kDiv: f(OpTag<kDiv>()); return true;
    case kPow: f(OpTag<kPow>()); return true;
    case kMaximum: f(OpTag<kMaximum>()); return true;
    case kMinimum: f(OpTag<kMinimum>()); return true;
    case kEq: f(OpTag<kEq>()); return true;
    case kNe: f(OpTag<kNe>()); return true;
    case kLt: f(OpTag<kLt>()); return true;
    case kLe: f(OpTag<kLe>()); return true;
    case kGt: f(OpTag<kGt>()); return true;
    case kGe: f(OpTag<kGe>()); return true;
    case kTanhGrad: f(OpTag<kTanhGrad>()); return true;
    case kSigmoidGrad: f(OpTag<kSigmoidGrad>()); return true;
    case kReluGrad: f(OpTag<kReluGrad>()); return true;
  }
  return false;
}

// One row piece with operands and result of one type; a stride of 0 is a broadcast scalar.
// The common cases get their own loops so that they vectorise.
template <int Op, typename T>
void rowSame(const T* __restrict a, long ia, const T* __restrict b, long ib, T* __restrict out, long n) {
  if (ia == 1 && ib == 1) {
    for (long i = 0; i < n; i++) out[i] = binaryOf<Op, T>(a[i], b[i]);
  } else if (ia == 0 && ib == 1) {
    const T s = a[0];
    for (long i = 0; i < n; i++) out[i] = binaryOf<Op, T>(s, b[i]);
  } else if (ia == 1 && ib == 0) {
    const T s = b[0];
    for (long i = 0; i < n; i++) out[i] = binaryOf<Op, T>(a[i], s);
  } else {
    for (long i = 0; i < n; i++) out[i] = binaryOf<Op, T>(a[i * ia], b[i * ib]);
  }
}

constexpr long kChunk = 256;

// Reads `count` elements of any dtype, `stride` apart, into the compute type.
template <typename TC>
void loadChunk(const Array& x, long offset, long stride, long count, TC* __restrict dst) {
  withType(x.dtype, [&](auto* tag) {
    using T = std::remove_pointer_t<decltype(tag)>;
    const T* src = x.as<T>() + offset;
    for (long i = 0; i < count; i++) dst[i] = static_cast<TC>(src[i * stride]);
  });
}

template <typename TC>
void storeChunk(const TC* __restrict src, const Array& out, long at, long count) {
  withType(out.dtype, [&](auto* tag) {
    using T = std::remove_pointer_t<decltype(tag)>;
    T* dst = out.as<T>() + at;
    for (long i = 0; i < count; i++) dst[i] = convertOut<T>(src[i]);
  });
}

// Operands and result of different dtypes: convert through the compute type a chunk at a time.
template <int Op, typename TC>
void rowMixed(const Array& a, long offA, long ia, const Array& b, long offB, long ib, const Array& out, long at, long n) {
  TC ta[kChunk], tb[kChunk], tr[kChunk];
  for (long s = 0; s < n; s += kChunk) {
    const long count = n - s < kChunk ? n - s : kChunk;
    loadChunk<TC>(a, offA + s * ia, ia, count, ta);
    loadChunk<TC>(b, offB + s * ib, ib, count, tb);
    rowSame<Op, TC>(ta, 1, tb, 1, tr, count);
    storeChunk<TC>(tr, out, at + s, count);
  }
}

// Reads "rank, dims…" at P[at] into a shape; returns the index after it, or 0 when malformed.
size_t readShape(const Params& P, size_t at, int* rank, const double** dims) {
  if (at >= P.length) return 0;
  *rank = static_cast<int>(P.d(at));
  if (*rank < 0 || *rank > kMaxRank || at + 1 + *rank > P.length) return 0;
  *dims = P.p + at + 1;
  return at + 1 + *rank;
}

long sizeOfShape(int rank, const double* dims) {
  long n = 1;
  for (int d = 0; d < rank; d++) n *= static_cast<long>(dims[d]);
  return n;
}

// Builds the broadcast layout of `count` operands, whose shapes follow the output's in P from
// index `at`: rank, dims… for the output, then for each operand. Checks each operand's length.
bool readLayout(const Params& P, size_t at, const Array* operands, int count, Layout* l, long* n) {
  int outRank;
  const double* outDims;
  at = readShape(P, at, &outRank, &outDims);
  if (at == 0) return false;
  l->rank = outRank;
  l->operands = count;
  for (int d = 0; d < outRank; d++) l->dims[d] = static_cast<long>(outDims[d]);
  for (int o = 0; o < count; o++) {
    int rank;
    const double* dims;
    at = readShape(P, at, &rank, &dims);
    if (at == 0 || rank > outRank || static_cast<long>(operands[o].length) != sizeOfShape(rank, dims)) return false;
    broadcastStrides(dims, rank, outDims, outRank, l->strides[o]);
  }
  *n = sizeOfShape(outRank, outDims);
  coalesce(*l);
  return true;
}

// binary(a, b, out, P): P = [op, outRank, outShape…, aRank, aShape…, bRank, bShape…].
napi_value binaryBinding(napi_env env, napi_callback_info info) {
  napi_value argv[4];
  size_t argc = 4;
  napi_get_cb_info(env, info, &argc, argv, nullptr, nullptr);
  Array ops[2], out;
  Params P;
  if (argc < 4 || !readArray(env, argv[0], &ops[0]) || !readArray(env, argv[1], &ops[1]) || !readArray(env, argv[2], &out) || !readParams(env, argv[3], &P)) return nullptr;
  Layout l;
  long n;
  if (P.length < 1 || !readLayout(P, 1, ops, 2, &l, &n) || static_cast<long>(out.length) != n) {
    throwInternal(env, "binary: shapes do not match the arrays");
    return nullptr;
  }
  const long op = P.i(0);
  const Array& a = ops[0];
  const Array& b = ops[1];
  const bool same = a.dtype == b.dtype && b.dtype == out.dtype && out.dtype != DType::i32;
  // float32 operands compare exactly in float32, whatever the mask's dtype.
  const bool floatCompute = a.dtype == DType::f32 && b.dtype == DType::f32 && (out.dtype == DType::f32 || isComparison(op));
  const size_t grain = op == kPow ? kGrainCostly : kGrainCheap;
  const bool known = withBinaryOp(op, [&](auto tag) {
    constexpr int Op = decltype(tag)::value;
    const long ia = l.strides[0][l.rank - 1], ib = l.strides[1][l.rank - 1];
    parallelRange(static_cast<size_t>(n), grain, [&](size_t begin, size_t end) {
      walk(l, static_cast<long>(begin), static_cast<long>(end), [&](const long* off, long at, long len) {
        if (same && out.dtype == DType::f32) {
          rowSame<Op, float>(a.as<float>() + off[0], ia, b.as<float>() + off[1], ib, out.as<float>() + at, len);
        } else if (same) {
          rowSame<Op, double>(a.as<double>() + off[0], ia, b.as<double>() + off[1], ib, out.as<double>() + at, len);
        } else if (floatCompute) {
          rowMixed<Op, float>(a, off[0], ia, b, off[1], ib, out, at, len);
        } else {
          rowMixed<Op, double>(a, off[0], ia, b, off[1], ib, out, at, len);
        }
      });
    });
  });
  if (!known) throwInternal(env, "binary: unknown op code");
  return nullptr;
}

// ----------------------------------------------------------------------------------- where

// where(cond, a, b, out, P): P = [outRank, outShape…, condRank, condShape…, aRank, aShape…,
// bRank, bShape…]; a, b and out share one dtype (the shim casts), cond is any dtype.
napi_value whereBinding(napi_env env, napi_callback_info info) {
  napi_value argv[5];
  size_t argc = 5;
  napi_get_cb_info(env, info, &argc, argv, nullptr, nullptr);
  Array ops[3], out;
  Params P;
  if (argc < 5 || !readArray(env, argv[0], &ops[0]) || !readArray(env, argv[1], &ops[1]) || !readArray(env, argv[2], &ops[2]) || !readArray(env, argv[3], &out) || !readParams(env, argv[4], &P)) return nullptr;
  Layout l;
  long n;
  if (!readLayout(P, 0, ops, 3, &l, &n) || static_cast<long>(out.length) != n || ops[1].dtype != out.dtype || ops[2].dtype != out.dtype) {
    throwInternal(env, "where: shapes or dtypes do not match the arrays");
    return nullptr;
  }
  withType(ops[0].dtype, [&](auto* ct) {
    using TCond = std::remove_pointer_t<decltype(ct)>;
    withType(out.dtype, [&](auto* t) {
      using T = std::remove_pointer_t<decltype(t)>;
      const TCond* c = ops[0].as<TCond>();
      const T* a = ops[1].as<T>();
      const T* b = ops[2].as<T>();
      T* o = out.as<T>();
      const long ic = l.strides[0][l.rank - 1], ia = l.strides[1][l.rank - 1], ib = l.strides[2][l.rank - 1];
      parallelRange(static_cast<size_t>(n), kGrainCheap, [&](size_t begin, size_t end) {
        walk(l, static_cast<long>(begin), static_cast<long>(end), [&](const long* off, long at, long len) {
          const TCond* cp = c + off[0];
          const T* ap = a + off[1];
          const T* bp = b + off[2];
          T* op = o + at;
          if (ic == 1 && ia == 1 && ib == 1) {
            for (long i = 0; i < len; i++) op[i] = cp[i] != 0 ? ap[i] : bp[i];
          } else {
            for (long i = 0; i < len; i++) op[i] = cp[i * ic] != 0 ? ap[i * ia] : bp[i * ib];
          }
        });
      });
    });
  });
  return nullptr;
}

// ----------------------------------------------------------------------------- clamp, cast

// clamp(x, out, P): P = [min, max], compared in double as the js backend does.
napi_value clampBinding(napi_env env, napi_callback_info info) {
  napi_value argv[3];
  size_t argc = 3;
  napi_get_cb_info(env, info, &argc, argv, nullptr, nullptr);
  Array x, out;
  Params P;
  if (argc < 3 || !readArray(env, argv[0], &x) || !readArray(env, argv[1], &out) || !readParams(env, argv[2], &P)) return nullptr;
  if (x.length != out.length || x.dtype != out.dtype || P.length < 2) {
    throwInternal(env, "clamp: input and output differ");
    return nullptr;
  }
  const double lo = P.d(0), hi = P.d(1);
  withType(x.dtype, [&](auto* tag) {
    using T = std::remove_pointer_t<decltype(tag)>;
    const T* src = x.as<T>();
    T* dst = out.as<T>();
    const T loT = convertOut<T>(lo), hiT = convertOut<T>(hi);
    parallelRange(x.length, kGrainCheap, [&](size_t begin, size_t end) {
      for (size_t i = begin; i < end; i++) {
        const double v = static_cast<double>(src[i]);
        dst[i] = v < lo ? loT : (v > hi ? hiT : src[i]);
      }
    });
  });
  return nullptr;
}

// cast(x, out): typed-array conversion (to int32: truncation toward zero, as Math.trunc).
napi_value castBinding(napi_env env, napi_callback_info info) {
  napi_value argv[2];
  size_t argc = 2;
  napi_get_cb_info(env, info, &argc, argv, nullptr, nullptr);
  Array x, out;
  if (argc < 2 || !readArray(env, argv[0], &x) || !readArray(env, argv[1], &out)) return nullptr;
  if (x.length != out.length) {
    throwInternal(env, "cast: input and output lengths differ");
    return nullptr;
  }
  withType(x.dtype, [&](auto* xt) {
    using TI = std::remove_pointer_t<decltype(xt)>;
    withType(out.dtype, [&](auto* ot) {
      using TO = std::remove_pointer_t<decltype(ot)>;
      const TI* src = x.as<TI>();
      TO* dst = out.as<TO>();
      parallelRange(x.length, kGrainCheap, [&](size_t begin, size_t end) {
        if constexpr (std::is_same_v<TI, TO>) {
          std::memcpy(dst + begin, src + begin, (end - begin) * sizeof(TO));
        } else {
          for (size_t i = begin; i < end; i++) dst[i] = convertOut<TO>(src[i]);
        }
      });
    });
  });
  return nullptr;
}

}  // namespace

void registerElementwise(napi_env env, napi_value exports) {
  defineFunction(env, exports, "unary", unaryBinding);
  defineFunction(env, exports, "binary", binaryBinding);
  defineFunction(env, exports, "where", whereBinding);
  defineFunction(env, exports, "clamp", clampBinding);
  defineFunction(env, exports, "cast", castBinding);
}

}  // namespace chainrule
