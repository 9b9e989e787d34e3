// gather and its adjoint scatterAdd along one axis (PyTorch's gather): the index tensor has the
// target's rank, and each index element names a position along `axis` of the target.
#include <atomic>
#include <type_traits>

#include "common.h"
#include "kernels.h"
#include "thread-pool.h"

namespace chainrule {
namespace {

struct IndexWalk {
  int rank;
  int axis;
  long indexDims[kMaxRank];
  long targetDims[kMaxRank];
  long targetStrides[kMaxRank];
  long count;
};

// P = [axis, rank, indexShape…, targetShape…]; checks the index array's length.
bool readIndexWalk(const Params& P, const Array& index, IndexWalk* w) {
  if (P.length < 2) return false;
  w->axis = static_cast<int>(P.i(0));
  w->rank = static_cast<int>(P.i(1));
  if (w->rank < 1 || w->rank > kMaxRank || w->axis < 0 || w->axis >= w->rank || P.length < static_cast<size_t>(2 + 2 * w->rank)) return false;
  w->count = 1;
  for (int d = 0; d < w->rank; d++) {
    w->indexDims[d] = P.i(2 + d);
    w->targetDims[d] = P.i(2 + w->rank + d);
    w->count *= w->indexDims[d];
  }
  long s = 1;
  for (int d = w->rank - 1; d >= 0; d--) {
    w->targetStrides[d] = s;
    s *= w->targetDims[d];
  }
  return index.dtype == DType::i32 && static_cast<long>(index.length) == w->count;
}

long sizeOfTarget(const IndexWalk& w) {
  long n = 1;
  for (int d = 0; d < w.rank; d++) n *= w.targetDims[d];
  return n;
}

// Calls visit(i, at) for index elements [begin, end): at is the flat offset in the target of
// the element index[i] points at. False if an index is out of range (the core checks first,
// so that would be a bug; the check keeps a bug from writing outside the array).
template <typename F>
bool forEachTarget(const IndexWalk& w, const int32_t* index, long begin, long end, F&& visit) {
  long coord[kMaxRank];
  long rest = begin;
  for (int d = w.rank - 1; d >= 0; d--) {
    coord[d] = rest % w.indexDims[d];
    rest /= w.indexDims[d];
  }
  const long limit = w.targetDims[w.axis];
  const long axisStride = w.targetStrides[w.axis];
  for (long i = begin; i < end; i++) {
    long at = 0;
    for (int d = 0; d < w.rank; d++) {
      if (d != w.axis) at += coord[d] * w.targetStrides[d];
    }
    const long k = index[i];
    if (k < 0 || k >= limit) return false;
    visit(i, at + k * axisStride);
    for (int d = w.rank - 1; d >= 0; d--) {
      if (++coord[d] < w.indexDims[d]) break;
      coord[d] = 0;
    }
  }
  return true;
}

// gather(x, index, out, P): out[i] = x[target of index element i]; x's shape is the target.
napi_value gatherBinding(napi_env env, napi_callback_info info) {
  napi_value argv[4];
  size_t argc = 4;
  napi_get_cb_info(env, info, &argc, argv, nullptr, nullptr);
  Array x, index, out;
  Params P;
  if (argc < 4 || !readArray(env, argv[0], &x) || !readArray(env, argv[1], &index) || !readArray(env, argv[2], &out) || !readParams(env, argv[3], &P)) return nullptr;
  IndexWalk w;
  if (!readIndexWalk(P, index, &w) || x.dtype != out.dtype || static_cast<long>(out.length) != w.count || static_cast<long>(x.length) != sizeOfTarget(w)) {
    throwInternal(env, "gather: shapes do not match the arrays");
    return nullptr;
  }
  std::atomic<bool> ok{true};
  withType(x.dtype, [&](auto* tag) {
    using T = std::remove_pointer_t<decltype(tag)>;
    const T* src = x.as<T>();
    T* dst = out.as<T>();
    const int32_t* idx = index.as<int32_t>();
    parallelRange(static_cast<size_t>(w.count), 1 << 14, [&](size_t begin, size_t end) {
      if (!forEachTarget(w, idx, static_cast<long>(begin), static_cast<long>(end), [&](long i, long at) { dst[i] = src[at]; })) ok = false;
    });
  });
  if (!ok.load()) throwInternal(env, "gather: index out of range");
  return nullptr;
}

// scatterAdd(x, index, out, P): out (zeros, of the target shape) gets x[i] added at the target
// of index element i. One thread: two indices may name the same element.
napi_value scatterAddBinding(napi_env env, napi_callback_info info) {
  napi_value argv[4];
  size_t argc = 4;
  napi_get_cb_info(env, info, &argc, argv, nullptr, nullptr);
  Array x, index, out;
  Params P;
  if (argc < 4 || !readArray(env, argv[0], &x) || !readArray(env, argv[1], &index) || !readArray(env, argv[2], &out) || !readParams(env, argv[3], &P)) return nullptr;
  IndexWalk w;
  if (!readIndexWalk(P, index, &w) || x.dtype != out.dtype || static_cast<long>(x.length) != w.count || static_cast<long>(out.length) != sizeOfTarget(w)) {
    throwInternal(env, "scatterAdd: shapes do not match the arrays");
    return nullptr;
  }
  bool ok = true;
  withType(x.dtype, [&](auto* tag) {
    using T = std::remove_pointer_t<decltype(tag)>;
    const T* src = x.as<T>();
    T* dst = out.as<T>();
    ok = forEachTarget(w, index.as<int32_t>(), 0, w.count, [&](long i, long at) {
      dst[at] = storeAs<T>(static_cast<double>(dst[at]) + static_cast<double>(src[i]));
    });
  });
  if (!ok) throwInternal(env, "scatterAdd: index out of range");
  return nullptr;
}

}  // namespace

void registerGather(napi_env env, napi_value exports) {
  defineFunction(env, exports, "gather", gatherBinding);
  defineFunction(env, exports, "scatterAdd", scatterAddBinding);
}

}  // namespace chainrule
