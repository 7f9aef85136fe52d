"""bf16_opt.abi spells the trained-state ABI as the dialect does: bf16-opt
accepts every listed role and state kind and, for a wrong value, names
exactly the listed ones."""

import unittest

from bf16_opt import abi, driver


def step(role_attr):
    return ("func.func @f(%%x: tensor<4xf32> {%s}) -> tensor<4xf32> {\n"
            "  return %%x : tensor<4xf32>\n}\n" % role_attr)


class Abi(unittest.TestCase):
    def test_roles(self):
        for role in abi.ROLES:
            text = abi.role_attr(role)
            out = driver.run(step("%s = %s" % (abi.ROLE_ATTR, text)))
            self.assertIn(text, out)          # printed back the same way
            self.assertEqual(abi.parse_enum_attr(text), role)
        proc = driver.invoke(["-"], input=step(
            "%s = #lowp<role weight>" % abi.ROLE_ATTR))
        self.assertNotEqual(proc.returncode, 0)
        self.assertIn("to be one of: " + ", ".join(abi.ROLES), proc.stderr)
        # A string is not a role: the verifier lists every enum value.
        proc = driver.invoke(["-"], input=step('%s = "param"' % abi.ROLE_ATTR))
        self.assertNotEqual(proc.returncode, 0)
        self.assertIn("must be " + ", ".join(
            abi.role_attr(r) for r in abi.ROLES[:-1]) + " or " +
            abi.role_attr(abi.ROLES[-1]), proc.stderr)
        with self.assertRaises(ValueError):
            abi.role_attr("weight")

    def test_state_kinds(self):
        for kind in abi.STATE_KINDS:
            text = abi.state_attr(kind)
            out = driver.run(step("%s = %s, %s = 0 : i64" % (
                abi.STATE_ATTR, text, abi.STATE_OF_ATTR)))
            self.assertIn(text, out)
            self.assertEqual(abi.parse_enum_attr(text), kind)
        proc = driver.invoke(["-"], input=step(
            "%s = #lowp<state momentum>" % abi.STATE_ATTR))
        self.assertNotEqual(proc.returncode, 0)
        self.assertIn("to be one of: " + ", ".join(abi.STATE_KINDS),
                      proc.stderr)
        self.assertIsNone(abi.parse_enum_attr('"compensation"'))


if __name__ == "__main__":
    unittest.main()
