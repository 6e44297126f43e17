"""The test suite (a package, so that no installed top-level `tests` package can shadow it)."""
