"""The trained-state ABI of ``--bf16-train`` (docs/TrainingABI.md), spelled
once for Python: the attribute names and the values of ``lowp.role`` and
``lowp.state`` (enum attributes of the dialect: ``#lowp<role param>``,
``#lowp<state compensation>``). They mirror the dialect's enums
(``ArgRole``, ``StateKind`` in include/bf16/Dialect/Lowp/IR/LowpOps.td);
``python/tests/test_abi.py`` checks both agree with what ``bf16-opt``
accepts.
"""

import re

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


def role_attr(role):
    """The MLIR text of a role value: ``#lowp<role param>``."""
    if role not in ROLES:
        raise ValueError("unknown lowp.role %r (expected one of %s)"
                         % (role, ", ".join(ROLES)))
    return "#lowp<role %s>" % role


def state_attr(kind):
    """The MLIR text of a state kind: ``#lowp<state compensation>``."""
    if kind not in STATE_KINDS:
        raise ValueError("unknown lowp.state %r (expected one of %s)"
                         % (kind, ", ".join(STATE_KINDS)))
    return "#lowp<state %s>" % kind


def parse_enum_attr(text):
    """``#lowp<role param>`` or ``#lowp<state rng_step>`` -> its spelling
    (``"param"``, ``"rng_step"``); None for any other text."""
    m = re.fullmatch(r"#lowp<(role|state) ([a-z_]+)>", text.strip())
    return m.group(2) if m else None
