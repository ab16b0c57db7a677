"""Policies and profiles: the display vectors, built-in profiles, TOML policy files.

``tests/vectors/mask/display.tsv`` holds the display masks of standards.md §2 (the four Ele.me 8.4
examples verbatim and the stated conventions), written by hand.
"""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

from dataguard.errors import UsageError
from dataguard.mask import PROFILES, Masker, Policy, Rule, load_policy
from dataguard.mask.operator import MaskContext, OperatorEnv, operator_classes
from dataguard.mask.profiles import DEFAULT_PROFILE, EXAMPLES

VECTORS = Path(__file__).parent.parent / "vectors" / "mask" / "display.tsv"
KEY_ENV = OperatorEnv(master_key=lambda: b"k" * 32)
KEYED = {"pseudonymize", "surrogate"}


# -- display vectors ----------------------------------------------------------------------


def _display_vectors() -> list[object]:
    cases: list[object] = []
    for lineno, line in enumerate(VECTORS.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip() or line.startswith("#"):
            continue
        fields = line.split("\t")
        if len(fields) != 4:
            raise ValueError(f"display.tsv:{lineno}: want entity, input, expected, source")
        entity, value, expected, _source = fields
        cases.append(pytest.param(entity, value, expected, id=f"{entity}:{lineno}"))
    return cases


_VECTORS = _display_vectors()


@pytest.fixture(scope="module")
def display() -> Masker:
    return Masker("display")


@pytest.mark.parametrize(("entity", "value", "expected"), _VECTORS)
def test_display_vector(display: Masker, entity: str, value: str, expected: str) -> None:
    assert display.mask_value(value, entity) == expected


def test_display_vectors_hold_the_ele_me_examples_verbatim() -> None:
    rows = {(p.values[0], p.values[1], p.values[2]) for p in _VECTORS}  # type: ignore[attr-defined]
    assert ("CN_MOBILE", "13812341050", "******1050") in rows
    assert ("CN_LANDLINE", "0571-88881123", "0571-*****123") in rows
    assert ("EMAIL_ADDRESS", "tt@163.com", "tt**@1**.com") in rows
    assert ("CN_ADDRESS", "浙江省杭州市西湖区文三路90号1幢", "浙江省杭州市西湖区****") in rows
    assert ("BANK_CARD", "6222021234561234", "622202******1234") in rows
    assert ("CN_NAME", "张三", "张*") in rows
    assert ("CN_NAME", "欧阳娜娜", "欧阳**") in rows


def test_display_is_the_default(display: Masker) -> None:
    assert DEFAULT_PROFILE == "display"
    assert Masker().policy.policy is PROFILES["display"]
    assert (
        Masker().mask("手机 13812341050，邮箱 tt@163.com") == "手机 ******1050，邮箱 tt**@1**.com"
    )


def test_display_unknown_entity_gets_its_tag(display: Masker) -> None:
    assert display.mask_value("whatever", "SOME_OTHER") == "<SOME_OTHER>"


def test_mask_value_counts_entities_and_operators() -> None:
    masker = Masker("display")
    masker.mask_value("13812341050", "CN_MOBILE")
    masker.mask_value("tt@163.com", "EMAIL_ADDRESS")
    assert masker.stats["entity:CN_MOBILE"] == 1
    assert masker.stats["operator:email"] == 1
    assert all("13812341050" not in k for k in masker.stats)


# -- built-in profiles --------------------------------------------------------------------


@pytest.mark.parametrize("name", sorted(PROFILES))
def test_every_builtin_profile_loads(name: str) -> None:
    policy = load_policy(name)
    assert isinstance(policy, Policy)
    assert policy.name == name
    assert policy.description
    needs_key = any(
        rule.operator in KEYED
        for rule in (policy.default, *policy.entities.values(), *policy.fields.values())
    )
    if needs_key and not set(operator_classes()) >= KEYED:
        pytest.skip("keyed operators not available yet")
    masker = Masker(name, env=KEY_ENV)
    for entity, example in EXAMPLES.items():
        out = masker.mask_value(example, entity)
        assert isinstance(out, str)
        assert out != example, (name, entity)


@pytest.mark.parametrize("name", sorted(n for n, p in PROFILES.items() if n not in KEYED))
def test_keyless_profiles_need_no_key(name: str) -> None:
    Masker(name)  # the default env raises when asked for a key


@pytest.mark.parametrize("name", sorted(KEYED))
def test_keyed_profiles_fail_early_without_a_key(name: str) -> None:
    if name not in operator_classes():
        pytest.skip(f"operator {name} not available yet")
    with pytest.raises(UsageError, match="key"):
        Masker(name)


def test_builtin_profiles_carry_the_sensitive_keys() -> None:
    for policy in PROFILES.values():
        assert policy.keys.get("password") == "SECRET"
        assert policy.keys.get("phone") == "CN_MOBILE"


def test_strict_profile_tags_everything() -> None:
    strict = Masker("strict")
    for entity, example in EXAMPLES.items():
        assert strict.mask_value(example, entity) == f"<{entity}>"


def test_hutool_profile_mobile_and_id_differ_from_display() -> None:
    # standards.md §2: Hutool masks a mobile first 3 + last 4, an ID first 1 + last 2.
    hutool = Masker("hutool")
    assert hutool.mask_value("13812341050", "CN_MOBILE") == "138****1050"
    assert hutool.mask_value("11010519491231002X", "CN_ID_CARD") == "1***************2X"


def test_display_covers_every_example_entity() -> None:
    display = PROFILES["display"]
    assert set(EXAMPLES) <= set(display.entities)


def test_unknown_profile_lists_builtins() -> None:
    with pytest.raises(UsageError, match="display") as info:
        load_policy("no-such-profile")
    assert "strict" in str(info.value)


# -- policy files -------------------------------------------------------------------------


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


POLICY = """
base = "display"
description = "orders team"

[entities.CN_MOBILE]
operator = "keep_ends"
first = 3
last = 4

[fields."order.remark"]
operator = "tag"

[fields."*_remark"]
operator = "remove"

[keys]
buyer_tel = "CN_MOBILE"
password = false
"""


@pytest.fixture
def policy_file(tmp_path: Path) -> Path:
    return write(tmp_path, "orders.toml", POLICY)


def test_policy_file_entity_rule(policy_file: Path) -> None:
    masker = Masker(policy_file)
    assert masker.mask_value("13812341050", "CN_MOBILE") == "138****1050"
    # everything else still comes from the base
    assert masker.mask_value("tt@163.com", "EMAIL_ADDRESS") == "tt**@1**.com"
    assert masker.mask_value("6222021234561234", "BANK_CARD") == "622202******1234"
    assert masker.policy.policy.description == "orders team"


def test_policy_file_as_string_path(policy_file: Path) -> None:
    assert Masker(str(policy_file)).mask_value("13812341050", "CN_MOBILE") == "138****1050"


def test_policy_file_field_rules(policy_file: Path) -> None:
    masker = Masker(policy_file)
    assert masker.mask_value("13812341050", "CN_MOBILE", field="order.remark") == "<CN_MOBILE>"
    # case-insensitive
    assert masker.mask_value("13812341050", "CN_MOBILE", field="Order.Remark") == "<CN_MOBILE>"
    # glob, on the full path
    assert masker.mask_value("13812341050", "CN_MOBILE", field="buyer_remark") == ""
    assert masker.mask_value("13812341050", "CN_MOBILE", field="t.buyer_remark") == ""
    # a field without a rule falls back to the entity rule
    assert masker.mask_value("13812341050", "CN_MOBILE", field="remarks") == "138****1050"
    assert masker.mask_value("13812341050", "CN_MOBILE", field="user.remark") == "138****1050"


def test_field_rule_by_last_key(tmp_path: Path) -> None:
    path = write(tmp_path, "p.toml", '[fields.remark]\noperator = "tag"\n')
    masker = Masker(path)
    assert masker.mask_value("13812341050", "CN_MOBILE", field="order.remark") == "<CN_MOBILE>"
    assert masker.mask_value("13812341050", "CN_MOBILE", field="remark") == "<CN_MOBILE>"


def test_field_rules_apply_to_keys_in_lines(policy_file: Path) -> None:
    masker = Masker(policy_file)
    assert masker.mask_lines(["order.remark=电话13812341050 other=x"]) == [
        "order.remark=电话<CN_MOBILE> other=x"
    ]
    assert masker.mask_lines(['{"buyer_remark": "电话13812341050", "x": 1}']) == [
        '{"buyer_remark": "电话", "x": 1}'
    ]
    assert masker.mask_lines(["电话13812341050"], fields=["order.remark"]) == ["电话<CN_MOBILE>"]


def test_field_rule_by_path_in_nested_json(policy_file: Path) -> None:
    masker = Masker(policy_file)
    assert masker.mask_lines(['{"order": {"remark": "电话13812341050"}}']) == [
        '{"order": {"remark": "电话<CN_MOBILE>"}}'
    ]
    assert masker.mask_record({"order": {"remark": "电话13812341050"}}) == {
        "order": {"remark": "电话<CN_MOBILE>"}
    }


def test_policy_file_keys(policy_file: Path) -> None:
    masker = Masker(policy_file)
    assert masker.policy.entity_of_key("buyer_tel") == "CN_MOBILE"
    assert masker.policy.entity_of_key("BuyerTel") == "CN_MOBILE"  # canonical form
    assert masker.policy.entity_of_key("order.buyer-tel") == "CN_MOBILE"
    assert masker.policy.entity_of_key("password") is None  # dropped with false
    assert masker.policy.entity_of_key("pwd") == "SECRET"  # other inherited keys stay
    # a value under the new key is masked whatever it looks like
    assert masker.mask_lines(["buyer_tel=abcdefghij"]) == ["buyer_tel=abc***ghij"]
    assert Masker("display").mask_lines(["buyer_tel=abcdefghij"]) == ["buyer_tel=abcdefghij"]


def test_default_rule(tmp_path: Path) -> None:
    path = write(tmp_path, "p.toml", '[default]\noperator = "fixed"\ntext = "[x]"\n')
    masker = Masker(path)
    assert masker.mask_value("anything", "SOME_ENTITY") == "[x]"
    assert masker.mask_value("13812341050", "CN_MOBILE") == "******1050"


def test_base_defaults_to_display(tmp_path: Path) -> None:
    path = write(tmp_path, "p.toml", "")
    masker = Masker(path)
    assert masker.mask_value("13812341050", "CN_MOBILE") == "******1050"
    assert masker.mask_value("x", "SOME_ENTITY") == "<SOME_ENTITY>"


def test_base_builtin_other_than_display(tmp_path: Path) -> None:
    path = write(
        tmp_path, "p.toml", 'base = "strict"\n[entities.EMAIL_ADDRESS]\noperator = "email"\n'
    )
    masker = Masker(path)
    assert masker.mask_value("13812341050", "CN_MOBILE") == "<CN_MOBILE>"
    assert masker.mask_value("tt@163.com", "EMAIL_ADDRESS") == "tt**@1**.com"


def test_entity_names_are_case_insensitive(tmp_path: Path) -> None:
    path = write(tmp_path, "p.toml", '[entities.cn_mobile]\noperator = "tag"\n')
    assert Masker(path).mask_value("13812341050", "CN_MOBILE") == "<CN_MOBILE>"


def test_base_chain_from_another_file(tmp_path: Path, policy_file: Path) -> None:
    sub = tmp_path / "team"
    sub.mkdir()
    child = write(
        sub,
        "child.toml",
        'base = "../orders.toml"\n\n[entities.EMAIL_ADDRESS]\noperator = "mask_before"\nkeep = 1\n',
    )
    masker = Masker(child)
    assert masker.mask_value("tt@163.com", "EMAIL_ADDRESS") == "t*@163.com"
    # inherited from orders.toml, which inherits display
    assert masker.mask_value("13812341050", "CN_MOBILE") == "138****1050"
    assert masker.mask_value("13812341050", "CN_MOBILE", field="order.remark") == "<CN_MOBILE>"
    assert masker.policy.entity_of_key("buyer_tel") == "CN_MOBILE"
    assert masker.policy.entity_of_key("password") is None
    assert masker.mask_value("11010519491231002X", "CN_ID_CARD") == "1****************X"


def test_child_overrides_parent_rule(tmp_path: Path, policy_file: Path) -> None:
    child = write(
        tmp_path, "child.toml", 'base = "orders.toml"\n[entities.CN_MOBILE]\noperator = "tag"\n'
    )
    assert Masker(child).mask_value("13812341050", "CN_MOBILE") == "<CN_MOBILE>"


def test_child_can_restore_a_dropped_key(tmp_path: Path, policy_file: Path) -> None:
    child = write(tmp_path, "child.toml", 'base = "orders.toml"\n[keys]\npassword = "SECRET"\n')
    assert Masker(child).policy.entity_of_key("password") == "SECRET"


def test_base_loop_is_detected(tmp_path: Path) -> None:
    write(tmp_path, "a.toml", 'base = "b.toml"\n')
    write(tmp_path, "b.toml", 'base = "a.toml"\n')
    with pytest.raises(UsageError, match="loop"):
        load_policy(tmp_path / "a.toml")


def test_self_base_is_a_loop(tmp_path: Path) -> None:
    path = write(tmp_path, "self.toml", 'base = "self.toml"\n')
    with pytest.raises(UsageError, match="loop"):
        load_policy(path)


def test_longer_base_loop_is_detected(tmp_path: Path) -> None:
    write(tmp_path, "a.toml", 'base = "b.toml"\n')
    write(tmp_path, "b.toml", 'base = "c.toml"\n')
    write(tmp_path, "c.toml", 'base = "./a.toml"\n')
    with pytest.raises(UsageError, match="loop"):
        Masker(tmp_path / "b.toml")


def test_diamond_is_not_a_loop(tmp_path: Path) -> None:
    write(tmp_path, "root.toml", '[entities.CN_MOBILE]\noperator = "tag"\n')
    write(tmp_path, "left.toml", 'base = "root.toml"\n')
    leaf = write(tmp_path, "leaf.toml", 'base = "left.toml"\n')
    assert Masker(leaf).mask_value("13812341050", "CN_MOBILE") == "<CN_MOBILE>"


@pytest.mark.parametrize(
    ("text", "match"),
    [
        ("[entities.CN_MOBILE\noperator = 'tag'\n", "TOML"),
        ('base = "display\n', "TOML"),
        ("a = 1\na = 2\n", "TOML"),
        ('[entity.CN_MOBILE]\noperator = "tag"\n', "unknown section"),
        ('[rules]\nx = 1\n[keys]\nphone = "CN_MOBILE"\n', "unknown section"),
        ("[entities.CN_MOBILE]\nfirst = 3\n", "operator"),
        ("[entities.CN_MOBILE]\noperator = 3\n", "operator"),
        ('[fields."x"]\nkeep = 1\n', "operator"),
        ("[default]\n", "operator"),
        ('entities = "tag"\n', "table"),
        ('fields = ["x"]\n', "table"),
        ("[keys]\nbuyer_tel = 1\n", "buyer_tel"),
        ("[keys]\nbuyer_tel = true\n", "buyer_tel"),
        ('[keys]\nbuyer_tel = ""\n', "buyer_tel"),
        ("base = 3\n", "base"),
        ('base = "no-such-file.toml"\n', "no-such-file"),
    ],
)
def test_bad_policy_files(tmp_path: Path, text: str, match: str) -> None:
    path = write(tmp_path, "bad.toml", text)
    with pytest.raises(UsageError, match=match):
        Masker(path)


def test_policy_file_not_utf8(tmp_path: Path) -> None:
    path = tmp_path / "bad.toml"
    path.write_bytes(b'description = "\xff\xfe"\n')
    with pytest.raises(UsageError):
        load_policy(path)


def test_missing_policy_file(tmp_path: Path) -> None:
    with pytest.raises(UsageError, match="no profile or policy file"):
        Masker(tmp_path / "absent.toml")


@pytest.mark.parametrize(
    ("rule", "match"),
    [
        ('operator = "no_such_operator"', "unknown operator"),
        ('operator = "keep_ends"\nfirst = "3"', "first"),
        ('operator = "keep_ends"\nfrist = 3', "frist"),
        ('operator = "keep_ends"\nchar = "\\""', "mask char"),
        ('operator = "tag"\ntemplate = "{name}"', "template"),
    ],
)
def test_bad_rules_fail_when_the_policy_is_compiled(tmp_path: Path, rule: str, match: str) -> None:
    path = write(tmp_path, "p.toml", f"[entities.CN_MOBILE]\n{rule}\n")
    policy = load_policy(path)  # parsing alone does not build operators
    with pytest.raises(UsageError, match=match):
        policy.compile()
    with pytest.raises(UsageError, match=match):
        Masker(path)


def test_bad_rule_for_an_unused_field_still_fails_early(tmp_path: Path) -> None:
    path = write(tmp_path, "p.toml", '[fields."never.used"]\noperator = "keep_ends"\nfirst = -1\n')
    with pytest.raises(UsageError, match="keep_ends"):
        Masker(path)


@pytest.mark.parametrize("operator", sorted(KEYED))
@pytest.mark.parametrize("where", ["[entities.CN_MOBILE]", "[default]", '[fields."a.b"]'])
def test_keyed_operator_without_key_fails_at_compile(
    tmp_path: Path, operator: str, where: str
) -> None:
    if operator not in operator_classes():
        pytest.skip(f"operator {operator} not available yet")
    path = write(tmp_path, "p.toml", f'{where}\noperator = "{operator}"\n')
    policy = load_policy(path)
    with pytest.raises(UsageError, match="key"):
        policy.compile()
    with pytest.raises(UsageError, match="key"):
        Masker(path)
    # with a key it compiles
    Masker(path, env=KEY_ENV)


# -- Policy objects -----------------------------------------------------------------------


def test_resolution_order_field_then_entity_then_default() -> None:
    policy = Policy(
        "t",
        Rule("fixed"),
        {"CN_MOBILE": Rule("keep_ends", {"first": 3, "last": 4})},
        {"*.phone": Rule("tag")},
    ).compile()
    assert policy.operator_for(MaskContext("CN_MOBILE", "user.phone")).name == "tag"
    assert policy.operator_for(MaskContext("CN_MOBILE", "user.tel")).name == "keep_ends"
    assert policy.operator_for(MaskContext("CN_MOBILE")).name == "keep_ends"
    assert policy.operator_for(MaskContext("EMAIL_ADDRESS")).name == "fixed"
    assert policy.operator_for(MaskContext("EMAIL_ADDRESS", "user.phone")).name == "tag"


def test_derive_leaves_the_base_alone() -> None:
    base = PROFILES["display"]
    before = (dict(base.entities), dict(base.fields), dict(base.keys))
    base.derive({"entities": {"CN_MOBILE": {"operator": "tag"}}, "keys": {"phone": False}}, "x")
    assert (dict(base.entities), dict(base.fields), dict(base.keys)) == before


@pytest.mark.parametrize(
    "rule",
    [
        Rule("tag"),
        Rule("keep_ends", {"first": 3, "last": 4, "char": "#"}),
        Rule("tag", {"template": 'a"b\\c'}),
        Rule("x", {"flag": True, "ratio": 0.5, "n": -2}),
    ],
)
def test_rule_to_toml_round_trips(rule: Rule) -> None:
    table = tomllib.loads(rule.to_toml())
    assert Rule.parse(table, "t") == Rule(rule.operator, dict(rule.params))
