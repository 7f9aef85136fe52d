"""bf16_opt.abi spells the trained-state ABI as the dialect does: bf16-opt
accepts every listed role and state kind and, for a wrong value, names
exactly the listed ones."""

import unittest

from bf16_opt import abi, driver


def step(role_attr):
    return ("func.func @f(%%x: tensor<4xf32> {%s}) -> tensor<4xf32> {\n"
            "  return %%x : tensor<4xf32>\n}\n" % role_attr)


def quoted(values):
    items = ['"%s"' % v for v in values]
    return ", ".join(items[:-1]) + " or " + items[-1]


class Abi(unittest.TestCase):
    def test_roles(self):
        for role in abi.ROLES:
            driver.run(step('%s = "%s"' % (abi.ROLE_ATTR, role)))
        proc = driver.invoke(["-"], input=step('%s = "weight"' % abi.ROLE_ATTR))
        self.assertNotEqual(proc.returncode, 0)
        self.assertIn("must be " + quoted(abi.ROLES), proc.stderr)

    def test_state_kinds(self):
        for kind in abi.STATE_KINDS:
            driver.run(step('%s = "%s", %s = 0 : i64' % (
                abi.STATE_ATTR, kind, abi.STATE_OF_ATTR)))
        proc = driver.invoke(["-"], input=step('%s = "momentum"'
                                               % abi.STATE_ATTR))
        self.assertNotEqual(proc.returncode, 0)
        self.assertIn("must be " + quoted(abi.STATE_KINDS), proc.stderr)


if __name__ == "__main__":
    unittest.main()
