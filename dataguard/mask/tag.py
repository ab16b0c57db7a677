"""tag: replace the value with its entity name (``<CN_MOBILE>``)."""

from __future__ import annotations

from dataclasses import dataclass

from dataguard.mask.operator import MaskContext, Operator

__all__ = ["Tag"]


@dataclass(frozen=True)
class Tag(Operator):
    """Replace the value with ``template``, ``{entity}`` in it replaced by the entity.

    The template is literal text with ``{entity}`` as its only placeholder (no other
    braces), and must not contain quotes, backslashes or commas, so the tag is safe
    inside JSON strings and CSV fields.

    >>> Tag().apply("13812341050", MaskContext("CN_MOBILE"))
    '<CN_MOBILE>'
    """

    name = "tag"
    drops_other_data = True
    summary = "replace the value with a tag naming its entity, <CN_MOBILE>"

    template: str = "<{entity}>"

    def __post_init__(self) -> None:
        if any(ch in self.template for ch in "\"'\\,\n\r\t"):
            raise ValueError("template must not contain quotes, backslashes, commas or breaks")
        if "{" in self.template.replace("{entity}", "") or "}" in self.template.replace(
            "{entity}", ""
        ):
            raise ValueError("template may only use {entity} (no other braces)")

    def apply(self, value: str, context: MaskContext) -> str:
        return self.template.replace("{entity}", context.entity)
