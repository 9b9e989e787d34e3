// The CNN's usual pooling, 2×2 windows at stride 2 without padding, in float32 vectors: a small
// CNN's rows are short (13 windows of a 26-wide plane), too short for a compiler's own
// vectorisation of one window per iteration, which left the loop scalar on every path. Here each
// vector holds a row's windows: the two input rows are loaded whole and split into their even
// and odd columns, so that the four taps of L windows are four vectors.
//   forward   the js backend's rule, tap by tap in its order: a larger value or a NaN replaces
//             the best so far (so the first maximum wins a tie, the last NaN wins over numbers).
//   backward  writes every element of ∂L/∂x once, g where the window's argmax points and 0
//             elsewhere, instead of zeroing the planes and adding g at each argmax: one pass
//             over memory instead of two. It needs each argmax inside its own window, which the
//             forward guarantees; a plane where one is not goes back to the zero-and-add loop.
// The last vectors of a thread's range are staged, so that no load runs past the input and no
// store past the range; stores before that may run past a row's end into the next row, which
// is written afterwards.
#include <algorithm>
#include <cstdint>

#include "isa.h"
#include "pool-2x2.h"
#include "vectors.h"

#if CHAINRULE_X86_PATHS
#pragma GCC push_options
#pragma GCC target("avx512f,avx2,fma")
namespace chainrule {
namespace {
namespace isa_avx512 {
#include "pool-2x2-isa.inc"
}  // namespace isa_avx512
}  // namespace
}  // namespace chainrule
#pragma GCC pop_options

#pragma GCC push_options
#pragma GCC target("avx2,fma")
namespace chainrule {
namespace {
namespace isa_avx2 {
#include "pool-2x2-isa.inc"
}  // namespace isa_avx2
namespace isa_avx512_tiles {
#include "pool-2x2-isa.inc"
}  // namespace isa_avx512_tiles
}  // namespace
}  // namespace chainrule
#pragma GCC pop_options
#endif

namespace chainrule {
namespace {
namespace isa_generic {
#include "pool-2x2-isa.inc"
}  // namespace isa_generic
}  // namespace

void maxPool2x2F32(const Pool2x2<float>& k) {
  switch (currentIsa()) {
#if CHAINRULE_X86_PATHS
    case Isa::avx512: return isa_avx512::forward(k);
    case Isa::avx2: return isa_avx2::forward(k);
    case Isa::avx512Tiles: return isa_avx512_tiles::forward(k);
#endif
    default: return isa_generic::forward(k);
  }
}

void maxPool2x2BackwardF32(const Pool2x2Backward<float>& k) {
  switch (currentIsa()) {
#if CHAINRULE_X86_PATHS
    case Isa::avx512: return isa_avx512::backward(k);
    case Isa::avx2: return isa_avx2::backward(k);
    case Isa::avx512Tiles: return isa_avx512_tiles::backward(k);
#endif
    default: return isa_generic::backward(k);
  }
}

}  // namespace chainrule
