// RUN: bf16-opt %s -split-input-file -verify-diagnostics

// The trained-state ABI attributes are verified by the lowp dialect.

// The values are enum attributes; a string is not one.
// expected-error @+1 {{argument attribute 'lowp.role' must be #lowp<role param>, #lowp<role optimizer_state> or #lowp<role input>}}
func.func private @string_role(tensor<4xf32> {lowp.role = "param"})

// -----

// expected-error @+2 {{expected ::mlir::lowp::ArgRole to be one of: param, optimizer_state, input}}
// expected-error @+1 {{failed to parse Lowp_ArgRoleAttr parameter 'value'}}
func.func private @bad_role(tensor<4xf32> {lowp.role = #lowp<role weights>})

// -----

// The role attribute where a state kind belongs.
// expected-error @+1 {{argument attribute 'lowp.state' must be #lowp<state compensation>, #lowp<state low_half> or #lowp<state rng_step>}}
func.func private @role_as_state(tensor<4xf32> {lowp.state = #lowp<role param>})

// -----

// expected-error @+1 {{result attribute 'lowp.tied_to' names argument 3 : i64 but the function has 1 argument(s)}}
func.func private @tie_out_of_range(tensor<4xf32>) -> (tensor<4xf32> {lowp.tied_to = 3 : i64})

// -----

// expected-error @+1 {{result attribute 'lowp.tied_to' must be an integer argument index}}
func.func private @tie_not_int(tensor<4xf32>) -> (tensor<4xf32> {lowp.tied_to = "w"})

// -----

// expected-error @+1 {{'lowp.tied_to' belongs on a result, not an argument}}
func.func private @tie_on_arg(tensor<4xf32> {lowp.tied_to = 0 : i64})

// -----

// expected-error @+1 {{'lowp.role' belongs on an argument, not a result}}
func.func private @role_on_result(tensor<4xf32>) -> (tensor<4xf32> {lowp.role = #lowp<role param>})

// -----

// expected-error @+2 {{expected ::mlir::lowp::StateKind to be one of: compensation, low_half, rng_step}}
// expected-error @+1 {{failed to parse Lowp_StateKindAttr parameter 'value'}}
func.func private @bad_state(tensor<4xf32> {lowp.state = #lowp<state momentum>})

// -----

// expected-error @+1 {{argument attribute 'lowp.state_of' names argument -1 : i64}}
func.func private @negative_state_of(tensor<4xf32> {lowp.state_of = -1 : i64})

// -----

// expected-error @+1 {{unknown lowp argument attribute 'lowp.bogus'}}
func.func private @unknown(tensor<4xf32> {lowp.bogus})

// -----

// expected-error @+1 {{'lowp.update_stats_of' belongs on a result, not an argument}}
func.func private @stats_on_arg(tensor<4xf32> {lowp.update_stats_of = 0 : i64})

// -----

// expected-error @+1 {{result attribute 'lowp.update_stats_of' needs a tensor<2xi64> result, not 'tensor<2xi32>'}}
func.func private @stats_type(tensor<4xf32>) -> (tensor<2xi32> {lowp.update_stats_of = 0 : i64})

// -----

// expected-error @+1 {{result attribute 'lowp.update_stats_of' names argument 1 : i64 but the function has 1 argument(s)}}
func.func private @stats_out_of_range(tensor<4xf32>) -> (tensor<2xi64> {lowp.update_stats_of = 1 : i64})

// -----

// A valid counts result.
func.func private @stats_ok(tensor<4xf32>) -> (tensor<2xi64> {lowp.update_stats_of = 0 : i64})
