#include "thread-pool.h"

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdlib>
#include <mutex>
#include <thread>
#include <vector>

#if defined(__linux__)
#include <sched.h>
#endif
#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>
#define CR_PAUSE() _mm_pause()
#else
#define CR_PAUSE() ((void)0)
#endif

namespace chainrule {
namespace {

// One parallel region. It lives on the stack of the thread that opened it; workers touch it
// only while counted in Pool::inside, and the opener waits for that count to reach zero
// before returning, so the region never outlives a worker's use of it.
struct Region {
  void (*task)(void*, size_t);
  void* ctx;
  size_t n;
  uint64_t id;
  std::atomic<size_t> next{0};
  std::atomic<size_t> done{0};
};

int cpusAvailable() {
#if defined(__linux__)
  cpu_set_t set;
  if (sched_getaffinity(0, sizeof(set), &set) == 0) {
    int n = CPU_COUNT(&set);
    if (n > 0) return n;
  }
#endif
  unsigned n = std::thread::hardware_concurrency();
  return n > 0 ? static_cast<int>(n) : 1;
}

int initialThreads() {
  if (const char* env = std::getenv("CHAINRULE_NUM_THREADS")) {
    int n = std::atoi(env);
    if (n >= 1) return n > 256 ? 256 : n;
  }
  return cpusAvailable();
}

thread_local bool onPoolThread = false;

class Pool {
 public:
  int threads() const { return wanted_.load(std::memory_order_relaxed); }
  void setThreads(int n) { wanted_.store(n < 1 ? 1 : (n > 256 ? 256 : n), std::memory_order_relaxed); }

  void run(size_t n, void (*task)(void*, size_t), void* ctx) {
    const int want = threads();
    if (n <= 1 || want <= 1 || onPoolThread || !busy_.try_lock()) {
      for (size_t i = 0; i < n; i++) task(ctx, i);
      return;
    }
    std::lock_guard<std::mutex> hold(busy_, std::adopt_lock);
    ensureWorkers(want - 1);
    Region region;
    region.task = task;
    region.ctx = ctx;
    region.n = n;
    region.id = ++lastId_;
    // Only the first want − 1 workers join, so a lowered thread count takes effect at once.
    active_.store(want - 1, std::memory_order_relaxed);
    current_.store(&region, std::memory_order_seq_cst);
    {
      std::lock_guard<std::mutex> lock(sleepMutex_);
      generation_.fetch_add(1, std::memory_order_seq_cst);
    }
    sleepCv_.notify_all();

    onPoolThread = true;
    work(region);
    onPoolThread = false;
    while (region.done.load(std::memory_order_acquire) < n) CR_PAUSE();
    // Unpublish, then wait until no worker still holds a pointer to this stack frame.
    current_.store(nullptr, std::memory_order_seq_cst);
    while (inside_.load(std::memory_order_seq_cst) != 0) CR_PAUSE();
  }

 private:
  static void work(Region& r) {
    for (;;) {
      size_t i = r.next.fetch_add(1, std::memory_order_relaxed);
      if (i >= r.n) return;
      r.task(r.ctx, i);
      r.done.fetch_add(1, std::memory_order_release);
    }
  }

  void ensureWorkers(int count) {
    while (static_cast<int>(workers_.size()) < count) {
      int index = static_cast<int>(workers_.size());
      workers_.emplace_back([this, index] { workerLoop(index); });
      // The pool lives as long as the process; a joinable thread at exit would abort it.
      workers_.back().detach();
    }
  }

  void workerLoop(int index) {
    onPoolThread = true;
    uint64_t seenGeneration = 0;
    uint64_t lastRegion = 0;
    for (;;) {
      // Spin briefly: the regions of one product (pack, compute, pack, …) follow each other
      // within microseconds, and waking a sleeping thread costs more than that. Not longer:
      // between ops the other cores belong to V8's helpers and to other processes.
      auto spinUntil = std::chrono::steady_clock::now() + std::chrono::microseconds(50);
      uint64_t g;
      for (int spins = 0;; spins++) {
        g = generation_.load(std::memory_order_acquire);
        if (g != seenGeneration) break;
        if ((spins & 63) == 63 && std::chrono::steady_clock::now() > spinUntil) {
          std::unique_lock<std::mutex> lock(sleepMutex_);
          sleepCv_.wait(lock, [&] { return generation_.load(std::memory_order_acquire) != seenGeneration; });
          g = generation_.load(std::memory_order_acquire);
          break;
        }
        CR_PAUSE();
      }
      seenGeneration = g;
      if (index >= active_.load(std::memory_order_relaxed)) continue;
      // Announce ourselves before reading the region pointer (see Region).
      inside_.fetch_add(1, std::memory_order_seq_cst);
      Region* r = current_.load(std::memory_order_seq_cst);
      if (r != nullptr && r->id != lastRegion) {
        lastRegion = r->id;
        work(*r);
      }
      inside_.fetch_sub(1, std::memory_order_seq_cst);
    }
  }

  std::atomic<int> wanted_{initialThreads()};
  std::mutex busy_;
  std::vector<std::thread> workers_;
  uint64_t lastId_ = 0;
  std::atomic<Region*> current_{nullptr};
  std::atomic<int> inside_{0};
  std::atomic<int> active_{0};
  std::atomic<uint64_t> generation_{0};
  std::mutex sleepMutex_;
  std::condition_variable sleepCv_;
};

// Never destroyed: detached workers may still be waiting on its condition variable at exit.
Pool& pool() {
  static Pool* p = new Pool();
  return *p;
}

}  // namespace

int threadCount() { return pool().threads(); }
void setThreadCount(int n) { pool().setThreads(n); }

void parallelFor(size_t n, void (*task)(void* ctx, size_t i), void* ctx) { pool().run(n, task, ctx); }

}  // namespace chainrule
