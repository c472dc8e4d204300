"""`python -m legame ...`: see legame.cli."""

import sys

from legame.cli import main

sys.exit(main())
