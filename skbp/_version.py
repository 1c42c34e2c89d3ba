"""skbp's version, in one place: the package, pickles and the docs read it."""

__version__ = "0.7.0"
