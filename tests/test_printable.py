from floorconsole.printable import printable


def test_plain_text_is_unchanged() -> None:
    assert printable("Wang Fang 王芳 [bold]") == "Wang Fang 王芳 [bold]"


def test_control_characters_become_visible() -> None:
    assert printable("a\x1b[31mred\x07\nb\u202e") == "a\\x1b[31mred\\x07\\x0ab\\u202e"


def test_long_text_is_cut_with_an_ellipsis() -> None:
    assert printable("x" * 50, max_len=10) == "x" * 9 + "…"
