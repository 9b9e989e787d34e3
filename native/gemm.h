// One matrix product for other kernels of the addon (convolution): the packed GEMM of
// matmul.cc on the instruction set chosen at run time.
#pragma once

namespace chainrule {

// c[m×n] (row-major, contiguous) = op(a)·op(b), where op(a) is m×k (a stored k×m when transA)
// and op(b) is k×n (b stored n×k when transB). Splits over up to `threads` threads; 1 keeps it
// on the calling thread, as a task of a parallel region must.
template <typename T>
void gemm(const T* a, const T* b, T* c, long m, long n, long k, bool transA, bool transB, int threads);

}  // namespace chainrule
