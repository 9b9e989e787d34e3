// Data movement: strided copies (permute, expand, slice), their inverse placement (unslice) and
// concat. No arithmetic, so they move 4- or 8-byte elements whatever the dtype.
#include <cstdint>
#include <cstring>
#include <vector>

#include "common.h"
#include "kernels.h"
#include "strided.h"
#include "thread-pool.h"

namespace chainrule {
namespace {

constexpr size_t kGrain = 1 << 16;

template <typename E>
void copyRow(const E* __restrict src, long stride, E* __restrict dst, long n) {
  if (stride == 1) {
    std::memcpy(dst, src, n * sizeof(E));
  } else if (stride == 0) {
    const E v = src[0];
    for (long i = 0; i < n; i++) dst[i] = v;
  } else {
    for (long i = 0; i < n; i++) dst[i] = src[i * stride];
  }
}

// A transpose of the last two (coalesced) dimensions reads one of them with stride 1 and the
// other far apart; copying 32×32 tiles keeps both sides in cache.
template <typename E>
bool tiledTranspose(const Layout& l, const E* src, E* dst) {
  const int r = l.rank;
  if (r < 2 || l.strides[0][r - 2] != 1 || l.strides[0][r - 1] == 1) return false;
  const long rows = l.dims[r - 2], cols = l.dims[r - 1];
  if (rows < 16 || cols < 16) return false;
  const long sr = l.strides[0][r - 2], sc = l.strides[0][r - 1];
  long outer = 1;
  for (int d = 0; d < r - 2; d++) outer *= l.dims[d];
  constexpr long kTile = 32;
  parallelRange(static_cast<size_t>(outer * ((rows + kTile - 1) / kTile)), 4, [&](size_t k0, size_t k1) {
    const long rowTiles = (rows + kTile - 1) / kTile;
    for (size_t k = k0; k < k1; k++) {
      const long o = static_cast<long>(k) / rowTiles;
      const long i0 = (static_cast<long>(k) % rowTiles) * kTile;
      // The outer dimensions' source offset.
      long rest = o, base = 0;
      for (int d = r - 3; d >= 0; d--) {
        base += (rest % l.dims[d]) * l.strides[0][d];
        rest /= l.dims[d];
      }
      const long i1 = i0 + kTile < rows ? i0 + kTile : rows;
      for (long j0 = 0; j0 < cols; j0 += kTile) {
        const long j1 = j0 + kTile < cols ? j0 + kTile : cols;
        for (long i = i0; i < i1; i++) {
          E* out = dst + (o * rows + i) * cols;
          const E* in = src + base + i * sr;
          for (long j = j0; j < j1; j++) out[j] = in[j * sc];
        }
      }
    }
  });
  return true;
}

// strided(x, out, P): out = the view of x at element offset P[0] with shape and strides
// P = [offset, rank, shape…, strides…], copied contiguously. Permute, expand and slice.
napi_value stridedBinding(napi_env env, napi_callback_info info) {
  napi_value argv[3];
  size_t argc = 3;
  napi_get_cb_info(env, info, &argc, argv, nullptr, nullptr);
  Array x, out;
  Params P;
  if (argc < 3 || !readArray(env, argv[0], &x) || !readArray(env, argv[1], &out) || !readParams(env, argv[2], &P)) return nullptr;
  const int rank = P.length >= 2 ? static_cast<int>(P.i(1)) : -1;
  if (rank < 0 || rank > kMaxRank || P.length < static_cast<size_t>(2 + 2 * rank) || x.dtype != out.dtype) {
    throwInternal(env, "strided: malformed parameters");
    return nullptr;
  }
  const long offset = P.i(0);
  Layout l;
  l.rank = rank;
  l.operands = 1;
  long n = 1, first = offset, last = offset;
  for (int d = 0; d < rank; d++) {
    l.dims[d] = P.i(2 + d);
    l.strides[0][d] = P.i(2 + rank + d);
    n *= l.dims[d];
    const long reach = (l.dims[d] - 1) * l.strides[0][d];
    if (reach < 0) first += reach; else last += reach;
  }
  if (static_cast<long>(out.length) != n || (n > 0 && (first < 0 || last >= static_cast<long>(x.length)))) {
    throwInternal(env, "strided: the view does not fit the arrays");
    return nullptr;
  }
  if (n == 0) return nullptr;
  coalesce(l);
  auto run = [&](auto* tag) {
    using E = std::remove_pointer_t<decltype(tag)>;
    const E* src = static_cast<const E*>(x.data) + offset;
    E* dst = static_cast<E*>(out.data);
    if (tiledTranspose<E>(l, src, dst)) return;
    const long inner = l.strides[0][l.rank - 1];
    parallelRange(static_cast<size_t>(n), kGrain, [&](size_t begin, size_t end) {
      walk(l, static_cast<long>(begin), static_cast<long>(end), [&](const long* off, long at, long len) {
        copyRow<E>(src + off[0], inner, dst + at, len);
      });
    });
  };
  if (x.dtype == DType::f64) {
    run(static_cast<uint64_t*>(nullptr));
  } else {
    run(static_cast<uint32_t*>(nullptr));
  }
  return nullptr;
}

// unslice(x, out, P): writes x (contiguous, of the slice's shape) into out (already zeros) at
// element offset P[0] with P = [offset, rank, sliceShape…, outStrides…].
napi_value unsliceBinding(napi_env env, napi_callback_info info) {
  napi_value argv[3];
  size_t argc = 3;
  napi_get_cb_info(env, info, &argc, argv, nullptr, nullptr);
  Array x, out;
  Params P;
  if (argc < 3 || !readArray(env, argv[0], &x) || !readArray(env, argv[1], &out) || !readParams(env, argv[2], &P)) return nullptr;
  const int rank = P.length >= 2 ? static_cast<int>(P.i(1)) : -1;
  if (rank < 0 || rank > kMaxRank || P.length < static_cast<size_t>(2 + 2 * rank) || x.dtype != out.dtype) {
    throwInternal(env, "unslice: malformed parameters");
    return nullptr;
  }
  const long offset = P.i(0);
  Layout l;
  l.rank = rank;
  l.operands = 1;
  long n = 1, first = offset, last = offset;
  for (int d = 0; d < rank; d++) {
    l.dims[d] = P.i(2 + d);
    l.strides[0][d] = P.i(2 + rank + d);
    n *= l.dims[d];
    const long reach = (l.dims[d] - 1) * l.strides[0][d];
    if (reach < 0) first += reach; else last += reach;
  }
  if (static_cast<long>(x.length) != n || (n > 0 && (first < 0 || last >= static_cast<long>(out.length)))) {
    throwInternal(env, "unslice: the slice does not fit the arrays");
    return nullptr;
  }
  if (n == 0) return nullptr;
  coalesce(l);
  auto run = [&](auto* tag) {
    using E = std::remove_pointer_t<decltype(tag)>;
    const E* src = static_cast<const E*>(x.data);
    E* dst = static_cast<E*>(out.data) + offset;
    const long inner = l.strides[0][l.rank - 1];
    parallelRange(static_cast<size_t>(n), kGrain, [&](size_t begin, size_t end) {
      walk(l, static_cast<long>(begin), static_cast<long>(end), [&](const long* off, long at, long len) {
        E* d = dst + off[0];
        const E* s = src + at;
        if (inner == 1) {
          std::memcpy(d, s, len * sizeof(E));
        } else {
          for (long i = 0; i < len; i++) d[i * inner] = s[i];
        }
      });
    });
  };
  if (x.dtype == DType::f64) {
    run(static_cast<uint64_t*>(nullptr));
  } else {
    run(static_cast<uint32_t*>(nullptr));
  }
  return nullptr;
}

// concat(xs, out, P): P = [outer, count, block_0 … block_{count−1}] where block_t is input t's
// length along the axis times the inner size; all arrays share out's dtype.
napi_value concatBinding(napi_env env, napi_callback_info info) {
  napi_value argv[3];
  size_t argc = 3;
  napi_get_cb_info(env, info, &argc, argv, nullptr, nullptr);
  Array out;
  Params P;
  if (argc < 3 || !readArray(env, argv[1], &out) || !readParams(env, argv[2], &P)) return nullptr;
  const long outer = P.length >= 2 ? P.i(0) : -1;
  const long count = P.length >= 2 ? P.i(1) : -1;
  if (outer < 0 || count < 0 || P.length < static_cast<size_t>(2 + count)) {
    throwInternal(env, "concat: malformed parameters");
    return nullptr;
  }
  const size_t elem = out.dtype == DType::f64 ? 8 : 4;
  std::vector<const char*> sources(static_cast<size_t>(count));
  long rowLength = 0;
  for (long t = 0; t < count; t++) {
    napi_value item;
    Array x;
    if (napi_get_element(env, argv[0], static_cast<uint32_t>(t), &item) != napi_ok || !readArray(env, item, &x)) return nullptr;
    if (x.dtype != out.dtype || static_cast<long>(x.length) != outer * P.i(2 + t)) {
      throwInternal(env, "concat: an input does not match its block size");
      return nullptr;
    }
    sources[t] = static_cast<const char*>(x.data);
    rowLength += P.i(2 + t);
  }
  if (static_cast<long>(out.length) != outer * rowLength) {
    throwInternal(env, "concat: output length does not match");
    return nullptr;
  }
  char* dst = static_cast<char*>(out.data);
  parallelRange(static_cast<size_t>(outer), kGrain / (rowLength > 0 ? rowLength : 1) + 1, [&](size_t o0, size_t o1) {
    for (size_t o = o0; o < o1; o++) {
      char* row = dst + o * rowLength * elem;
      for (long t = 0; t < count; t++) {
        const size_t bytes = static_cast<size_t>(P.i(2 + t)) * elem;
        std::memcpy(row, sources[t] + o * bytes, bytes);
        row += bytes;
      }
    }
  });
  return nullptr;
}

}  // namespace

void registerMovement(napi_env env, napi_value exports) {
  defineFunction(env, exports, "strided", stridedBinding);
  defineFunction(env, exports, "unslice", unsliceBinding);
  defineFunction(env, exports, "concat", concatBinding);
}

}  // namespace chainrule
