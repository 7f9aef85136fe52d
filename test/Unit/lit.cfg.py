# -*- Python -*-
# Runs the GoogleTest binaries under lit, so that check-bf16 covers them
# (CIRCT's test/Unit pattern). Every gtest case becomes one lit test, so the
# counts in the summary include them; a GTEST_SKIP is reported as UNSUPPORTED,
# never as a pass.

import os
import lit.formats

config.name = "BF16-Unit"
config.suffixes = []
config.test_exec_root = config.unit_test_dir
config.test_source_root = config.unit_test_dir
config.test_format = lit.formats.GoogleTest(".", "Tests")
