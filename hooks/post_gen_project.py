"""Apply the prune table and say what was baked. No network, no git, no installs."""

import json
import os
import sys
from pathlib import Path

# Answers arrive as JSON data, never as code: quotes or Jinja in an answer stay text.
ANSWERS = json.loads(r"""{{ cookiecutter | tojson }}""")
# Absolute, unlike _repo_dir, which is the path as typed (local_extensions.py).
TEMPLATE_DIR = json.loads(r"""{{ {"path": template_dir} | tojson }}""")["path"]

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.join(TEMPLATE_DIR, "hooks"))
import options  # noqa: E402

options.prune(Path.cwd(), ANSWERS)
print(options.summary(ANSWERS))
