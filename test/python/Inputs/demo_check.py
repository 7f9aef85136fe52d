"""Checks the main job's outputs (test/python/demo.test)."""
import json
import os
import sys

out = sys.argv[1]
rows = json.load(open(os.path.join(out, "demo.json")))
assert [r["mode"] for r in rows] == ["fp32", "master", "nearest",
                                     "stochastic", "kahan"], rows
keys = {"mode", "test_accuracy", "train_loss", "cancelled_rate",
        "ms_per_step", "state_bytes"}
for r in rows:
    assert set(r) == keys, r
    # 40 steps on 2560 images: well above chance (10%), not perfect.
    assert 0.4 < r["test_accuracy"] < 1.0, r
    assert 0 < r["train_loss"] < 2.3, r
    assert 0 <= r["cancelled_rate"] <= 1, r
    assert r["ms_per_step"] > 0, r
by = {r["mode"]: r for r in rows}
# MLP 784-256-128-10 with SGD momentum: 235,146 parameters and as many
# momentum values, 4 bytes each in FP32 and master mode, 2 in BF16; Kahan
# adds a bf16 compensation for each; stochastic rounding an 8-byte step.
n = 784 * 256 + 256 + 256 * 128 + 128 + 128 * 10 + 10
assert by["fp32"]["state_bytes"] == 2 * 4 * n, by["fp32"]
assert by["master"]["state_bytes"] == 2 * 4 * n, by["master"]
assert by["nearest"]["state_bytes"] == 2 * 2 * n, by["nearest"]
assert by["stochastic"]["state_bytes"] == 2 * 2 * n + 8, by["stochastic"]
assert by["kahan"]["state_bytes"] == 4 * 2 * n, by["kahan"]
# BF16 rounding cancels far more updates than FP32.
assert by["nearest"]["cancelled_rate"] > 10 * by["fp32"]["cancelled_rate"]
with open(os.path.join(out, "demo.png"), "rb") as f:
    assert f.read(8) == b"\x89PNG\r\n\x1a\n"
print("demo outputs ok")
