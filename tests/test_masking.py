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


def test_phone_numbers_that_happen_to_pass_luhn_are_not_cards() -> None:
    """One random number in ten passes Luhn: phone numbers must not be refused for it."""
    phones = ["+86 138 0000 1234", "8613800001234", "0086 10 8888 1234", "+8613912345674"]
    assert any(luhn_ok("".join(ch for ch in p if ch.isdigit())) for p in phones)  # the trap is real
    for phone in phones:
        assert find_card_number(f"call back on {phone} before 11:00") is None, phone
    # ...while real card numbers of each network are still caught, however typed
    for card in ("4111 1111 1111 1111", "5500-0000-0000-0004", "378282246310005", "6200 0000 0000 0005",
                 "2221000000000009", "3530111333300000", "6011111111111117"):
        digits = "".join(ch for ch in card if ch.isdigit())
        assert luhn_ok(digits), card
        assert find_card_number(f"card {card}") is not None, card


def test_caller_number_that_passes_luhn_is_stored(tmp_path) -> None:
    from floorconsole.identity import Actor
    from floorconsole.store import Store

    store = Store(tmp_path / "floor.db")
    try:
        esc = store.raise_escalation(callid="1.2", agent="SIP/1", queue="sales", caller="+86 138 0000 1234",
                                        reason="insists on a supervisor", actor=Actor("a", "a", "-"))
        assert esc.caller_masked.endswith("1234")
    finally:
        store.close()
