"""`python -m autograd_core`: the same as the `autograd-core` command."""

import sys

from .app.cli import main

sys.exit(main())
