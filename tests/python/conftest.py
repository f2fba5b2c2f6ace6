"""Settings for the test session, applied before ember is imported: jitted code is the optimised build
(tiered compilation off unless a test turns it on), and the disk cache is a directory of this session
only, so that code cached by an earlier build or run can never stand in for what this build generates."""

import atexit
import os
import shutil
import tempfile

os.environ.setdefault("EMBER_TIERED", "0")
if "EMBER_CACHE_DIR" not in os.environ:
    os.environ["EMBER_CACHE_DIR"] = tempfile.mkdtemp(prefix="ember-test-cache-")
    atexit.register(shutil.rmtree, os.environ["EMBER_CACHE_DIR"], ignore_errors=True)
