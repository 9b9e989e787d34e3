// Each kernel family (one .cc, named as its counterpart in src/backends/js) registers its
// functions on the addon's exports. Kernel bindings use the C Node-API directly: they run on
// every op, and a bare napi_callback is the cheapest call into C++ that Node offers.
#pragma once

#include <node_api.h>

namespace chainrule {

void defineFunction(napi_env env, napi_value exports, const char* name, napi_callback callback);

void registerConv(napi_env env, napi_value exports);
void registerElementwise(napi_env env, napi_value exports);
void registerGather(napi_env env, napi_value exports);
void registerMatmul(napi_env env, napi_value exports);
void registerMovement(napi_env env, napi_value exports);
void registerOptim(napi_env env, napi_value exports);
void registerPool(napi_env env, napi_value exports);
void registerReduce(napi_env env, napi_value exports);

}  // namespace chainrule
