"""Masking: operators (one per module), policies and profiles, and the masker.

>>> from dataguard.mask import Masker
>>> Masker().mask("手机 13812341050，邮箱 tt@163.com")
'手机 ******1050，邮箱 tt**@1**.com'
"""

from __future__ import annotations

from dataguard.mask.apply import Masker, Replacement
from dataguard.mask.operator import MaskContext, Operator, OperatorEnv, build_operator
from dataguard.mask.policy import Policy, Rule, load_policy
from dataguard.mask.profiles import DEFAULT_PROFILE, PROFILES

__all__ = [
    "DEFAULT_PROFILE",
    "PROFILES",
    "MaskContext",
    "Masker",
    "Operator",
    "OperatorEnv",
    "Policy",
    "Replacement",
    "Rule",
    "build_operator",
    "load_policy",
]
