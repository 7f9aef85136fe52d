// RUN: bf16-opt %s --split-input-file --bf16-free-temporaries | FileCheck %s

// A temporary is freed right after its last use, including uses through a
// view and inside a loop; the returned buffer and the buffer with its own
// dealloc are left alone.
// CHECK-LABEL: func.func @temporaries
// CHECK: %[[T:.*]] = memref.alloc() : memref<16xf32>
// CHECK: %[[R:.*]] = memref.alloc() : memref<16xf32>
// CHECK: %[[K:.*]] = memref.alloc() : memref<4xf32>
// CHECK: memref.dealloc %[[K]]
// CHECK: scf.for
// CHECK: memref.subview %[[T]]
// CHECK: }
// CHECK-NEXT: memref.dealloc %[[T]]
// CHECK-NOT: memref.dealloc
// CHECK: return %[[R]]
func.func @temporaries(%a: memref<16xf32>) -> memref<16xf32> {
  %c0 = arith.constant 0 : index
  %c4 = arith.constant 4 : index
  %c16 = arith.constant 16 : index
  %t = memref.alloc() : memref<16xf32>
  %r = memref.alloc() : memref<16xf32>
  %k = memref.alloc() : memref<4xf32>
  memref.dealloc %k : memref<4xf32>
  memref.copy %a, %t : memref<16xf32> to memref<16xf32>
  scf.for %i = %c0 to %c16 step %c4 {
    %s = memref.subview %t[%i] [4] [1] : memref<16xf32> to memref<4xf32, strided<[1], offset: ?>>
    %d = memref.subview %r[%i] [4] [1] : memref<16xf32> to memref<4xf32, strided<[1], offset: ?>>
    memref.copy %s, %d : memref<4xf32, strided<[1], offset: ?>> to memref<4xf32, strided<[1], offset: ?>>
  }
  return %r : memref<16xf32>
}

// -----

// Buffers that escape through a call's result or a loop's yield are left
// to their owner.
// CHECK-LABEL: func.func @escapes
// CHECK-NOT: memref.dealloc
// CHECK: return
func.func private @id(%m: memref<8xf32>) -> memref<8xf32>
func.func @escapes(%n: index) -> (memref<8xf32>, memref<8xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %a = memref.alloc() : memref<8xf32>
  %b = func.call @id(%a) : (memref<8xf32>) -> memref<8xf32>
  %init = memref.alloc() : memref<8xf32>
  %l = scf.for %i = %c0 to %n step %c1 iter_args(%x = %init) -> (memref<8xf32>) {
    scf.yield %x : memref<8xf32>
  }
  return %b, %l : memref<8xf32>, memref<8xf32>
}
