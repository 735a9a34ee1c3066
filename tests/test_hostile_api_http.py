"""Hostile HTTP against the API: bodies, framing, addresses, logs and a server kept busy.

Each refused request answers in one line, with the status the README gives, and changes nothing.
The first tests drive the real app through FastAPI's TestClient; the last ones a real
``samspill serve`` process, because what they check lives in the HTTP server itself (a body that
is never sent, a connection held open, the access log).
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from app_server import free_port, wait_api_ready

from data.models import Viewer

REPO = Path(__file__).resolve().parents[1]
SAMSPILL = [sys.executable, "-c", "import samspill_cli; samspill_cli.main()"]
IDEA = {"title": "Batteridrevne arbeidsbåter", "text": "Vi vil elektrifisere arbeidsbåter med batterier og landstrøm."}


def registered(store) -> tuple:
    """What a refused request must leave as it was: the ideas and the register."""
    return store.ideas(Viewer("snapshot", "adviser")), store.organisations()


def post_raw(api, path: str, body: bytes, name: str = "radgiver", content_type: str = "application/json"):
    headers = {**api.headers_of(name), "Content-Type": content_type}
    return api.post(path, content=body, headers=headers)


# -- bodies that json.loads takes, or fails on without a word --------------------------------------


BODIES = [
    ("a key twice (the last won: an empty idea matched)", "/match",
     b'{"text": "hydrogen til ferjer", "text": ""}', 'the key "text" appears twice in one object'),
    ("NaN as a number", "/match", b'{"text": "hydrogen", "top": NaN}', "NaN is not a number JSON allows"),
    ("-Infinity as an id", "/match", b'{"text": "hydrogen", "id": -Infinity}', "-Infinity is not a number JSON allows"),
    ("1e400 (infinite as a float)", "/match", b'{"text": "hydrogen", "id": 1e400}', "the number 1e400 is out of range"),
    ("a number of 5,000 digits", "/match", b'{"text": "hydrogen", "id": ' + b"9" * 5000 + b"}",
     "a number of more than 4,300 digits"),
    ("arrays nested 100,000 deep", "/match", b'{"text": "x", "kind": ' + b"[" * 100_000 + b"]" * 100_000 + b"}",
     "nested too deeply"),
    ("bytes that are not UTF-8", "/match", b'{"text": "\xff\xfe"}', "not UTF-8 text (byte 0xff at offset 10)"),
    ("UTF-16 (json.loads guessed it)", "/match", '{"text": "hydrogen"}'.encode("utf-16"), "not UTF-8 text"),
    ("a lone surrogate in a key", "/match", b'{"text": "hydrogen", "\\ud800": 1}', "half of a UTF-16 character"),
    ("a lone surrogate in a region (the answer could not be written)", "/match",
     b'{"text": "hydrogen", "region": ["\\udc00"]}', "half of a UTF-16 character"),
    ("a lone surrogate as the organisation of an idea (a 500 from the database)", "/ideas",
     b'{"title": "Ferjer", "text": "Hydrogen til ferjer.", "org_id": "\\ud800"}', "half of a UTF-16 character"),
    ("text after the object", "/match", b'{"text": "hydrogen"} {}', "Extra data (at character 21)"),
    ("no body at all", "/ideas", b"", "the request needs a JSON body"),
    ("null as the body", "/ideas", b"null", "the body must be a JSON object"),
    ("a list as the body", "/match", b"[]", "the body must be a JSON object"),
]


@pytest.mark.parametrize(("path", "body", "expected"), [b[1:] for b in BODIES], ids=[b[0] for b in BODIES])
def test_a_body_json_reads_loosely_is_refused_in_one_line_and_changes_nothing(api, path, body, expected):
    before = registered(api.service.store)
    answer = post_raw(api, path, body)
    assert answer.status_code == 422, answer.text
    detail = answer.json()["detail"]
    assert expected in detail and "\n" not in detail
    assert registered(api.service.store) == before


def test_a_body_that_is_not_json_is_refused_by_its_type(api):
    before = registered(api.service.store)
    for content_type in ("text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x", ""):
        answer = post_raw(api, "/ideas", json.dumps(IDEA).encode(), content_type=content_type)
        assert answer.status_code == 415, (content_type, answer.text)
        assert "Content-Type: application/json" in answer.json()["detail"]
    sent = post_raw(api, "/ideas", json.dumps(IDEA).encode(), content_type="application/json; charset=utf-8")
    assert sent.status_code == 201, sent.text
    assert len(registered(api.service.store)[0]) == len(before[0]) + 1


@pytest.mark.parametrize(
    ("path", "body", "expected"),
    [
        ("/match", {"text": "hydrogen", "region": [f"r{i}" for i in range(101)]}, "region: List should have at most"),
        ("/match", {"text": "hydrogen", "country": ["NO"] * 1000}, "country: List should have at most 100"),
        ("/match", {"text": "hydrogen", "kind": ["company"] * 7}, "kind: List should have at most 6"),
        ("/match", {"text": "hydrogen", "exclude": ["x"] * 10_001}, "exclude: List should have at most 10000"),
        ("/ideas", {**IDEA, "org_id": "sintef", "wanted_kinds": ["company"] * 1000}, "wanted_kinds: List should have"),
    ],
    ids=["101 regions", "1,000 countries", "7 kinds", "10,001 ids to leave out", "1,000 wanted kinds (all stored)"],
)
def test_lists_without_end_are_refused(api, path, body, expected):
    """A million regions held a worker thread for over ten minutes (each is a pass over the register)."""
    before = registered(api.service.store)
    answer = api.post(path, json=body, headers=api.headers_of("radgiver"))
    assert answer.status_code == 422 and expected in answer.json()["detail"], answer.text
    assert registered(api.service.store) == before


def test_the_matcher_itself_refuses_a_hundred_and_one_regions(api):
    from matching.types import MatchingError, MatchQuery

    with pytest.raises(MatchingError, match="at most 100 regions in one query, not 101"):
        api.service.matcher.match(MatchQuery("hydrogen til ferjer", regions=tuple(f"r{i}" for i in range(101))))


def test_a_body_past_the_limit_is_refused(api):
    from api.body import MAX_BODY_BYTES

    before = registered(api.service.store)
    text = "hydrogen " * (MAX_BODY_BYTES // 9 + 1)
    answer = api.post("/match", json={"text": text}, headers=api.headers_of("radgiver"))
    assert answer.status_code == 413 and f"at most {MAX_BODY_BYTES:,}" in answer.json()["detail"]
    assert registered(api.service.store) == before


def test_without_a_token_a_body_is_refused_as_any_request_is(api):
    answer = api.post("/ideas", content=b"x" * 1000, headers={"Content-Type": "text/plain"})
    assert answer.status_code == 401 and answer.headers["www-authenticate"] == "Bearer"
    assert answer.json()["detail"].startswith("a valid API token is required")


def test_the_command_lines_batches_stay_under_the_servers_limit():
    """100 ideas of 100,000 characters (what `match --batch` may send) went as one 10-60 MB request."""
    from api.body import MAX_BODY_BYTES
    from api.client import BATCH_BYTES, batches

    assert BATCH_BYTES <= MAX_BODY_BYTES // 2
    items = [{"id": i, "text": "ø" * 100_000} for i in range(100)]
    parts = list(batches(items))
    assert [i for part in parts for i in part] == items and len(parts) > 1
    assert all(len(json.dumps({"ideas": p}, ensure_ascii=False).encode()) <= MAX_BODY_BYTES for p in parts)


def test_addresses_that_climb_or_hide_characters_find_nothing(api):
    headers = api.headers_of("radgiver")
    for path in ("/organisations/..%2F..%2Fetc%2Fpasswd", "/organisations/%2e%2e", "/organisations/sintef%00",
                 "/organisations/sintef%0d%0aX-Injected:%201", "/organisations/%ed%a0%80"):
        answer = api.get(path, headers=headers)
        assert answer.status_code == 404, (path, answer.text)
        assert "\n" not in answer.json()["detail"] and "X-Injected" not in answer.headers
    assert api.get("/organisations/sintef", headers=headers).status_code == 200


def test_health_answers_head_and_get(api):
    assert api.head("/health").status_code == 200
    assert api.get("/health").json()["status"] == "ok"


def test_drawings_and_reports_beyond_two_at_once_answer_503_at_once(api):
    """Each is seconds of CPU: forty at once (the worker threads) starved every other request."""
    service = api.service
    assert service.renders.acquire(blocking=False) and service.renders.acquire(blocking=False)
    try:
        for path in ("/network/report?format=html", "/network/export?format=png"):
            answer = api.get(path, headers=api.headers_of("bedrift1"))
            assert answer.status_code == 503 and answer.headers["retry-after"] == "30"
            assert "try again" in answer.json()["detail"]
        assert api.get("/network/export?format=csv", headers=api.headers_of("bedrift1")).status_code == 503
    finally:
        service.renders.release()
        service.renders.release()
    assert api.get("/network/export?format=csv", headers=api.headers_of("bedrift1")).status_code == 200


def test_secrets_in_an_address_are_blotted_out_of_log_lines():
    import logging

    from api.logs import RedactSecrets

    token = "ssp_0123456789ab_" + "A" * 43
    record = logging.LogRecord("uvicorn.access", logging.INFO, __file__, 1, '%s - "%s %s HTTP/%s" %d',
                               ("127.0.0.1:5000", "GET", f"/me?access_token={token}&q=sveis", "1.1", 401), None)
    assert RedactSecrets().filter(record)
    line = record.getMessage()
    assert token not in line and "access_token=[redacted]&q=sveis" in line


# -- a real server: what lives in the HTTP server itself -------------------------------------------


@pytest.fixture(scope="module")
def server(sample_db_file, tmp_path_factory):
    """`samspill serve` on a copy of the sample database: {"port", "tokens", "log"}."""
    from data.store import PartnerStore
    from data.tokens import create_token

    folder = tmp_path_factory.mktemp("hostile-server")
    db = folder / "api.duckdb"
    shutil.copy(sample_db_file, db)
    with PartnerStore(db) as store:
        tokens = {name: create_token(store, name)[0] for name in ("radgiver", "bedrift1")}
    port, log_path = free_port(), folder / "server.log"
    env = {**os.environ, "SAMSPILL_SERVER": "", "SAMSPILL_TOKEN": ""}
    with open(log_path, "w") as log:
        proc = subprocess.Popen([*SAMSPILL, "--db", str(db), "serve", "--port", str(port)], cwd=REPO, env=env,
                                stdout=log, stderr=subprocess.STDOUT)
    try:
        wait_api_ready(f"http://127.0.0.1:{port}", proc, log_path)
        yield {"port": port, "tokens": tokens, "log": log_path}
    finally:
        proc.terminate()
        proc.wait(timeout=30)


def _connect(server) -> socket.socket:
    return socket.create_connection(("127.0.0.1", server["port"]), timeout=60)


def _answer(sock: socket.socket) -> tuple[int, bytes]:
    """The status and body of the one answer on ``sock``, read until the server closes it."""
    data = b""
    while chunk := sock.recv(65536):
        data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    return int(head.split(b" ", 2)[1]), body


def _headers(method: str, path: str, *lines: str) -> bytes:
    lines = ("Host: samspill", *lines)
    return (f"{method} {path} HTTP/1.1\r\n" + "".join(f"{line}\r\n" for line in lines) + "\r\n").encode()


def test_a_body_is_refused_before_it_is_sent(server):
    """Before, the server read and parsed a body of any size before it looked at the token: 300 MB
    sent without a token took its memory from 0.4 to 1.35 GB, then got a 401. Now the answer comes
    with no byte of the body sent (a server that waited for it would never answer here)."""
    token = server["tokens"]["radgiver"]
    cases = [
        ((), 401, "a valid API token is required"),
        ((f"Authorization: Bearer {token}",), 413, "the body has 1,073,741,824 bytes; at most 16,777,216"),
        ((f"Authorization: Bearer {token}", "Transfer-Encoding: chunked"), 400, "both Content-Length and"),
    ]
    for extra, status, fragment in cases:
        with _connect(server) as sock:
            sock.sendall(_headers("POST", "/match", "Content-Type: application/json", "Content-Length: 1073741824",
                                  *extra))
            got, body = _answer(sock)  # the server closes the connection after its answer
        assert got == status and fragment in json.loads(body)["detail"], body


def test_a_chunked_body_is_counted_as_it_comes(server):
    token = server["tokens"]["radgiver"]
    with _connect(server) as sock:
        sock.sendall(_headers("POST", "/match", f"Authorization: Bearer {token}", "Content-Type: application/json",
                              "Transfer-Encoding: chunked"))
        chunk = b"a" * (1 << 20)
        try:
            for _ in range(64):
                sock.sendall(b"%x\r\n" % len(chunk) + chunk + b"\r\n")
        except OSError:
            pass  # the server answered and closed while we were still sending
        status, body = _answer(sock)
    assert status == 413 and "more than 16,777,216 bytes" in json.loads(body)["detail"]


def test_clients_holding_connections_open_do_not_hold_up_others(server):
    """Half a request line, headers never finished, a body declared and never sent: each connection
    waits on its own, and a new client is answered meanwhile (the server is one event loop; the
    routes run on worker threads)."""
    token = server["tokens"]["radgiver"]
    held = []
    try:
        for _ in range(50):
            held.append(_connect(server))
            held[-1].sendall(b"GET /health HTTP/1.1\r\nHost: x\r\n")
        body_held = _connect(server)
        held.append(body_held)
        body_held.sendall(_headers("POST", "/match", f"Authorization: Bearer {token}",
                                   "Content-Type: application/json", "Content-Length: 1000") + b'{"text": "hy')
        request = urllib.request.Request(f"http://127.0.0.1:{server['port']}/me",
                                         headers={"Authorization": f"Bearer {token}"})
        with urllib.request.urlopen(request, timeout=60) as answer:
            assert json.loads(answer.read())["username"] == "radgiver"
        with urllib.request.urlopen(f"http://127.0.0.1:{server['port']}/health", timeout=60) as answer:
            assert json.loads(answer.read())["status"] == "ok"
    finally:
        for sock in held:
            sock.close()


def test_a_token_in_the_address_stays_out_of_the_log(server):
    token = server["tokens"]["bedrift1"]
    port = server["port"]
    for path in (f"/me?access_token={token}", f"/organisations/{token}", f"/ideas?api_key={token}&x=1"):
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=60).close()
        except urllib.error.HTTPError as exc:
            assert exc.code == 401
    log = ""
    for _ in range(50):  # uvicorn writes the access line after the answer
        log = server["log"].read_text()
        if "api_key=[redacted]&x=1" in log:
            break
        time.sleep(0.1)
    assert "access_token=[redacted]" in log and "/organisations/[redacted]" in log and "api_key=[redacted]&x=1" in log
    assert token not in log and token.split("_")[2] not in log


@pytest.mark.parametrize(
    ("method", "path", "body", "expected"),
    [
        ("patch", "/organisations/sintef", {"name": "SIN\u0000TEF"}, "name: holds U+0000, a control character, at "
                                                                     "position 4"),
        ("patch", "/organisations/sintef", {"name": "SINTEF\r\n=cmd|' /C calc'!A0"}, "name: holds U+000D"),
        ("patch", "/organisations/sintef", {"region": "Trøndelag\x1b[31m"}, "region: holds U+001B"),
        ("patch", "/organisations/sintef", {"description": "Forskning\x07"}, "description: holds U+0007"),
        ("patch", "/organisations/sintef", {"employees": True}, "employees: Input should be a valid integer"),
        ("post", "/ideas", {**IDEA, "title": "Ferjer\u0000"}, "title: holds U+0000"),
        ("post", "/ideas", {**IDEA, "contact": "ola@example.no\nBcc: alle@example.no"}, "contact: holds U+000A"),
        ("patch", "/ideas/1", {"notes": "ringt\u0008"}, "notes: holds U+0008"),
    ],
    ids=["NUL in a name", "a name over two lines", "an escape sequence in a region", "a bell in a profile",
         "true as a head count (stored as 1)", "NUL in an idea's title", "a contact over two lines",
         "a backspace in notes"],
)
def test_control_characters_are_refused_where_an_import_would_remove_them(api, method, path, body, expected):
    """An import strips control characters; the API stored them as sent."""
    if path == "/ideas/1":
        assert api.post("/ideas", json=IDEA, headers=api.headers_of("radgiver")).status_code == 201
    before = registered(api.service.store)
    answer = getattr(api, method)(path, json=body, headers=api.headers_of("radgiver"))
    assert answer.status_code == 422 and expected in answer.json()["detail"], answer.text
    assert registered(api.service.store) == before


def test_line_breaks_and_tabs_stay_allowed_in_texts_of_several_lines(api):
    answer = api.patch("/organisations/sintef", json={"description": "Forskning.\n\n\tSveising og\r\nmaterialer."},
                       headers=api.headers_of("radgiver"))
    assert answer.status_code == 200 and answer.json()["description"].startswith("Forskning.\n\n\tSveising")
