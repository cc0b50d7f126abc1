import pytest
from django.core.exceptions import ValidationError

from vouchers import serials


def test_new_serials_are_valid_and_shaped():
    for _ in range(200):
        serial = serials.new_serial()
        assert len(serial) == 12 and serial.startswith("PN")
        assert serials.parse_serial(serial) == serial
    book = serials.new_serial(serials.BOOK_PREFIX)
    assert book.startswith("CN") and serials.is_valid_serial(book)


def test_every_single_substitution_is_caught():
    serial = serials.new_serial()
    for index, original in enumerate(serial):
        for replacement in serials.ALPHABET:
            if replacement == original:
                continue
            mistyped = serial[:index] + replacement + serial[index + 1 :]
            assert not serials.is_valid_serial(mistyped), mistyped


def test_adjacent_swaps_are_almost_always_caught():
    caught = total = 0
    for _ in range(300):
        serial = serials.new_serial()
        for index in range(len(serial) - 1):
            if serial[index] == serial[index + 1]:
                continue
            swapped = serial[:index] + serial[index + 1] + serial[index] + serial[index + 2 :]
            total += 1
            caught += not serials.is_valid_serial(swapped)
    assert caught / total > 0.95


def test_input_is_forgiving_about_case_separators_and_look_alikes():
    serial = serials.new_serial()
    typed = serials.format_serial(serial).lower().replace("-", " ")
    assert serials.parse_serial(f"  {typed} ") == serial
    with_zero = "PN00000000" + serials.luhn_check_character("PN00000000")
    assert serials.parse_serial(with_zero.replace("0", "O")) == with_zero


def test_decimal_luhn_for_numeric_serials():
    assert serials.parse_serial("7992-7398-713") == "79927398713"  # the textbook Luhn example
    with pytest.raises(ValidationError) as error:
        serials.parse_serial("79927398710")
    assert error.value.code == "check"


@pytest.mark.parametrize(
    ("text", "code", "words"),
    [
        ("", "empty", "Saisissez le numéro"),
        ("PNU-1234", "characters", "« U »"),
        ("PN1", "length", "de 6 à 32 caractères"),
        ("PNAAAAAAAAAA", "check", "clé de contrôle"),
    ],
)
def test_clear_french_errors(text, code, words):
    with pytest.raises(ValidationError) as error:
        serials.parse_serial(text)
    assert error.value.code == code
    assert words in error.value.messages[0]


def test_format_groups_of_four():
    assert serials.format_serial("PN7K4M2QX9TC") == "PN7K-4M2Q-X9TC"


def test_qr_code_is_inline_svg_of_the_serial():
    serial = serials.new_serial()
    svg = serials.qr_svg(serial)
    assert svg.startswith("<svg") and serials.format_serial(serial) in svg
