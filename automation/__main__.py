"""`python -m automation` is the same as the `sc-cancel` command."""

import sys

from automation.cli import main

sys.exit(main())
