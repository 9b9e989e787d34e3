// Shared by every kernel family: views of JS typed arrays, dtype dispatch, and JavaScript's
// number conversions, so native results are stored exactly as the js backend stores them.
#pragma once

#include <node_api.h>

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstring>

namespace chainrule {

enum class DType : int { f32 = 0, f64 = 1, i32 = 2, none = 3 };

// A JS typed array seen from C++: the kernels read and write the tensor's own buffer (no copy).
struct Array {
  void* data = nullptr;
  size_t length = 0;
  DType dtype = DType::none;
  template <typename T>
  T* as() const { return static_cast<T*>(data); }
};

// Reads argument `index` as a Float32Array, Float64Array or Int32Array. `null` gives an empty
// Array of dtype none when allowNull; anything else throws a JS TypeError and returns false.
bool readArray(napi_env env, napi_value value, Array* out, bool allowNull = false);

// The parameter block the TS shim fills before each call: shapes, strides, op codes and
// hyperparameters, all as doubles (exact for integers below 2^53).
struct Params {
  const double* p = nullptr;
  size_t length = 0;
  long i(size_t k) const { return static_cast<long>(p[k]); }
  double d(size_t k) const { return p[k]; }
};

bool readParams(napi_env env, napi_value value, Params* out);

// Throws a JS Error for a call the shim should never make (wrong lengths or dtypes): a broken
// invariant, not a user error, so the message says so.
void throwInternal(napi_env env, const char* what);

// JavaScript's ToInt32: truncate, wrap modulo 2^32; NaN and ±Infinity become 0. An Int32Array
// store does exactly this, so int32 results match the js backend bit for bit.
inline int32_t toInt32(double v) {
  if (v > -2147483649.0 && v < 2147483648.0) return static_cast<int32_t>(v);
  if (!std::isfinite(v)) return 0;
  double m = std::fmod(std::trunc(v), 4294967296.0);
  if (m < 0) m += 4294967296.0;
  return static_cast<int32_t>(static_cast<uint32_t>(m));
}

// Stores a computed double into an element type the way a typed-array store does.
template <typename T>
inline T storeAs(double v) { return static_cast<T>(v); }
template <>
inline int32_t storeAs<int32_t>(double v) { return toInt32(v); }

// Calls f.template operator()<T>() with T the C++ element type of a dtype.
template <typename F>
inline void withType(DType dtype, F&& f) {
  switch (dtype) {
    case DType::f32: f(static_cast<float*>(nullptr)); break;
    case DType::f64: f(static_cast<double*>(nullptr)); break;
    case DType::i32: f(static_cast<int32_t*>(nullptr)); break;
    case DType::none: break;
  }
}

// Largest rank the kernels walk; the shim routes higher ranks to js (none occur in practice).
constexpr int kMaxRank = 16;

}  // namespace chainrule
