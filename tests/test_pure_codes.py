"""Public codes are read aloud and typed from posters: no look-alike characters, and still unguessable."""

import math

from feedback.models.catalogue import PUBLIC_CODE_ALPHABET, PUBLIC_CODE_LENGTH, new_public_code


def test_codes_avoid_look_alike_characters_and_carry_over_60_bits():
    codes = {new_public_code() for _ in range(2000)}
    assert len(codes) == 2000
    assert all(len(c) == PUBLIC_CODE_LENGTH and set(c) <= set(PUBLIC_CODE_ALPHABET) for c in codes)
    assert not set("0o1li") & set("".join(codes))
    assert PUBLIC_CODE_LENGTH * math.log2(len(PUBLIC_CODE_ALPHABET)) > 60
