// Scalar functions the elementwise and softmax kernels share, written without branches so that
// loops over them vectorise.
#pragma once

#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>

namespace chainrule {

// e^x in float32 to about 1 ulp, vectorisable (libm's expf is a scalar call per element).
// e^x = 2^n · e^r with n = round(x / ln 2) and r = x − n·ln 2 in [−ln2/2, ln2/2]: ln 2 is split
// in two so that n·ln2hi is exact; e^r is its Taylor series to r^7 (truncation error < 2^-27
// there); 2^n is built in the exponent bits as two factors, so results that are subnormal
// (n down to −150) round once, correctly.
inline float expF32(float x) {
  const float lo = -104.0f;   // e^-104 < half the smallest subnormal: 0
  const float hi = 88.75f;    // e^88.75 > FLT_MAX: +Infinity
  float xc = x < lo ? lo : x;  // NaN passes both clamps unchanged
  xc = xc > hi ? hi : xc;
  const float shifter = 12582912.0f;  // 1.5·2^23: adding it rounds to an integer
  const float n = (xc * 1.44269504088896341f + shifter) - shifter;
  float r = xc - n * 0.693145751953125f;
  r = r - n * 1.42860682030941723e-6f;
  float p = 1.0f / 5040;
  p = p * r + 1.0f / 720;
  p = p * r + 1.0f / 120;
  p = p * r + 1.0f / 24;
  p = p * r + 1.0f / 6;
  p = p * r + 0.5f;
  p = p * r + 1.0f;
  p = p * r + 1.0f;
  const int32_t ni = static_cast<int32_t>(n);
  const int32_t n1 = ni >> 1;
  const int32_t n2 = ni - n1;
  const int32_t b1 = (n1 + 127) << 23;
  const int32_t b2 = (n2 + 127) << 23;
  float s1, s2;
  std::memcpy(&s1, &b1, 4);
  std::memcpy(&s2, &b2, 4);
  const float result = p * s1 * s2;
  return x != x ? x : result;
}

template <typename T>
inline T expOf(T x) { return std::exp(x); }
template <>
inline float expOf<float>(float x) { return expF32(x); }

// e^(a − b) for float32 a and b, as softmax needs it: a − b is exact in double but not in
// float32, where rounding it (to 2^-19 near −35) would cost e^(a − b) a relative 2^-20. So the
// difference and its reduction by n·ln 2 are done in double; the polynomial in float32, as above.
inline float expDiffF32(float a, float b) {
  double d = static_cast<double>(a) - static_cast<double>(b);
  d = d < -104.0 ? -104.0 : d;
  d = d > 88.75 ? 88.75 : d;
  const double shifter = 6755399441055744.0;  // 1.5·2^52
  const double n = (d * 1.4426950408889634 + shifter) - shifter;
  const float r = static_cast<float>(d - n * 0.6931471805599453);
  float p = 1.0f / 5040;
  p = p * r + 1.0f / 720;
  p = p * r + 1.0f / 120;
  p = p * r + 1.0f / 24;
  p = p * r + 1.0f / 6;
  p = p * r + 0.5f;
  p = p * r + 1.0f;
  p = p * r + 1.0f;
  const int32_t ni = static_cast<int32_t>(n);
  const int32_t n1 = ni >> 1;
  const int32_t n2 = ni - n1;
  const int32_t b1 = (n1 + 127) << 23;
  const int32_t b2 = (n2 + 127) << 23;
  float s1, s2;
  std::memcpy(&s1, &b1, 4);
  std::memcpy(&s2, &b2, 4);
  const float result = p * s1 * s2;
  return d != d ? static_cast<float>(d) : result;
}

template <typename T>
inline T expDiff(T a, T b) { return std::exp(a - b); }
template <>
inline float expDiff<float>(float a, float b) { return expDiffF32(a, b); }

// 1/(1 + e^−x), from e^−|x| so that exp never overflows; for x < 0 it is e^x/(1 + e^x).
template <typename T>
inline T sigmoidOf(T x) {
  const T e = expOf<T>(-std::fabs(x));
  const T r = T(1) / (T(1) + e);
  return x >= 0 ? r : e * r;
}

// GELU with the exact Gaussian CDF, as PyTorch's default: x·Φ(x), with Φ(x) = erfc(−x/√2)/2.
// erfc keeps the left tail accurate where 1 + erf(x/√2) would cancel (x ≪ 0, float32).
template <typename T>
inline T geluOf(T x) {
  return T(0.5) * x * std::erfc(-x * T(0.70710678118654752440));
}
// In float32 the rounding of x/√2 alone would cost erfc's tail a relative error of 2z²·2^-24
// (z = x/√2, over 10^-6 at x = −5): compute in double and round once.
template <>
inline float geluOf<float>(float x) {
  return static_cast<float>(geluOf<double>(x));
}

// Math.sign: ±1, and ±0 and NaN returned as they are.
template <typename T>
inline T signOf(T x) {
  return x > 0 ? T(1) : (x < 0 ? T(-1) : x);
}

// Math.pow's answers where C's pow differs: NaN exponent gives NaN, and ±1 to ±Infinity is NaN.
template <typename T>
inline T powOf(T a, T b) {
  if (b != b) return b;
  if (std::isinf(b) && std::fabs(a) == T(1)) return std::numeric_limits<T>::quiet_NaN();
  return std::pow(a, b);
}

// Math.max / Math.min: NaN if either is NaN; +0 is larger than −0.
template <typename T>
inline T maxOf(T a, T b) {
  if (a != a || b != b) return a + b;
  if (a == b) return std::signbit(a) ? b : a;
  return a > b ? a : b;
}
template <typename T>
inline T minOf(T a, T b) {
  if (a != a || b != b) return a + b;
  if (a == b) return std::signbit(a) ? a : b;
  return a < b ? a : b;
}

}  // namespace chainrule
