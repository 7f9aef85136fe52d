// NUMERICS.md section 4: add u = 2^-9 to w = 1.0 a thousand times, through
// the whole lowering pipeline and executed. Nearest rounding stalls at 1.0;
// Kahan and stochastic rounding reach about 2.953125 (= 1 + 1000 * 2^-9).
// If any rewrite reassociated (s - w) - y, Kahan would print 1.
// Executed by scripts/demo.sh and test/Integration/Emulated/update-cancellation.test.

func.func @main() {
  %one = arith.constant 1.0 : bf16
  %zero = arith.constant 0.0 : bf16
  %u = arith.constant 0.001953125 : bf16
  %u32 = arith.constant 0.001953125 : f32
  %lb = arith.constant 0 : index
  %ub = arith.constant 1000 : index
  %st = arith.constant 1 : index
  %seed = arith.constant 42 : i64
  %stream = arith.constant 0 : i32
  %res:4 = scf.for %i = %lb to %ub step %st
      iter_args(%n = %one, %w = %one, %c = %zero, %s = %one)
      -> (bf16, bf16, bf16, bf16) {
    %nf = arith.extf %n : bf16 to f32
    %sum = arith.addf %nf, %u32 : f32
    %n1 = lowp.round nearest_even %sum : (f32) -> bf16
    %w1, %c1 = lowp.kahan_update nearest_even %w, %c, %u : bf16
    %step = arith.index_cast %i : index to i64
    %r = lowp.random_bits %seed, %stream, %step : i32
    %s1 = lowp.sr_add %s, %u, %r : bf16, bf16, i32
    scf.yield %n1, %w1, %c1, %s1 : bf16, bf16, bf16, bf16
  }
  %n = arith.extf %res#0 : bf16 to f32
  %k = arith.extf %res#1 : bf16 to f32
  %s = arith.extf %res#3 : bf16 to f32
  vector.print str "nearest: "
  vector.print %n : f32
  vector.print str "kahan: "
  vector.print %k : f32
  vector.print str "stochastic: "
  vector.print %s : f32
  return
}
