"""Downloads of `url:` samples from a real local HTTP server: whole, resumed, and with a wrong checksum."""

import hashlib
import http.server
import threading

import pandas as pd
import pytest
from conftest import random_lhco_rows, snakemake, write_lhco

from dijetgen.errors import InputError
from dijetgen.fetch import fetch


class RangeHandler(http.server.BaseHTTPRequestHandler):
    """Serves `server.payload` at any path, honours `Range: bytes=N-`, and, while `server.cut_after`
    is set, closes the first response after that many bytes (an interrupted download)."""

    def do_GET(self):
        payload, start = self.server.payload, 0
        requested = self.headers.get("Range")
        self.server.ranges.append(requested)
        if requested:
            start = int(requested.removeprefix("bytes=").rstrip("-"))
            self.send_response(206)
            self.send_header("Content-Range", f"bytes {start}-{len(payload) - 1}/{len(payload)}")
        else:
            self.send_response(200)
        self.send_header("Content-Length", str(len(payload) - start))
        self.end_headers()
        body = payload[start:]
        if self.server.cut_after is not None:
            body, self.server.cut_after = body[: self.server.cut_after], None
            self.close_connection = True
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture
def server():
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), RangeHandler)
    httpd.payload, httpd.cut_after, httpd.ranges = bytes(range(256)) * 4000, None, []
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield httpd
    httpd.shutdown()
    httpd.server_close()


def url(server, name="events.h5"):
    return f"http://127.0.0.1:{server.server_address[1]}/files/{name}?download=1"


def test_download_with_matching_md5(server, tmp_path):
    target = tmp_path / "data/events.h5"
    fetch(url(server), str(target), hashlib.md5(server.payload).hexdigest(), "samples.rnd")
    assert target.read_bytes() == server.payload
    assert list(target.parent.iterdir()) == [target]


def test_wrong_md5_is_one_line_and_leaves_no_file(server, tmp_path):
    target = tmp_path / "data/events.h5"
    with pytest.raises(InputError) as err:
        fetch(url(server), str(target), "0" * 32, "samples.rnd")
    assert "\n" not in str(err.value)
    assert "does not match samples.rnd.md5 " + "0" * 32 in str(err.value)
    assert list(target.parent.iterdir()) == []


def test_interrupted_download_resumes(server, tmp_path):
    target = tmp_path / "data/events.h5"
    server.cut_after = 300_000
    with pytest.raises(InputError, match="download interrupted .*; run again to resume"):
        fetch(url(server), str(target), None, "samples.rnd")
    assert not target.exists()
    kept = (tmp_path / "data/events.h5.part").stat().st_size
    assert 0 < kept <= 300_000  # the whole blocks that arrived
    fetch(url(server), str(target), hashlib.md5(server.payload).hexdigest(), "samples.rnd")
    assert server.ranges == [None, f"bytes={kept}-"]  # the second request asked only for the rest
    assert target.read_bytes() == server.payload


@pytest.mark.slow
def test_workflow_fetches_a_url_sample_and_reports_a_wrong_md5(server, tmp_path):
    rows = random_lhco_rows(20, seed=3)[0]
    server.payload = open(write_lhco(tmp_path / "served.h5", rows), "rb").read()
    md5 = hashlib.md5(server.payload).hexdigest()
    sample = {"source": "lhco", "url": url(server, "rnd.h5"), "md5": md5, "shards": 1}
    config = {"samples": {"rnd": sample}, "train_on": ["rnd"]}
    workdir = tmp_path / "run"
    workdir.mkdir()
    result = snakemake(workdir, config, "results/features/rnd.parquet")
    assert result.returncode == 0, result.stderr[-3000:]
    assert (workdir / "data/rnd.h5").read_bytes() == server.payload
    assert len(pd.read_parquet(workdir / "results/features/rnd.parquet")) > 0

    config["samples"]["rnd"] |= {"url": url(server, "other.h5"), "md5": "f" * 32}
    result = snakemake(workdir, config, "results/features/rnd.parquet")
    assert result.returncode != 0
    errors = {line for line in result.stderr.splitlines() if line.startswith("dijetgen error:")}
    wrong = f"MD5 {md5} does not match samples.rnd.md5 {'f' * 32}; the download was removed"
    assert errors == {f"dijetgen error: {url(server, 'other.h5')}: {wrong}"}
    assert not (workdir / "data/other.h5").exists() and not (workdir / "data/other.h5.part").exists()
