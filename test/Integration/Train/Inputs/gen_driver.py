#!/usr/bin/python3
"""gen_driver.py MODE STEP.mlir: prints STEP.mlir (a bf16-opt output, one
module) with a @main added that calls the bf16-train output of
accumulate_step.mlir 1000 times with w = 1, u = 2^-9 (bf16), threading the
extra state of MODE through the documented ABI (docs/TrainingABI.md), and
prints w[0] at the end."""
import sys

mode = sys.argv[1]
step = open(sys.argv[2]).read().rstrip()
assert step.endswith("}"), "expected a printed module"
T = "tensor<4xbf16>"
extra_ty = {"nearest": None, "kahan": T, "split": "tensor<4xi16>",
            "stochastic": "i64"}[mode]
init = {"kahan": f"arith.constant dense<0.0> : {T}",
        "split": "arith.constant dense<0> : tensor<4xi16>",
        "stochastic": "arith.constant 0 : i64"}
iter_args = "%w = %w0" + (", %s = %s0" if extra_ty else "")
iter_tys = T + (", " + extra_ty if extra_ty else "")
call_args = "%w, %u" + (", %s" if extra_ty else "")
call_tys = f"{T}, {T}" + (", " + extra_ty if extra_ty else "")
res = "%r:2" if extra_ty else "%r"
yld = "%r#0, %r#1" if extra_ty else "%r"
prints = "\n".join(
    f"  %i{k} = arith.constant {k} : index\n"
    f"  %x{k} = tensor.extract %f#0[%i{k}] : {T}\n"
    f"  %y{k} = arith.extf %x{k} : bf16 to f32\n"
    f"  vector.print str \" \"\n"
    f"  vector.print %y{k} : f32 punctuation <no_punctuation>"
    for k in range(4))
driver = (f"""func.func @main() {{
  %w0 = arith.constant dense<1.0> : {T}
  %u = arith.constant dense<0.001953125> : {T}
  {"%s0 = " + init[mode] if extra_ty else ""}
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %n = arith.constant 1000 : index
  %f:{2 if extra_ty else 1} = scf.for %i = %c0 to %n step %c1 iter_args({iter_args}) -> ({iter_tys}) {{
    {res} = func.call @step({call_args}) : ({call_tys}) -> ({iter_tys})
    scf.yield {yld} : {iter_tys}
  }}
  vector.print str "w"
{prints}
  vector.print str "\\n"
  return
}}""")
print(step[:-1] + driver + "\n}")
