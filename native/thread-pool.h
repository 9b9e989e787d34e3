// A persistent pool of worker threads, started once and kept for the life of the process:
// starting threads per call costs tens of microseconds, more than a 256×256 product takes.
#pragma once

#include <cstddef>

namespace chainrule {

// Threads a parallel region uses, the calling thread included (≥ 1). Defaults to the CPUs this
// process may run on; CHAINRULE_NUM_THREADS overrides it.
int threadCount();
// Sets the thread count (clamped to [1, 256]); workers start lazily on the next region.
void setThreadCount(int n);

// Runs task(ctx, i) for every i in [0, n) on the pool and the calling thread; returns when all
// have finished. Tasks are taken dynamically, so uneven tasks balance. When the pool is busy
// (another JS thread's call) or this is already a pool thread, runs everything on the caller.
void parallelFor(size_t n, void (*task)(void* ctx, size_t i), void* ctx);

template <typename F>
void parallelFor(size_t n, F& f) {
  parallelFor(n, [](void* ctx, size_t i) { (*static_cast<F*>(ctx))(i); }, &f);
}

// Splits [0, n) into at most threadCount() chunks of at least `grain` elements and runs
// f(begin, end) on each: small arrays stay on the calling thread.
template <typename F>
void parallelRange(size_t n, size_t grain, F&& f) {
  size_t chunks = grain > 0 ? n / grain : n;
  const size_t threads = static_cast<size_t>(threadCount());
  if (chunks > threads) chunks = threads;
  if (chunks <= 1) {
    f(size_t(0), n);
    return;
  }
  auto task = [&](size_t i) { f(n * i / chunks, n * (i + 1) / chunks); };
  parallelFor(chunks, task);
}

}  // namespace chainrule
