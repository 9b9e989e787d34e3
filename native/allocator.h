// The C library allocator's settings for a process that allocates and frees many large arrays.
#pragma once

namespace chainrule {

// Applies the settings once (glibc only; CHAINRULE_MALLOC_TUNING=0 leaves the allocator as it
// is). Returns whether they are in effect.
bool tuneAllocator();

}  // namespace chainrule
