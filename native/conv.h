// The geometry of a convolution as the js backend passes it (Conv2dParams, ConvProductParams),
// shared by the im2col kernels (conv.cc) and the direct stride-1 kernels (conv-direct.cc).
#pragma once

#include <vector>

namespace chainrule {

// The fields of Conv2dParams in order: [batch, channels, height, width, kernelH, kernelW, outH,
// outW, strideH, strideW, padTop, padLeft, dilationH, dilationW].
struct Conv {
  long batch, channels, height, width, kernelH, kernelW, outH, outW, strideH, strideW, padTop, padLeft, dilationH, dilationW;
  long imageSize() const { return batch * channels * height * width; }
  long colsSize() const { return channels * kernelH * kernelW * batch * outH * outW; }
};

// A convolution's product form: Conv with the output channels and the channel groups.
struct ConvProduct {
  Conv c;
  long outChannels, groups;
  long cg() const { return c.channels / groups; }
  long og() const { return outChannels / groups; }
  long taps() const { return cg() * c.kernelH * c.kernelW; }
  long plane() const { return c.outH * c.outW; }
  long inPlane() const { return c.height * c.width; }
  // The geometry of one sample's one group, for im2col and col2im.
  Conv sample() const {
    Conv one = c;
    one.batch = 1;
    one.channels = cg();
    return one;
  }
};

// A buffer per thread and element type, grown as needed and kept.
template <typename T>
T* threadBuffer(size_t count) {
  static thread_local std::vector<T> buffer;
  if (buffer.size() < count) buffer.resize(count);
  return buffer.data();
}

// Whether the direct kernels take this convolution's forward and ∂L/∂x maps (weightGradient
// false) or its ∂L/∂W: stride 1 and a reduction per output (channels per group × taps) short
// enough that im2col's unfolded columns cost more than they save.
bool convDirectApplies(const ConvProduct& g, bool weightGradient);

// The three maps of conv.cc (same arguments and outputs), computed directly: y and ∂L/∂x are
// overwritten, ∂L/∂W too.
template <typename T>
void conv2dDirect(const ConvProduct& g, const T* x, const T* w, const T* bias, T* y);
template <typename T>
void conv2dInputDirect(const ConvProduct& g, const T* gy, const T* w, T* dx);
template <typename T>
void conv2dWeightDirect(const ConvProduct& g, const T* x, const T* gy, T* dw, T* db);

}  // namespace chainrule
