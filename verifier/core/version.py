"""The tool's version (read by the build: pyproject.toml, ``[tool.setuptools.dynamic]``)."""

__version__ = "0.1.0"
