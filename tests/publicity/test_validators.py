"""The credit code check (GB 32100-2015) and the personal-data guard."""

import pytest

from publicity.validators import is_valid_credit_code, looks_like_personal_data

from .conftest import CODE_A, CODE_B, CODE_C


@pytest.mark.parametrize(
    "code",
    ["91350100M000100Y43", CODE_A, CODE_B, CODE_C, "911202223001234561"],
)
def test_it_accepts_credit_codes_with_the_right_check_character(code):
    assert is_valid_credit_code(code)


@pytest.mark.parametrize(
    "code",
    [
        "91350100M000100Y44",  # wrong check character
        "91350100M000100Y4",  # 17 characters
        "91350100M000100Y430",  # 19 characters
        "91350100m000100Y43",  # lower case
        "9135010OM000100Y43",  # letter in the division code
        "91120222MA05K1234I",  # I is not in the alphabet
        "91120222MA05KS234X",  # nor S
        "91１２０２２２MA05K1234X",  # full-width digits in the division code
        "",
    ],
)
def test_it_refuses_malformed_credit_codes(code):
    assert not is_valid_credit_code(code)


@pytest.mark.parametrize(
    "text",
    [
        "张三 120222199001011234",
        "身份证号12022219900101123X",
        "联系电话13812345678",
        "电话：19912345678。",
    ],
)
def test_it_sees_citizen_id_and_mobile_numbers(text):
    assert looks_like_personal_data(text)


@pytest.mark.parametrize(
    "text",
    [
        "武清区某某商贸有限公司",
        "罚款人民币50000元",
        "门店电话022-82123456",
        "编号12812345678",  # 12x is not a mobile prefix
        "统一社会信用代码91350100M000100Y43",
    ],
)
def test_it_leaves_ordinary_text_alone(text):
    assert not looks_like_personal_data(text)


@pytest.mark.parametrize(
    "text",
    [
        "手机 138 1234 5678",
        "联系电话138-1234-5678",
        "电话：+86 138 1234 5678",
        "电话+8613812345678",
        "身份证号 120222 19900101 1234",
        "身份证号120222-19900101-123X",
    ],
)
def test_it_sees_numbers_written_in_groups_or_with_the_country_code(text):
    """How people write a mobile or an ID number by hand: in groups, or with +86."""
    assert looks_like_personal_data(text)


@pytest.mark.parametrize(
    "text",
    [
        "门店电话 022-8212 3456",
        "决定日期 2026-01-15，罚款 1 300 000 元",
        "文号 2026-0013-1234",
    ],
)
def test_grouped_numbers_that_are_no_mobile_or_id_are_left_alone(text):
    assert not looks_like_personal_data(text)


@pytest.mark.parametrize(
    "text",
    [
        "联系电话１３８１２３４５６７８",
        "手机 １３８ １２３４ ５６７８",
        "电话＋８６１３８１２３４５６７８",
        "身份证号１２０２２２１９９００１０１１２３Ｘ",
    ],
)
def test_it_sees_numbers_in_full_width_digits(text):
    """A Chinese input method types full-width digits; they were published."""
    assert looks_like_personal_data(text)
