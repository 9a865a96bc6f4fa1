"""Download a sample's input file over HTTP(S), resuming an interrupted transfer, and check its MD5.

The bytes go to `path + ".part"`; an interrupted run leaves that file, and the next run asks the server
for the rest (an HTTP Range request). Only a complete file whose checksum matches is renamed to `path`,
so a file under its final name is always whole::

    fetch("https://zenodo.org/records/4536377/files/events_anomalydetection_v2.h5", "data/x.h5", md5)
"""

import hashlib
import os
import sys

import requests
from tqdm import tqdm

from dijetgen.errors import InputError

BLOCK = 1 << 16  # bytes per write: an interruption loses less than one block


def md5sum(path: str) -> str:
    digest = hashlib.md5()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(BLOCK), b""):
            digest.update(block)
    return digest.hexdigest()


def _download(url: str, part: str, timeout: float) -> None:
    """Append the rest of `url` to `part`, from the size it already has."""
    done = os.path.getsize(part) if os.path.exists(part) else 0
    headers = {"Range": f"bytes={done}-"} if done else {}
    with requests.get(url, headers=headers, stream=True, timeout=timeout) as response:
        if response.status_code == 416:  # nothing left to send: the part file is already whole
            return
        response.raise_for_status()
        if done and response.status_code != 206:  # the server ignored the Range header: start over
            done = 0
        total = int(response.headers.get("Content-Length", 0)) + done or None
        with (
            open(part, "ab" if done else "wb") as out,
            tqdm(total=total, initial=done, unit="B", unit_scale=True, file=sys.stderr, mininterval=5) as bar,
        ):
            for block in response.iter_content(BLOCK):
                out.write(block)
                bar.update(len(block))
        if total is not None and os.path.getsize(part) != total:
            raise OSError(f"connection closed after {os.path.getsize(part)} of {total} bytes")


def fetch(url: str, path: str, md5: str | None, where: str, timeout: float = 60.0) -> None:
    """Download `url` to `path` (resuming a previous attempt), check `md5` if given; `where` names the key."""
    part = f"{path}.part"
    os.makedirs(os.path.dirname(path) or ".", exist_ok=True)
    try:
        _download(url, part, timeout)
    except (requests.RequestException, OSError) as err:
        raise InputError(f"{url}: download interrupted ({err}); run again to resume") from err
    if md5 is not None:
        found = md5sum(part)
        if found != md5.lower():
            os.remove(part)
            raise InputError(f"{url}: MD5 {found} does not match {where}.md5 {md5}; the download was removed")
    os.replace(part, path)
