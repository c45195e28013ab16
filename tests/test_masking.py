from floorconsole.masking import find_card_number, luhn_ok, mask_number


def test_mask_keeps_last_digits_only() -> None:
    assert mask_number("13812345678") == "•••••••5678"
    assert mask_number("+86 138-1234-5678", keep=4) == "•••••••••5678"
    assert mask_number("13812345678", keep=0) == "•" * 11
    assert mask_number("") == "" and mask_number(None) == ""


def test_short_numbers_are_masked_entirely() -> None:
    assert mask_number("1234") == "••••"
    assert mask_number("12", keep=4) == "••"


def test_luhn() -> None:
    assert luhn_ok("4111111111111111")
    assert not luhn_ok("4111111111111112")


def test_card_numbers_found_plain_spaced_dashed() -> None:
    assert find_card_number("card 4111111111111111 ok") == "••••••••••••1111"
    assert find_card_number("card 4111 1111 1111 1111") is not None
    assert find_card_number("card 4111-1111-1111-1111 please") is not None
    assert find_card_number("amex 3782 822463 10005") is not None  # 15 digits, 4-6-5


def test_non_cards_pass() -> None:
    assert find_card_number("caller 13812345678 called twice") is None
    assert find_card_number("4111111111111112") is None  # fails Luhn
    assert find_card_number("call psy1-1292281041.87 on queue 2") is None
    assert find_card_number("13812345678 13912345678") is None  # two phones, 22 digits together
    assert find_card_number("") is None


def test_is_phone_number_accepts_numbers_and_refuses_withheld_ids() -> None:
    from floorconsole.masking import is_phone_number

    assert is_phone_number("+86 138-0013-8000")
    assert is_phone_number("(010) 1234 5678")
    for withheld in ("anonymous", "unknown", "", "()", "138x"):
        assert not is_phone_number(withheld), withheld
