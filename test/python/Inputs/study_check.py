"""Checks the study's outputs (test/python/study-smoke.test)."""
import json
import os
import sys

out = sys.argv[1]
summary = json.load(open(os.path.join(out, "summary.json")))
assert sorted(summary) == ["chargru", "lenet", "mlp"], sorted(summary)
for model, rows in summary.items():
    assert sorted(rows) == ["eager", "fp32", "stochastic"], (model, rows)
    for mode, r in rows.items():
        assert r["seeds"] == [0], r
        m = r["metric_mean"]
        if model == "chargru":
            assert r["metric_name"] == "bpc" and 0 < m < 8, r
        else:
            assert r["metric_name"] == "acc" and 0 <= m <= 1, r
        rate = r["cancelled_rate_mean"]
        assert (rate is None) == (mode == "eager"), r
        # Bytes per parameter: FP32 keeps f32 weights and f32 optimizer
        # state, BF16 halves both (plus the 8-byte SR step counter).
        moments = 2 if model == "chargru" else 1       # Adam vs momentum
        full = 4 * (1 + moments)
        if mode == "stochastic":
            assert full / 2 <= r["bytes_per_param"] < full / 2 + 0.01, r
        else:
            assert r["bytes_per_param"] >= full, r
    # Our FP32 step follows PyTorch's FP32 step: same weights, data order
    # and recipe; after these few steps the metric agrees closely.
    e, f = rows["eager"]["metric_mean"], rows["fp32"]["metric_mean"]
    assert abs(e - f) <= 0.02, (model, e, f)
runs = os.listdir(os.path.join(out, "runs"))
assert len(runs) == 9, runs
for model in summary:
    with open(os.path.join(out, model + ".png"), "rb") as f:
        assert f.read(8) == b"\x89PNG\r\n\x1a\n"
print("study outputs ok")
