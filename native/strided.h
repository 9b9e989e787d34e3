// Walking a contiguous output whose operands are read through strides (0 where an operand is
// broadcast): the shared loop of binary, where, and the movement kernels.
#pragma once

#include "common.h"

namespace chainrule {

constexpr int kMaxOperands = 3;

struct Layout {
  int rank = 0;
  int operands = 0;
  long dims[kMaxRank];
  long strides[kMaxOperands][kMaxRank];
};

// Strides (in elements) that read an operand of shape `shape` (rank ≤ outRank, right-aligned)
// as if broadcast to outShape: 0 along dimensions the operand lacks or has size 1.
inline void broadcastStrides(const double* shape, int rank, const double* outShape, int outRank, long* strides) {
  long s = 1;
  for (int d = outRank - 1; d >= 0; d--) {
    const int od = d - (outRank - rank);
    const long size = od >= 0 ? static_cast<long>(shape[od]) : 1;
    strides[d] = size == 1 && static_cast<long>(outShape[d]) != 1 ? 0 : s;
    s *= size;
  }
}

// Drops dimensions of size 1 and merges neighbours that every operand reads contiguously, so a
// same-shape or scalar-broadcast operation becomes one long row.
inline void coalesce(Layout& l) {
  int r = 0;
  for (int d = 0; d < l.rank; d++) {
    if (l.dims[d] == 1) continue;
    if (r > 0) {
      bool merge = true;
      for (int o = 0; o < l.operands; o++) merge = merge && l.strides[o][r - 1] == l.strides[o][d] * l.dims[d];
      if (merge) {
        l.dims[r - 1] *= l.dims[d];
        for (int o = 0; o < l.operands; o++) l.strides[o][r - 1] = l.strides[o][d];
        continue;
      }
    }
    l.dims[r] = l.dims[d];
    for (int o = 0; o < l.operands; o++) l.strides[o][r] = l.strides[o][d];
    r++;
  }
  if (r == 0) {
    // A single element.
    l.dims[0] = 1;
    for (int o = 0; o < l.operands; o++) l.strides[o][0] = 0;
    r = 1;
  }
  l.rank = r;
}

inline long layoutSize(const Layout& l) {
  long n = 1;
  for (int d = 0; d < l.rank; d++) n *= l.dims[d];
  return n;
}

// Calls row(offsets, at, length) for consecutive pieces of innermost rows that cover output
// elements [begin, end): offsets[o] is operand o's element offset at output element `at`, and
// the piece continues with the innermost strides l.strides[o][rank − 1].
template <typename F>
void walk(const Layout& l, long begin, long end, F&& row) {
  if (begin >= end) return;
  const int r = l.rank;
  const long inner = l.dims[r - 1];
  long coord[kMaxRank];
  long rest = begin;
  for (int d = r - 1; d >= 0; d--) {
    coord[d] = rest % l.dims[d];
    rest /= l.dims[d];
  }
  long off[kMaxOperands] = {0, 0, 0};
  for (int o = 0; o < l.operands; o++) {
    for (int d = 0; d < r; d++) off[o] += coord[d] * l.strides[o][d];
  }
  long at = begin;
  while (at < end) {
    const long len = inner - coord[r - 1] < end - at ? inner - coord[r - 1] : end - at;
    row(static_cast<const long*>(off), at, len);
    at += len;
    coord[r - 1] += len;
    for (int o = 0; o < l.operands; o++) off[o] += len * l.strides[o][r - 1];
    if (coord[r - 1] < inner) continue;
    // Carry into the outer dimensions (an odometer).
    coord[r - 1] = 0;
    for (int o = 0; o < l.operands; o++) off[o] -= inner * l.strides[o][r - 1];
    for (int d = r - 2; d >= 0; d--) {
      coord[d]++;
      for (int o = 0; o < l.operands; o++) off[o] += l.strides[o][d];
      if (coord[d] < l.dims[d]) break;
      coord[d] = 0;
      for (int o = 0; o < l.operands; o++) off[o] -= l.dims[d] * l.strides[o][d];
    }
  }
}

}  // namespace chainrule
