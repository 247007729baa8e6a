"""mkdocs-derivations: machine-checked derivation pages for MkDocs."""

__version__ = "0.1.0"
