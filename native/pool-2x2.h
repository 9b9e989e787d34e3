// The vectorised 2×2, stride-2 max pooling of float32 planes (pool-2x2.cc), which pool.cc's
// drivers call on each thread's range of planes [plane0, plane1).
#pragma once

#include <cstdint>
#include <functional>

namespace chainrule {

template <typename T>
struct Pool2x2 {
  const T* x;     // planes of height × width
  const T* xEnd;  // the end of x's array: loads stop there
  long height, width, outH, outW;  // 2·outH ≤ height, 2·outW ≤ width
  long plane0, plane1;
  T* values;  // planes of outH × outW, like argmax
  int32_t* argmax;
};

template <typename T>
struct Pool2x2Backward {
  const T* g;  // planes of outH × outW, like argmax
  const int32_t* argmax;
  T* dx;  // planes of height × width, written in full
  long height, width, outH, outW;  // height = 2·outH, width = 2·outW
  long planes;          // in all: loads stop at the arrays' end
  long plane0, plane1;
  // Redoes one plane of dx with the general loop, for an argmax outside its window.
  std::function<void(long)> fallback;
};

void maxPool2x2F32(const Pool2x2<float>& k);
void maxPool2x2BackwardF32(const Pool2x2Backward<float>& k);

}  // namespace chainrule
