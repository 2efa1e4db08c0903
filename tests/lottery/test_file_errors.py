"""Files that cannot be read at all raise FdjFileError, and the message names the file."""

from __future__ import annotations

import io
import socket
import zipfile
from pathlib import Path

import pytest

from intake.sources import fetch
from lottery.fdj.parse import FdjFileError, iter_csv_members, parse_csv, parse_file, sniff_game
from lottery.games import Game
from tests.conftest import LocalServer, fixture_bytes, shipped_bytes

NAME = "euromillions_broken_9317.csv"
EM_HEADER = fixture_bytes("euromillions/euromillions_202002.csv").split(b"\n", 1)[0] + b"\n"


def zip_of(members: dict[str, bytes]) -> bytes:
    """A zip archive holding ``members``."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("data", "problem"),
    [
        pytest.param(b"", "file is empty", id="empty"),
        pytest.param(b" \r\n\n", "file is empty", id="blank_lines"),
        pytest.param(EM_HEADER, "header only, no draw rows", id="header_only"),
        pytest.param(EM_HEADER + b"\n\n", "header only, no draw rows", id="header_and_blank_lines"),
        pytest.param(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "binary content (NUL bytes)", id="binary"),
        pytest.param(b"name,value\nalpha,1\nbeta,2\n", "not an FDJ draw history", id="random_comma_csv"),
        pytest.param(
            b"date;ball_1;ball_2\n2024-01-01;1;2\n",
            "header starts date, ball_1, ball_2",
            id="random_fdj_like",
        ),
        pytest.param(
            EM_HEADER.replace(b";date_de_tirage;", b";date;") + b"x;y\n",
            "missing column(s) date_de_tirage",
            id="missing_date_column",
        ),
    ],
)
def test_unreadable_csv(data: bytes, problem: str) -> None:
    """Each unreadable CSV says what is wrong and which file it is."""
    with pytest.raises(FdjFileError) as info:
        parse_csv(data, NAME)
    assert NAME in str(info.value)
    assert problem in str(info.value)


def test_bom_only_file_is_a_file_error() -> None:
    """A file holding only a UTF-8 BOM is empty.

    Currently fails: decode() strips the BOM to '', and parse_csv indexes lines[0] of an empty list
    (IndexError instead of FdjFileError).
    """
    with pytest.raises(FdjFileError, match=NAME):
        parse_csv(b"\xef\xbb\xbf", NAME)


def test_other_game_than_expected() -> None:
    """A Loto file where EuroMillions is expected (and the reverse)."""
    loto = fixture_bytes("loto/loto_201911.csv")
    with pytest.raises(FdjFileError, match=r"loto_201911\.csv: is a loto file, expected euromillions"):
        parse_csv(loto, "loto_201911.csv", game=Game.EUROMILLIONS)
    with pytest.raises(FdjFileError, match=r"euromillions\.csv: is a euromillions file, expected loto"):
        parse_file(fixture_bytes("euromillions/euromillions.csv"), "euromillions.csv", game=Game.LOTO)


def test_sniff_game_refuses_a_non_fdj_csv() -> None:
    """Sniffing needs an FDJ header too."""
    with pytest.raises(FdjFileError, match=r"notes\.csv"):
        sniff_game(b"a;b;c\n1;2;3\n", "notes.csv")


@pytest.mark.parametrize(
    ("data", "problem"),
    [
        pytest.param(b"this is not a zip", "not a readable zip archive", id="garbage_named_zip"),
        pytest.param(b"PK\x03\x04" + b"\x00" * 40, "not a readable zip archive", id="truncated_zip"),
        pytest.param(
            zip_of({"readme.txt": b"hello"}), "zip archive holds no .csv file", id="zip_without_csv"
        ),
        pytest.param(zip_of({"euromillions/": b""}), "zip archive holds no .csv file", id="zip_only_folder"),
    ],
)
def test_bad_zip(data: bytes, problem: str) -> None:
    """Archives that hold nothing readable."""
    with pytest.raises(FdjFileError) as info:
        parse_file(data, "euromillions_201902.zip")
    assert "euromillions_201902.zip" in str(info.value)
    assert problem in str(info.value)


def test_zip_member_names_carry_the_archive_name() -> None:
    """Each CSV of an FDJ zip is parsed as 'archive!member', other members ignored."""
    data = zip_of(
        {
            "euromillions_202002.csv": shipped_bytes("euromillions/euromillions_202002.csv"),
            "LISEZMOI.txt": b"FDJ",
        }
    )
    assert [name for name, _ in iter_csv_members(data, "em.zip")] == ["em.zip!euromillions_202002.csv"]
    (parsed,) = parse_file(data, "em.zip")
    assert (parsed.source, len(parsed.draws), parsed.rejects) == ("em.zip!euromillions_202002.csv", 657, [])


def test_zip_with_a_broken_member_names_the_member() -> None:
    """An archive member that is empty fails with archive and member named."""
    data = zip_of({"loto_201902.csv": b""})
    with pytest.raises(FdjFileError, match=r"lot\.zip!loto_201902\.csv: file is empty"):
        parse_file(data, "lot.zip")


def test_missing_file(tmp_path: Path) -> None:
    """A path that does not exist."""
    missing = tmp_path / "nowhere" / "loto_201911.csv"
    with pytest.raises(FdjFileError, match="no such file") as info:
        fetch(str(missing))
    assert str(missing) in str(info.value)


def test_directory_is_not_a_file(tmp_path: Path) -> None:
    """A path that is a directory cannot be read as a file."""
    with pytest.raises(FdjFileError, match="cannot be read") as info:
        fetch(str(tmp_path))
    assert str(tmp_path) in str(info.value)


def test_http_404(http_server: LocalServer) -> None:
    """A URL the server does not have."""
    url = http_server.url("euromillions_209912.zip")
    with pytest.raises(FdjFileError, match="HTTP 404") as info:
        fetch(url)
    assert url in str(info.value)


@pytest.mark.usefixtures("no_proxy")
def test_connection_refused() -> None:
    """Nothing listens on the port: the download error names the URL."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    url = f"http://127.0.0.1:{port}/loto.zip"
    with pytest.raises(FdjFileError, match="download failed") as info:
        fetch(url, timeout_s=5)
    assert url in str(info.value)
