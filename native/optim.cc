// Fused optimizer updates, in place, one pass per parameter: the js backend's loops (PyTorch
// 1.13's single-tensor rules) element by element, in double, with the same order of operations
// and every buffer read back after it is stored, so float64 and float32 results agree with the
// js backend bit for bit. Scalars that need Math.pow (Adam's bias corrections) come from the
// shim, computed in JavaScript, since C's pow may differ from V8's in the last bit.
#include <type_traits>

#include "common.h"
#include "kernels.h"
#include "special.h"
#include "thread-pool.h"

namespace chainrule {
namespace {

constexpr size_t kGrain = 1 << 15;

// Reads p, g and the buffers (nullable ones allowed to be null), all of p's dtype and length.
bool readStepArrays(napi_env env, napi_value* argv, size_t count, const bool* nullable, Array* arrays) {
  for (size_t i = 0; i < count; i++) {
    if (!readArray(env, argv[i], &arrays[i], nullable[i])) return false;
    if (arrays[i].dtype == DType::none) continue;
    if (arrays[i].dtype != arrays[0].dtype || arrays[i].length != arrays[0].length || arrays[0].dtype == DType::i32) {
      throwInternal(env, "optimizer step: arrays differ in dtype or length");
      return false;
    }
  }
  return true;
}

template <typename F>
void withFloat(DType dtype, F&& f) {
  if (dtype == DType::f32) {
    f(static_cast<float*>(nullptr));
  } else {
    f(static_cast<double*>(nullptr));
  }
}

// sgdStep(p, g, momentumBuf|null, P): P = [lr, momentum, dampening, weightDecay, nesterov,
// maximize, freshBuffer].
napi_value sgdStepBinding(napi_env env, napi_callback_info info) {
  napi_value argv[4];
  size_t argc = 4;
  napi_get_cb_info(env, info, &argc, argv, nullptr, nullptr);
  const bool nullable[] = {false, false, true};
  Array a[3];
  Params P;
  if (argc < 4 || !readStepArrays(env, argv, 3, nullable, a) || !readParams(env, argv[3], &P)) return nullptr;
  if (P.length < 7) {
    throwInternal(env, "sgdStep: malformed parameters");
    return nullptr;
  }
  const double lr = P.d(0), momentum = P.d(1), dampening = P.d(2), weightDecay = P.d(3);
  const bool nesterov = P.d(4) != 0, maximize = P.d(5) != 0, fresh = P.d(6) != 0;
  withFloat(a[0].dtype, [&](auto* tag) {
    using T = std::remove_pointer_t<decltype(tag)>;
    T* p = a[0].as<T>();
    const T* g = a[1].as<T>();
    T* buf = a[2].as<T>();
    parallelRange(a[0].length, kGrain, [&](size_t begin, size_t end) {
      for (size_t i = begin; i < end; i++) {
        double d = maximize ? -static_cast<double>(g[i]) : static_cast<double>(g[i]);
        if (weightDecay != 0) d += weightDecay * p[i];
        if (buf != nullptr) {
          buf[i] = static_cast<T>(fresh ? d : momentum * buf[i] + (1 - dampening) * d);
          d = nesterov ? d + momentum * buf[i] : static_cast<double>(buf[i]);
        }
        p[i] = static_cast<T>(p[i] - lr * d);
      }
    });
  });
  return nullptr;
}

// adamStep(p, g, expAvg, expAvgSq, maxExpAvgSq|null, P): P = [stepSize, beta1, beta2, eps,
// weightDecay, decoupled, maximize, biasCorrection2Sqrt, decay] with stepSize = lr/(1 − β1ᵗ),
// biasCorrection2Sqrt = √(1 − β2ᵗ) and decay = 1 − lr·weightDecay.
napi_value adamStepBinding(napi_env env, napi_callback_info info) {
  napi_value argv[6];
  size_t argc = 6;
  napi_get_cb_info(env, info, &argc, argv, nullptr, nullptr);
  const bool nullable[] = {false, false, false, false, true};
  Array a[5];
  Params P;
  if (argc < 6 || !readStepArrays(env, argv, 5, nullable, a) || !readParams(env, argv[5], &P)) return nullptr;
  if (P.length < 9) {
    throwInternal(env, "adamStep: malformed parameters");
    return nullptr;
  }
  const double stepSize = P.d(0), beta1 = P.d(1), beta2 = P.d(2), eps = P.d(3), weightDecay = P.d(4);
  const bool decoupled = P.d(5) != 0, maximize = P.d(6) != 0;
  const double bc2 = P.d(7), decay = P.d(8);
  withFloat(a[0].dtype, [&](auto* tag) {
    using T = std::remove_pointer_t<decltype(tag)>;
    T* p = a[0].as<T>();
    const T* g = a[1].as<T>();
    T* m = a[2].as<T>();
    T* v = a[3].as<T>();
    T* vmax = a[4].as<T>();
    parallelRange(a[0].length, kGrain, [&](size_t begin, size_t end) {
      for (size_t i = begin; i < end; i++) {
        double gi = maximize ? -static_cast<double>(g[i]) : static_cast<double>(g[i]);
        if (decoupled) {
          p[i] = static_cast<T>(p[i] * decay);
        } else if (weightDecay != 0) {
          gi += weightDecay * p[i];
        }
        m[i] = static_cast<T>(beta1 * m[i] + (1 - beta1) * gi);
        v[i] = static_cast<T>(beta2 * v[i] + (1 - beta2) * gi * gi);
        double second = v[i];
        if (vmax != nullptr) {
          vmax[i] = static_cast<T>(maxOf<double>(vmax[i], second));
          second = vmax[i];
        }
        const double denom = std::sqrt(second) / bc2 + eps;
        p[i] = static_cast<T>(p[i] - stepSize * (m[i] / denom));
      }
    });
  });
  return nullptr;
}

// rmspropStep(p, g, squareAvg, gradAvg|null, momentumBuf|null, P): P = [lr, alpha, eps,
// weightDecay, momentum, maximize].
napi_value rmspropStepBinding(napi_env env, napi_callback_info info) {
  napi_value argv[6];
  size_t argc = 6;
  napi_get_cb_info(env, info, &argc, argv, nullptr, nullptr);
  const bool nullable[] = {false, false, false, true, true};
  Array a[5];
  Params P;
  if (argc < 6 || !readStepArrays(env, argv, 5, nullable, a) || !readParams(env, argv[5], &P)) return nullptr;
  if (P.length < 6) {
    throwInternal(env, "rmspropStep: malformed parameters");
    return nullptr;
  }
  const double lr = P.d(0), alpha = P.d(1), eps = P.d(2), weightDecay = P.d(3), momentum = P.d(4);
  const bool maximize = P.d(5) != 0;
  withFloat(a[0].dtype, [&](auto* tag) {
    using T = std::remove_pointer_t<decltype(tag)>;
    T* p = a[0].as<T>();
    const T* g = a[1].as<T>();
    T* sq = a[2].as<T>();
    T* ga = a[3].as<T>();
    T* mb = a[4].as<T>();
    parallelRange(a[0].length, kGrain, [&](size_t begin, size_t end) {
      for (size_t i = begin; i < end; i++) {
        double gi = maximize ? -static_cast<double>(g[i]) : static_cast<double>(g[i]);
        if (weightDecay != 0) gi += weightDecay * p[i];
        sq[i] = static_cast<T>(alpha * sq[i] + (1 - alpha) * gi * gi);
        double avg;
        if (ga != nullptr) {
          ga[i] = static_cast<T>(alpha * ga[i] + (1 - alpha) * gi);
          avg = std::sqrt(static_cast<double>(sq[i]) - static_cast<double>(ga[i]) * ga[i]);
        } else {
          avg = std::sqrt(static_cast<double>(sq[i]));
        }
        avg += eps;
        if (mb != nullptr) {
          mb[i] = static_cast<T>(momentum * mb[i] + gi / avg);
          p[i] = static_cast<T>(p[i] - lr * mb[i]);
        } else {
          p[i] = static_cast<T>(p[i] - lr * (gi / avg));
        }
      }
    });
  });
  return nullptr;
}

}  // namespace

void registerOptim(napi_env env, napi_value exports) {
  defineFunction(env, exports, "sgdStep", sgdStepBinding);
  defineFunction(env, exports, "adamStep", adamStepBinding);
  defineFunction(env, exports, "rmspropStep", rmspropStepBinding);
}

}  // namespace chainrule
