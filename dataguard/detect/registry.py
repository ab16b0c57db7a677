"""Finding recognizers: built-ins by reflection, third-party ones by entry point.

Adding a recognizer touches one file under ``recognizers/`` and its vectors, never a central
list: every module of :mod:`dataguard.recognizers` is imported and each concrete
:class:`Recognizer` subclass defined in it is instantiated. Third-party packages register
classes under the ``dataguard.recognizers`` entry-point group::

    [project.entry-points."dataguard.recognizers"]
    my_entity = "my_package.recognizers:MyRecognizer"
"""

from __future__ import annotations

from functools import cache
from importlib.metadata import entry_points

from dataguard._discovery import classes_in_package
from dataguard.detect.recognizer import Recognizer
from dataguard.errors import RecognizerError

__all__ = ["ENTRY_POINT_GROUP", "builtin_recognizers", "load_recognizers"]

ENTRY_POINT_GROUP = "dataguard.recognizers"


@cache
def _builtin_classes() -> tuple[type[Recognizer], ...]:
    found = classes_in_package("dataguard.recognizers", Recognizer, lambda cls: bool(cls.patterns))
    return tuple(found)


def builtin_recognizers() -> list[Recognizer]:
    """One fresh instance of every built-in recognizer, in a stable order."""
    return [cls() for cls in _builtin_classes()]


def _plugin_recognizers() -> list[Recognizer]:
    plugins: list[Recognizer] = []
    for ep in entry_points(group=ENTRY_POINT_GROUP):
        obj = ep.load()
        if not (isinstance(obj, type) and issubclass(obj, Recognizer)):
            raise RecognizerError(f"entry point {ep.name!r} is not a Recognizer subclass")
        plugins.append(obj())
    return plugins


def load_recognizers(*, plugins: bool = True) -> list[Recognizer]:
    """Built-in recognizers plus, unless ``plugins`` is False, the entry-point ones."""
    recognizers = builtin_recognizers()
    if plugins:
        recognizers.extend(_plugin_recognizers())
    for recognizer in recognizers:
        recognizer.check()
    return recognizers
