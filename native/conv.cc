// Convolution's unfolding (im2col) and its adjoint (col2im), the js backend's loops
// (src/backends/js/conv.ts) run in parallel over independent pieces: rows of the columns for
// im2col, input channels for col2im, whose sums then add in the js backend's order (bit-exact).
#include <type_traits>

#include "common.h"
#include "kernels.h"
#include "thread-pool.h"

namespace chainrule {
namespace {

// P = [batch, channels, height, width, kernelH, kernelW, outH, outW, strideH, strideW, padTop,
// padLeft, dilationH, dilationW], the fields of Conv2dParams in order.
struct Conv {
  long batch, channels, height, width, kernelH, kernelW, outH, outW, strideH, strideW, padTop, padLeft, dilationH, dilationW;
  long imageSize() const { return batch * channels * height * width; }
  long colsSize() const { return channels * kernelH * kernelW * batch * outH * outW; }
};

bool readConv(const Params& P, Conv* c) {
  if (P.length < 14) return false;
  long* fields[] = {&c->batch, &c->channels, &c->height, &c->width, &c->kernelH, &c->kernelW, &c->outH, &c->outW,
                    &c->strideH, &c->strideW, &c->padTop, &c->padLeft, &c->dilationH, &c->dilationW};
  for (int i = 0; i < 14; i++) *fields[i] = P.i(i);
  return true;
}

// cols[(c·kH + i)·kW + j][(n·outH + p)·outW + q] = x[n, c, p·sH + i·dH − padTop, q·sW + j·dW − padLeft]
// (0 in the padding: the output arrives zeroed).
template <typename T>
void im2col(const Conv& c, const T* x, T* cols) {
  const long plane = c.outH * c.outW;
  const long columns = c.batch * plane;
  const long rows = c.channels * c.kernelH * c.kernelW;
  parallelRange(static_cast<size_t>(rows), 1 + (1 << 15) / (columns > 0 ? columns : 1), [&](size_t r0, size_t r1) {
    for (long row = static_cast<long>(r0); row < static_cast<long>(r1); row++) {
      const long ch = row / (c.kernelH * c.kernelW);
      const long i = (row / c.kernelW) % c.kernelH;
      const long j = row % c.kernelW;
      for (long n = 0; n < c.batch; n++) {
        const T* xPlane = x + (n * c.channels + ch) * c.height * c.width;
        T* colBase = cols + row * columns + n * plane;
        for (long oh = 0; oh < c.outH; oh++) {
          const long ih = oh * c.strideH + i * c.dilationH - c.padTop;
          if (ih < 0 || ih >= c.height) continue;
          const T* xRow = xPlane + ih * c.width;
          T* colRow = colBase + oh * c.outW;
          const long shift = j * c.dilationW - c.padLeft;
          if (c.strideW == 1) {
            // Contiguous on both sides: the in-bounds run of ow, copied whole.
            long lo = -shift > 0 ? -shift : 0;
            long hi = c.width - shift < c.outW ? c.width - shift : c.outW;
            for (long ow = lo; ow < hi; ow++) colRow[ow] = xRow[ow + shift];
          } else {
            for (long ow = 0; ow < c.outW; ow++) {
              const long iw = ow * c.strideW + shift;
              if (iw >= 0 && iw < c.width) colRow[ow] = xRow[iw];
            }
          }
        }
      }
    }
  });
}

// The adjoint: x (zeroed) gets every column entry added where im2col read it. Channels are
// independent, and within one the rows add in the js backend's order.
template <typename T>
void col2im(const Conv& c, const T* cols, T* x) {
  const long plane = c.outH * c.outW;
  const long columns = c.batch * plane;
  const long taps = c.kernelH * c.kernelW;
  parallelRange(static_cast<size_t>(c.channels), 1 + (1 << 15) / (taps * columns > 0 ? taps * columns : 1), [&](size_t c0, size_t c1) {
    for (long ch = static_cast<long>(c0); ch < static_cast<long>(c1); ch++) {
      for (long i = 0; i < c.kernelH; i++) {
        for (long j = 0; j < c.kernelW; j++) {
          const long row = (ch * c.kernelH + i) * c.kernelW + j;
          for (long n = 0; n < c.batch; n++) {
            T* xPlane = x + (n * c.channels + ch) * c.height * c.width;
            const T* colBase = cols + row * columns + n * plane;
            for (long oh = 0; oh < c.outH; oh++) {
              const long ih = oh * c.strideH + i * c.dilationH - c.padTop;
              if (ih < 0 || ih >= c.height) continue;
              T* xRow = xPlane + ih * c.width;
              const T* colRow = colBase + oh * c.outW;
              for (long ow = 0; ow < c.outW; ow++) {
                const long iw = ow * c.strideW + j * c.dilationW - c.padLeft;
                if (iw >= 0 && iw < c.width) xRow[iw] = storeAs<T>(static_cast<double>(xRow[iw]) + static_cast<double>(colRow[ow]));
              }
            }
          }
        }
      }
    }
  });
}

// im2col(x, cols, P) and col2im(cols, x, P): the second array is the (zeroed) output.
template <bool Forward>
napi_value convBinding(napi_env env, napi_callback_info info) {
  napi_value argv[3];
  size_t argc = 3;
  napi_get_cb_info(env, info, &argc, argv, nullptr, nullptr);
  Array in, out;
  Params P;
  if (argc < 3 || !readArray(env, argv[0], &in) || !readArray(env, argv[1], &out) || !readParams(env, argv[2], &P)) return nullptr;
  Conv c;
  const bool ok = readConv(P, &c) && in.dtype == out.dtype &&
                  static_cast<long>(in.length) == (Forward ? c.imageSize() : c.colsSize()) &&
                  static_cast<long>(out.length) == (Forward ? c.colsSize() : c.imageSize());
  if (!ok) {
    throwInternal(env, Forward ? "im2col: sizes do not match the parameters" : "col2im: sizes do not match the parameters");
    return nullptr;
  }
  withType(in.dtype, [&](auto* tag) {
    using T = std::remove_pointer_t<decltype(tag)>;
    if (Forward) {
      im2col<T>(c, in.as<T>(), out.as<T>());
    } else {
      col2im<T>(c, in.as<T>(), out.as<T>());
    }
  });
  return nullptr;
}

}  // namespace

void registerConv(napi_env env, napi_value exports) {
  defineFunction(env, exports, "im2col", convBinding<true>);
  defineFunction(env, exports, "col2im", convBinding<false>);
}

}  // namespace chainrule
