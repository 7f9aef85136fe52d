// RUN: bf16-opt %s -split-input-file -verify-diagnostics

// The trained-state ABI attributes are verified by the lowp dialect.

// expected-error @+1 {{argument attribute 'lowp.role' must be "param", "optimizer_state" or "input"}}
func.func private @bad_role(tensor<4xf32> {lowp.role = "weights"})

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
func.func private @role_on_result(tensor<4xf32>) -> (tensor<4xf32> {lowp.role = "param"})

// -----

// expected-error @+1 {{argument attribute 'lowp.state' must be "compensation", "low_half" or "rng_step"}}
func.func private @bad_state(tensor<4xf32> {lowp.state = "momentum"})

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
