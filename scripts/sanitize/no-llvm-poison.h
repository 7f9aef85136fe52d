// Force-included (-include) into every C and C++ file of the sanitizer build
// (./build.sh sanitize, docs/Sanitizers.md).
//
// LLVM's allocators poison and unpoison their memory by hand when they are
// compiled with ASan (llvm/Support/Allocator.h, Recycler.h, ArrayRecycler.h,
// through LLVM_ADDRESS_SANITIZER_BUILD in llvm/Support/Compiler.h). Debian's
// libLLVM.so and libMLIR.so are not instrumented, but our files inline half
// of those allocators from the headers: a BumpPtrAllocator slab started in
// our code (say by StorageUniquer::get in a pass) is poisoned whole, then
// libMLIR.so carves objects out of it without unpoisoning them, and the next
// memmove into such an object is a false "use-after-poison". Declaring the
// ASan interface first and turning the two calls into no-ops keeps every
// allocator in the process on one convention (none), while the compiler's
// own instrumentation (redzones, heap, stack, UBSan) stays.
#ifndef BF16_SANITIZE_NO_LLVM_POISON_H
#define BF16_SANITIZE_NO_LLVM_POISON_H
#include <sanitizer/asan_interface.h>
#define __asan_poison_memory_region(addr, size) ((void)(addr), (void)(size))
#define __asan_unpoison_memory_region(addr, size) ((void)(addr), (void)(size))
#endif
