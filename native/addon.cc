// The addon's entry point: shared argument helpers, the controls (instruction set, threads),
// and the registration of every kernel family.
#include <napi.h>

#include <string>

#include "allocator.h"
#include "common.h"
#include "isa.h"
#include "kernels.h"
#include "thread-pool.h"

namespace chainrule {

bool readArray(napi_env env, napi_value value, Array* out, bool allowNull) {
  napi_typedarray_type type;
  size_t length;
  void* data;
  if (napi_get_typedarray_info(env, value, &type, &length, &data, nullptr, nullptr) == napi_ok) {
    out->data = data;
    out->length = length;
    switch (type) {
      case napi_float32_array: out->dtype = DType::f32; return true;
      case napi_float64_array: out->dtype = DType::f64; return true;
      case napi_int32_array: out->dtype = DType::i32; return true;
      default: break;
    }
  } else if (allowNull) {
    napi_valuetype kind;
    if (napi_typeof(env, value, &kind) == napi_ok && kind == napi_null) {
      *out = Array();
      return true;
    }
  }
  throwInternal(env, "expected a Float32Array, Float64Array or Int32Array");
  return false;
}

bool readParams(napi_env env, napi_value value, Params* out) {
  napi_typedarray_type type;
  size_t length;
  void* data;
  if (napi_get_typedarray_info(env, value, &type, &length, &data, nullptr, nullptr) != napi_ok || type != napi_float64_array) {
    throwInternal(env, "expected the parameter Float64Array");
    return false;
  }
  out->p = static_cast<const double*>(data);
  out->length = length;
  return true;
}

void throwInternal(napi_env env, const char* what) {
  bool pending = false;
  napi_is_exception_pending(env, &pending);
  if (pending) return;
  std::string message = std::string("chainrule native backend, internal error (a bug, please report): ") + what;
  napi_throw_error(env, nullptr, message.c_str());
}

void defineFunction(napi_env env, napi_value exports, const char* name, napi_callback callback) {
  napi_value fn;
  napi_create_function(env, name, NAPI_AUTO_LENGTH, callback, nullptr, &fn);
  napi_set_named_property(env, exports, name, fn);
}

namespace {

Napi::Value GetIsa(const Napi::CallbackInfo& info) {
  return Napi::String::New(info.Env(), isaName(currentIsa()));
}

// setIsa(name): true when switched; false when this CPU cannot run that path. Unknown names throw.
Napi::Value SetIsa(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (info.Length() < 1 || !info[0].IsString()) {
    Napi::TypeError::New(env, "setIsa: expected one of 'avx512', 'avx2', 'generic', 'avx512-tiles'").ThrowAsJavaScriptException();
    return env.Undefined();
  }
  std::string name = info[0].As<Napi::String>().Utf8Value();
  Isa isa;
  if (!parseIsa(name.c_str(), &isa)) {
    Napi::RangeError::New(env, "setIsa: unknown instruction set '" + name + "'; expected one of 'avx512', 'avx2', 'generic', 'avx512-tiles'").ThrowAsJavaScriptException();
    return env.Undefined();
  }
  return Napi::Boolean::New(env, setIsa(isa));
}

// Every path this CPU can run, best first: the ones a test should force in turn.
Napi::Value SupportedIsas(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  Napi::Array list = Napi::Array::New(env);
  const Isa order[] = {Isa::avx512, Isa::avx2, Isa::avx512Tiles, Isa::generic};
  uint32_t at = 0;
  for (Isa isa : order) {
    if (isaSupported(isa)) list.Set(at++, Napi::String::New(env, isaName(isa)));
  }
  return list;
}

Napi::Value BestIsa(const Napi::CallbackInfo& info) {
  return Napi::String::New(info.Env(), isaName(defaultIsa()));
}

Napi::Value GetThreads(const Napi::CallbackInfo& info) {
  return Napi::Number::New(info.Env(), threadCount());
}

Napi::Value SetThreads(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (info.Length() < 1 || !info[0].IsNumber()) {
    Napi::TypeError::New(env, "setThreads: expected a positive integer").ThrowAsJavaScriptException();
    return env.Undefined();
  }
  setThreadCount(info[0].As<Napi::Number>().Int32Value());
  return Napi::Number::New(env, threadCount());
}

Napi::Object Init(Napi::Env env, Napi::Object exports) {
  exports.Set("isa", Napi::Function::New(env, GetIsa, "isa"));
  exports.Set("setIsa", Napi::Function::New(env, SetIsa, "setIsa"));
  exports.Set("supportedIsas", Napi::Function::New(env, SupportedIsas, "supportedIsas"));
  exports.Set("bestIsa", Napi::Function::New(env, BestIsa, "bestIsa"));
  exports.Set("threads", Napi::Function::New(env, GetThreads, "threads"));
  exports.Set("setThreads", Napi::Function::New(env, SetThreads, "setThreads"));
  const bool tuned = tuneAllocator();
  exports.Set("allocatorTuned", Napi::Function::New(env, [tuned](const Napi::CallbackInfo& info) { return Napi::Boolean::New(info.Env(), tuned); }, "allocatorTuned"));
  registerConv(env, exports);
  registerElementwise(env, exports);
  registerGather(env, exports);
  registerMatmul(env, exports);
  registerMovement(env, exports);
  registerOptim(env, exports);
  registerPool(env, exports);
  registerReduce(env, exports);
  return exports;
}

}  // namespace
}  // namespace chainrule

// NODE_API_MODULE pastes the name into an identifier, so it must be unqualified.
static Napi::Object InitChainrule(Napi::Env env, Napi::Object exports) { return chainrule::Init(env, exports); }
NODE_API_MODULE(chainrule_native, InitChainrule)
