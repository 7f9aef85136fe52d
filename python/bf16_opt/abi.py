"""The trained-state ABI of ``--bf16-train`` (docs/TrainingABI.md), spelled
once for Python: the attribute names and the values of ``lowp.role`` and
``lowp.state``. They mirror the dialect's tables (``LOWP_ARG_ROLE``,
``LOWP_STATE_KIND`` in include/bf16/Dialect/Lowp/IR/LowpDialect.h);
``python/tests/test_abi.py`` checks both agree with what ``bf16-opt``
accepts.
"""

ROLE_ATTR = "lowp.role"
TIED_TO_ATTR = "lowp.tied_to"
STATE_ATTR = "lowp.state"
STATE_OF_ATTR = "lowp.state_of"
UPDATE_STATS_OF_ATTR = "lowp.update_stats_of"

ROLE_PARAM = "param"
ROLE_OPTIMIZER_STATE = "optimizer_state"
ROLE_INPUT = "input"
ROLES = (ROLE_PARAM, ROLE_OPTIMIZER_STATE, ROLE_INPUT)

STATE_COMPENSATION = "compensation"
STATE_LOW_HALF = "low_half"
STATE_RNG_STEP = "rng_step"
STATE_KINDS = (STATE_COMPENSATION, STATE_LOW_HALF, STATE_RNG_STEP)
