#!/usr/bin/env python3
"""Build the review reports site: `python build.py [build|check|serve|import FILE]`."""

import sys

from reviewpress.cli import main

if __name__ == "__main__":
    sys.exit(main())
