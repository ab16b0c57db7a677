"""Finding built-in plugin classes by reflection: every public module of a package.

Shared by the recognizer and operator registries, so that adding a recognizer or an
operator touches one file, never a central list.
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Callable
from typing import Any

__all__ = ["classes_in_package"]


def classes_in_package(
    package: str, base: type[Any], accept: Callable[[Any], bool]
) -> list[type[Any]]:
    """Subclasses of *base* defined in the public modules of *package*, in a stable order.

    Modules whose name starts with ``_`` and subpackages are skipped; a class counts only
    in the module that defines it (not where it is imported) and when *accept* says so.
    """
    root = importlib.import_module(package)
    found: list[type[Any]] = []
    for info in sorted(pkgutil.iter_modules(root.__path__), key=lambda i: i.name):
        if info.name.startswith("_") or info.ispkg:
            continue
        module = importlib.import_module(f"{package}.{info.name}")
        for obj in vars(module).values():
            if (
                isinstance(obj, type)
                and issubclass(obj, base)
                and obj.__module__ == module.__name__
                and accept(obj)
            ):
                found.append(obj)
    return found
