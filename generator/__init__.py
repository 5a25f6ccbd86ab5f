"""factsheet: localized, print-grade PDF and HTML fact sheets from YAML data.

The library is the product; `factsheet` (the CLI) is a shell over `build()` and `check()`.
"""

__version__ = "0.1.0"

from .build import build, check, prepare

__all__ = ["__version__", "build", "check", "prepare"]
