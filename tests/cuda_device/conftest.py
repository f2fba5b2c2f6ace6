"""The CUDA device tests share the op table and its helpers with tests/python."""

import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "python"))
