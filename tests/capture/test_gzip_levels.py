import gzip
import zlib

import pytest

from newsarchive.capture.writer import gzip_member

PAGE = ("<p>" + "A story paragraph, in a page that repeats itself like pages do. " * 400 + "</p>").encode()


@pytest.mark.parametrize("level", range(10))
def test_every_level_writes_one_gzip_member_of_the_data(level):
    member = gzip_member(level)(PAGE)
    assert gzip.decompress(member) == PAGE
    # Exactly one member: nothing follows it.
    reader = zlib.decompressobj(zlib.MAX_WBITS + 16)
    reader.decompress(member)
    assert reader.eof and reader.unused_data == b""


def test_level_zero_stores_and_the_others_compress():
    assert len(gzip_member(0)(PAGE)) > len(PAGE)
    assert all(len(gzip_member(level)(PAGE)) < len(PAGE) // 10 for level in range(1, 10))


@pytest.mark.parametrize("level", [-1, 10])
def test_a_level_out_of_range_is_refused(level):
    with pytest.raises(ValueError, match="0 to 9"):
        gzip_member(level)
