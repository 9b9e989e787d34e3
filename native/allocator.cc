// Every tensor's data is a JavaScript typed array that V8 allocates zero-filled with calloc and
// frees when the garbage collector finds it dead. A training step makes and drops dozens of
// arrays of a few hundred KiB to a few MiB. glibc serves each one above its mmap threshold
// (128 KiB at first, adapting up to 32 MiB) with fresh pages from the kernel and returns them
// when freed, so every such array costs a page fault per 4 KiB on first touch: measured here on
// the small CNN's training step (batch 64), 10.6 ms of which about 5 ms went to those faults.
// Served from the heap and kept there, a freed array's memory comes back already mapped, and
// calloc only has to clear it.
//
// The price is memory: up to kTrim bytes freed at the top of the heap stay with the process
// instead of going back to the system, as a caching allocator (PyTorch's on the GPU) keeps them.
#include "allocator.h"

#include <cstdlib>
#include <cstring>

#if defined(__GLIBC__)
#include <malloc.h>
#endif

namespace chainrule {

namespace {
// glibc's largest mmap threshold on 64-bit systems: below it, arrays come from the heap.
constexpr int kMmapThreshold = 32 << 20;
// Freed memory at the top of the heap is returned to the system only beyond this much.
constexpr int kTrim = 256 << 20;
// Each growth of the heap asks for this much more, so that growing takes few system calls.
constexpr int kTopPad = 16 << 20;
}  // namespace

bool tuneAllocator() {
  static const bool tuned = [] {
    const char* env = std::getenv("CHAINRULE_MALLOC_TUNING");
    if (env != nullptr && std::strcmp(env, "0") == 0) return false;
#if defined(__GLIBC__)
    return mallopt(M_MMAP_THRESHOLD, kMmapThreshold) == 1 && mallopt(M_TRIM_THRESHOLD, kTrim) == 1 &&
           mallopt(M_TOP_PAD, kTopPad) == 1;
#else
    return false;
#endif
  }();
  return tuned;
}

}  // namespace chainrule
