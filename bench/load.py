"""Load test of the server, not the browsers: N Streamlit sessions over the websocket, no browser.

Usage: .venv/bin/python bench/load.py [--sessions 1,20,50] [--only-trivial] [--no-upload] [--click-at SECONDS]

Starts `streamlit run app.py` on a free port with its own config, database and archive in a
temporary folder (the first start loads the demo data), and the baseline, bench/trivial_app.py
(two pages of 8 st.metric cards behind st.navigation), the same way. Each session speaks
Streamlit's own protocol with its protobuf classes, as the frontend does: a websocket on
/_stcore/stream (subprotocol "streamlit"), a `rerun_script` BackMsg for the default page (the
board), ForwardMsgs read until `script_finished` says FINISHED_SUCCESSFULLY, then a
`rerun_script` with the script hash of one other page (round robin: Community, Advocacy,
Conversion & ROI, Customer value), as a click in the sidebar sends it, and again until finished.

A session counts an error for: a failed connection or timeout, a run that ends otherwise than
successfully (compile error, page not found), an exception element, or an error alert (Legame's
boundary turns an unexpected exception into `st.error`). Times are server-side: from opening the
websocket to the board's script_finished, and from the second rerun_script to its script_finished.

During each Legame run one admin (the sessions are admins: the server listens on 127.0.0.1 and
has no admin password) uploads a posts export (the demo's Meta Business Suite file under new post
ids) through the Upload page the way the browser does: a `file_urls_request` BackMsg, an HTTP PUT
of the file to the URL the server returns (with the XSRF cookie and header), the file uploader's
widget state in a rerun, "Keep it, mixed with my data" for the demo data, then a click on
"Load 1 file". Its time and outcome print below the table, with when the click landed among the boards (the
tail follows it); its errors count in the run's. Where the click lands varies from run to run: `--click-at S`
makes the Upload page ready before the sessions set off and clicks Load S seconds after they do.

The table: sessions ok (no error, both pages finished), errors, p50/p95 seconds of the board and
of the second page, the run's wall time, and the CPU seconds the server process and this client
spent during it (both share the machine's cores: a busy client slows the server it measures), with
the server's per session in milliseconds: on a machine others use too, the figure to compare.

Before measuring, one unmeasured session per page warms each server (its times print as
"first visit"), so N = 1 is a warm board. No timing is asserted anywhere; the ratios to the
trivial app, measured in the same run, are what travel across machines.
"""

from __future__ import annotations

import argparse
import asyncio
import copy
import csv
import io
import os
import secrets
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
import uuid
from dataclasses import dataclass, field
from pathlib import Path

import websockets
import yaml
from streamlit.proto.Alert_pb2 import Alert
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from legame.config import load_config  # noqa: E402

SECOND_PAGES = ["Community", "Advocacy", "Conversion & ROI", "Customer value"]
TRIVIAL_SECOND_PAGES = ["Other"]
UPLOAD_PAGE = "Upload data"
KEEP_DEMO = "Keep it, mixed with my data"
SUCCESS = ForwardMsg.ScriptFinishedStatus.FINISHED_SUCCESSFULLY
EARLY = ForwardMsg.ScriptFinishedStatus.FINISHED_EARLY_FOR_RERUN
FRAGMENT = ForwardMsg.ScriptFinishedStatus.FINISHED_FRAGMENT_RUN_SUCCESSFULLY


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """`streamlit run <script>` on a free port, as tests/browser.py starts it; stopped by stop()."""

    def __init__(self, script: str, folder: Path, flags: list[str], env: dict[str, str]) -> None:
        self.port = _free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log_path = folder / "server.log"
        self.log = open(self.log_path, "w")  # closed in stop()
        environment = {k: v for k, v in os.environ.items() if not k.startswith("LEGAME_")}
        environment.update(env)
        command = [sys.executable, "-m", "streamlit", "run", script, "--server.port", str(self.port)]
        command += ["--server.address", "127.0.0.1", "--server.headless", "true", *flags]
        started = time.perf_counter()
        self.process = subprocess.Popen(
            command,
            cwd=ROOT,
            env=environment,
            stdout=self.log,
            stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + 300
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                break
            try:
                with urllib.request.urlopen(f"{self.url}/_stcore/health", timeout=2) as response:
                    if response.status == 200:
                        self.start_seconds = time.perf_counter() - started
                        return
            except OSError:
                time.sleep(0.3)
        self.stop()
        raise RuntimeError(f"streamlit did not start; see {self.log_path}")

    def cpu_seconds(self) -> float | None:
        """The server process's CPU time so far (user + system; Linux's /proc only)."""
        try:
            fields = Path(f"/proc/{self.process.pid}/stat").read_text().rpartition(")")[2].split()
        except OSError:
            return None
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.log.close()


def legame_server(folder: Path, flags: list[str], db: Path | None = None) -> Server:
    """Legame on a copy of config.yaml in `folder`: database (`db`, else a new one there, which the first
    start fills with the demo data), raw archive and secrets all live there."""
    data = copy.deepcopy(load_config(ROOT / "config.yaml").data)
    data["warehouse"]["demo_dir"] = str(ROOT / "data" / "demo")
    (folder / "config.yaml").write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    env = {
        "LEGAME_CONFIG": str(folder / "config.yaml"),
        "LEGAME_DB": str(db or folder / "load.duckdb"),
        "LEGAME_SECRET": "load-bench",
    }
    return Server("app.py", folder, flags, env)


# --- The protocol -------------------------------------------------------------------------------


@dataclass
class Run:
    """What one script run sent back: the pages, the widgets shown, the errors."""

    pages: dict[str, str] = field(default_factory=dict)  # title -> page_script_hash
    widgets: dict[tuple[str, str], str] = field(default_factory=dict)  # (type, label) -> widget id
    headings: list[str] = field(default_factory=list)
    texts: list[str] = field(default_factory=list)  # success alerts, to report the upload's outcome
    errors: list[str] = field(default_factory=list)
    session_id: str = ""


class Session:
    """One browser tab's worth of Streamlit protocol over a websocket, no browser."""

    def __init__(self, url: str, timeout: float) -> None:
        self.url = url
        self.timeout = timeout
        self.ws: websockets.ClientConnection | None = None
        self.page_hash = ""
        self.session_id = ""

    async def connect(self) -> None:
        ws_url = self.url.replace("http://", "ws://") + "/_stcore/stream"
        # The frontend offers ["streamlit", xsrf token, session id]; the server selects the first.
        self.ws = await websockets.connect(
            ws_url, subprotocols=["streamlit"], origin=self.url, max_size=None, open_timeout=self.timeout
        )

    async def close(self) -> None:
        if self.ws is not None:
            await self.ws.close()

    async def send(self, msg: BackMsg) -> None:
        await self.ws.send(msg.SerializeToString())

    async def rerun(self, page_hash: str | None = None, widgets: list | None = None) -> Run:
        """A rerun_script BackMsg as the frontend sends it; then read until the run finishes."""
        if page_hash is not None:
            self.page_hash = page_hash
        msg = BackMsg()
        state = msg.rerun_script
        # English pages (config.yaml may say Italian): the titles below find pages and widgets by their words.
        state.query_string = "lang=en"
        state.page_script_hash = self.page_hash
        state.page_name = ""
        state.context_info.timezone = "Europe/Rome"
        state.context_info.timezone_offset = -60
        state.context_info.locale = "en-US"
        state.context_info.url = self.url + "/"
        state.context_info.is_embedded = False
        state.context_info.color_scheme = "light"
        for widget in widgets or []:
            state.widget_states.widgets.append(widget)
        await self.send(msg)
        return await asyncio.wait_for(self.until_finished(), self.timeout)

    async def recv(self) -> ForwardMsg:
        msg = ForwardMsg()
        msg.ParseFromString(await self.ws.recv())
        return msg

    async def until_finished(self, run: Run | None = None) -> Run:
        run = run or Run()
        while True:
            msg = await self.recv()
            kind = msg.WhichOneof("type")
            if kind == "new_session":
                self.session_id = run.session_id = msg.new_session.initialize.session_id or self.session_id
            elif kind == "navigation":
                run.pages = {page.page_name: page.page_script_hash for page in msg.navigation.app_pages}
                if msg.navigation.page_script_hash:
                    self.page_hash = msg.navigation.page_script_hash
            elif kind == "delta" and msg.delta.WhichOneof("type") == "new_element":
                _read_element(msg.delta.new_element, run)
            elif kind == "page_not_found":
                run.errors.append(f"page not found: {msg.page_not_found.page_name!r}")
            elif kind == "session_event" and msg.session_event.WhichOneof("type") == "script_compilation_exception":
                run.errors.append(f"compile error: {msg.session_event.script_compilation_exception.message}")
            elif kind == "script_finished":
                if msg.script_finished == SUCCESS:
                    return run
                if msg.script_finished in (EARLY, FRAGMENT):
                    continue  # st.switch_page / st.rerun: another run follows
                run.errors.append(f"script finished with status {msg.script_finished}")
                return run


def _read_element(element, run: Run) -> None:
    kind = element.WhichOneof("type")
    if kind == "exception":
        run.errors.append(f"exception {element.exception.type}: {element.exception.message}")
    elif kind == "alert":
        if element.alert.format == Alert.ERROR:
            run.errors.append(f"error alert: {element.alert.body}")
        elif element.alert.format == Alert.SUCCESS:
            run.texts.append(element.alert.body)
    elif kind == "heading":
        run.headings.append(element.heading.body)
    elif kind in ("file_uploader", "radio", "button"):
        widget = getattr(element, kind)
        run.widgets[(kind, widget.label)] = widget.id


# --- One session, one upload ----------------------------------------------------------------------


@dataclass
class Result:
    board: float | None = None
    second: float | None = None
    errors: list[str] = field(default_factory=list)
    board_done: float = 0.0  # perf_counter() when the board's run finished
    ended: float = 0.0  # perf_counter() when the session closed


async def one_session(url: str, second_page: str, timeout: float) -> Result:
    result = Result()
    session = Session(url, timeout)
    started = time.perf_counter()
    try:
        await session.connect()
        run = await session.rerun()
        result.board_done = time.perf_counter()
        result.board = result.board_done - started
        result.errors += run.errors + _shown(run, "Board")
        if second_page not in run.pages:
            result.errors.append(f"no page {second_page!r} in the navigation ({', '.join(run.pages)})")
            return result
        started = time.perf_counter()
        run = await session.rerun(run.pages[second_page])
        result.second = time.perf_counter() - started
        result.errors += run.errors + _shown(run, second_page)
    except TimeoutError:
        result.errors.append(f"timeout after {timeout:.0f} s")
    except Exception as exc:  # a load test reports what failed and carries on
        result.errors.append(f"{type(exc).__name__}: {exc}")
    finally:
        await session.close()
        result.ended = time.perf_counter()
    return result


def _shown(run: Run, title: str) -> list[str]:
    """No error unless the run showed something other than the page asked for (a sign-in form, a refusal)."""
    return [] if title in run.headings else [f"page {title!r} not shown (headings: {run.headings[:3]})"]


def posts_export(tag: str) -> bytes:
    """The demo's Meta Business Suite posts export (BOM, US dates) as another page's posts with new ids.

    Posts touch no customer, so the upload changes the data version (and so every cache keyed
    on it) without changing what the CLV fit sees.
    """
    text = (ROOT / "data" / "demo" / "meta_posts.csv").read_text(encoding="utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    for i, row in enumerate(rows[1:]):
        row[0], row[1] = f"9{tag}{i:06d}", "Load Bench"
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(rows)
    return "\ufeff".encode() + out.getvalue().encode()


def _xsrf_cookie(url: str) -> str:
    """The XSRF cookie the server sets on any page load, as the browser holds it."""
    with urllib.request.urlopen(f"{url}/_stcore/health", timeout=30) as response:
        for header in response.headers.get_all("Set-Cookie") or []:
            name, _, rest = header.partition("=")
            if name.strip() == "_streamlit_xsrf":
                return rest.split(";")[0]
    return ""


def _put_file(url: str, upload_url: str, name: str, data: bytes) -> int:
    """The browser's PUT of one file: multipart form, the XSRF token in a header and in the cookie."""
    token = _xsrf_cookie(url)
    boundary = f"----legame{secrets.token_hex(8)}"
    body = (
        (
            f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="{name}"\r\n'
            f"Content-Type: text/csv\r\n\r\n"
        ).encode()
        + data
        + f"\r\n--{boundary}--\r\n".encode()
    )
    target = upload_url if upload_url.startswith("http") else url + upload_url
    request = urllib.request.Request(target, data=body, method="PUT")
    request.add_header("Content-Type", f"multipart/form-data; boundary={boundary}")
    if token:
        request.add_header("X-Xsrftoken", token)
        request.add_header("Cookie", f"_streamlit_xsrf={token}")
    with urllib.request.urlopen(request, timeout=120) as response:
        return response.status


@dataclass
class Upload:
    seconds: float | None = None
    load_seconds: float | None = None
    clicked: float = 0.0  # perf_counter() when Load was clicked
    outcome: str = ""
    errors: list[str] = field(default_factory=list)


@dataclass
class Prepared:
    """An admin's Upload page with the file dropped and the demo kept, its Load button not yet clicked (no
    button: the preparation failed, its errors in `upload`)."""

    session: Session
    upload: Upload
    started: float
    widgets: list = field(default_factory=list)  # the file uploader's and the demo choice's states
    button: str = ""


async def prepare_upload(url: str, timeout: float) -> Prepared:
    """Open the Upload page, drop a file, keep the demo data: what an admin's browser sends before Load."""
    prepared = Prepared(Session(url, timeout), Upload(), time.perf_counter())
    try:
        await _drop_file(prepared)
    except TimeoutError:
        prepared.upload.errors.append(f"timeout after {timeout:.0f} s")
    except Exception as exc:  # a load test reports what failed and carries on
        prepared.upload.errors.append(f"{type(exc).__name__}: {exc}")
    return prepared


async def _drop_file(prepared: Prepared) -> None:
    from streamlit.proto.Common_pb2 import UploadedFileInfo
    from streamlit.proto.WidgetStates_pb2 import WidgetState

    session, upload, url = prepared.session, prepared.upload, prepared.session.url
    await session.connect()
    run = await session.rerun()
    if UPLOAD_PAGE not in run.pages:
        upload.errors.append(f"no {UPLOAD_PAGE!r} page: not an admin session ({', '.join(run.pages)})")
        return
    run = await session.rerun(run.pages[UPLOAD_PAGE])
    uploader = run.widgets.get(("file_uploader", "Export files"))
    if uploader is None:
        upload.errors.append("no file uploader on the Upload page")
        return
    tag = f"{secrets.randbelow(10**8):08d}"
    name = f"meta_posts_load_bench_{tag}.csv"
    data = posts_export(tag)
    ask = BackMsg()
    ask.file_urls_request.request_id = uuid.uuid4().hex
    ask.file_urls_request.file_names.append(name)
    ask.file_urls_request.session_id = session.session_id
    await session.send(ask)
    while True:
        msg = await asyncio.wait_for(session.recv(), session.timeout)
        if msg.WhichOneof("type") == "file_urls_response":
            urls = msg.file_urls_response.file_urls[0]
            break
    status = await asyncio.to_thread(_put_file, url, urls.upload_url, name, data)
    if status not in (200, 204):
        upload.errors.append(f"PUT of the file answered {status}")
        return
    files = WidgetState(id=uploader)
    files.file_uploader_state_value.uploaded_file_info.append(
        UploadedFileInfo(name=name, size=len(data), file_id=urls.file_id, file_urls=urls)
    )
    run = await session.rerun(widgets=[files])
    upload.errors += run.errors
    demo = run.widgets.get(("radio", "The demo data"))
    keep = [WidgetState(id=demo, string_value=KEEP_DEMO)] if demo else []
    if demo:
        run = await session.rerun(widgets=[files, *keep])
        upload.errors += run.errors
    button = next(
        (wid for (kind, label), wid in run.widgets.items() if kind == "button" and label == "Load 1 file"), None
    )
    if button is None:
        upload.errors.append("no 'Load 1 file' button: the file was not recognised")
        return
    prepared.widgets, prepared.button = [files, *keep], button


async def admin_upload(url: str, timeout: float, prepared: Prepared | None = None, wait: float = 0.0) -> Upload:
    """Open the Upload page, drop a file, keep the demo data, click Load: what an admin's browser sends.
    `prepared`: a page made ready before (prepare_upload), its Load clicked after `wait` seconds."""
    from streamlit.proto.WidgetStates_pb2 import WidgetState

    prepared = prepared or await prepare_upload(url, timeout)
    upload = prepared.upload
    try:
        if prepared.button:
            await asyncio.sleep(wait)
            upload.clicked = time.perf_counter()
            click = WidgetState(id=prepared.button, trigger_value=True)
            run = await prepared.session.rerun(widgets=[*prepared.widgets, click])
            upload.load_seconds = time.perf_counter() - upload.clicked
            upload.errors += run.errors
            upload.outcome = next((text for text in run.texts if "Loaded as load" in text), "")
            if not upload.outcome:
                upload.errors.append("no 'Loaded as load #' confirmation after Load")
            upload.seconds = time.perf_counter() - prepared.started
    except TimeoutError:
        upload.errors.append(f"timeout after {timeout:.0f} s")
    except Exception as exc:
        upload.errors.append(f"{type(exc).__name__}: {exc}")
    finally:
        await prepared.session.close()
    return upload


# --- Runs and the table ---------------------------------------------------------------------------


@dataclass
class Measured:
    app: str
    n: int
    results: list[Result]
    wall: float
    server_cpu: float | None = None
    client_cpu: float | None = None
    upload: Upload | None = None
    started: float = 0.0  # perf_counter() when the sessions set off

    @property
    def ok(self) -> int:
        return sum(1 for r in self.results if not r.errors and r.second is not None)

    @property
    def errors(self) -> int:
        return sum(len(r.errors) for r in self.results) + (len(self.upload.errors) if self.upload else 0)

    def pct(self, attr: str, q: float) -> float | None:
        values = sorted(getattr(r, attr) for r in self.results if getattr(r, attr) is not None)
        if not values:
            return None
        if len(values) == 1:
            return values[0]
        return statistics.quantiles(values, n=100, method="inclusive")[round(q) - 1]


async def measure(
    app: str, server: Server, n: int, pages: list[str], timeout: float, upload: bool, click_at: float | None = None
) -> Measured:
    """N sessions at once (and the admin's upload alongside): the server's time, and its CPU and ours.

    `click_at`: the admin's Upload page is made ready (file dropped, demo kept) before the sessions set off, and
    Load is clicked `click_at` seconds after they do; otherwise the admin starts from the board with them."""
    sessions = [one_session(server.url, pages[i % len(pages)], timeout) for i in range(n)]
    prepared = await prepare_upload(server.url, timeout) if upload and click_at is not None else None
    server_cpu, client_cpu, started = server.cpu_seconds(), time.process_time(), time.perf_counter()
    if upload:
        uploading = admin_upload(server.url, timeout, prepared, click_at or 0.0)
        *results, uploaded = await asyncio.gather(*sessions, uploading)
    else:
        results, uploaded = await asyncio.gather(*sessions), None
    after = server.cpu_seconds()
    wall = max(r.ended for r in results) - started  # the sessions' wall time; the upload's prints apart
    server_cpu = None if after is None or server_cpu is None else after - server_cpu
    client_cpu = time.process_time() - client_cpu
    return Measured(app, n, list(results), wall, server_cpu, client_cpu, uploaded, started)


async def warm(url: str, pages: list[str], timeout: float) -> tuple[Result, list[Result]]:
    """One session per page, one after the other: the first visit after start, then warm caches."""
    results = [await one_session(url, page, timeout) for page in pages]
    return results[0], results


def _s(value: float | None) -> str:
    return "—" if value is None else f"{value:.2f}"


def _ms(seconds: float | None, sessions: int) -> str:
    """Server CPU per session in milliseconds (two script runs each, and a share of the upload's)."""
    return "—" if seconds is None or not sessions else f"{seconds / sessions * 1000:.0f}"


def _ratio(a: float | None, b: float | None) -> str:
    return "—" if a is None or not b else f"{a / b:.1f}x"


def upload_timeline(m: Measured) -> str:
    """When the Load click landed among the sessions, and the boards on either side of it: the tail follows it."""
    u = m.upload
    if not u.clicked or u.load_seconds is None:
        return "  the Load click never came"
    boards = [r for r in m.results if r.board is not None]
    before = sorted(r.board for r in boards if r.board_done <= u.clicked)
    after = sorted(r.board for r in boards if r.board_done > u.clicked)
    last = max((r.board_done for r in boards), default=m.started)

    def spread(values: list[float]) -> str:
        return f"{len(values)} (median {_s(statistics.median(values))} s, max {_s(values[-1])} s)" if values else "0"

    return (
        f"  Load clicked at +{u.clicked - m.started:.2f} s, finished at +{u.clicked + u.load_seconds - m.started:.2f} s"
        f" (the last board finished at +{last - m.started:.2f} s); boards finished before the click: {spread(before)},"
        f" after it: {spread(after)}"
    )


def print_table(rows: list[Measured]) -> None:
    header = (
        f"{'app':<8} {'N':>3} {'ok':>4} {'errors':>6} {'board p50':>9} {'p95':>6} "
        f"{'page2 p50':>9} {'p95':>6} {'wall s':>7} {'srv cpu':>7} {'ms/ses':>6} {'cli cpu':>7}"
    )
    print(header)
    print("-" * len(header))
    for m in rows:
        print(
            f"{m.app:<8} {m.n:>3} {m.ok:>4} {m.errors:>6} {_s(m.pct('board', 50)):>9} {_s(m.pct('board', 95)):>6} "
            f"{_s(m.pct('second', 50)):>9} {_s(m.pct('second', 95)):>6} {_s(m.wall):>7} "
            f"{_s(m.server_cpu):>7} {_ms(m.server_cpu, m.n):>6} {_s(m.client_cpu):>7}"
        )


def print_ratios(rows: list[Measured]) -> None:
    trivial = {m.n: m for m in rows if m.app == "trivial"}
    pairs = [(m, trivial[m.n]) for m in rows if m.app == "legame" and m.n in trivial]
    if not pairs:
        return
    uploads = " (Legame's server CPU includes the admin's upload)" if any(m.upload for m, _ in pairs) else ""
    print(f"\nLegame / trivial app, same run{uploads}:")
    for m, t in pairs:
        print(
            f"  N={m.n:<3} board p50 {_ratio(m.pct('board', 50), t.pct('board', 50))}, "
            f"p95 {_ratio(m.pct('board', 95), t.pct('board', 95))}; "
            f"second page p50 {_ratio(m.pct('second', 50), t.pct('second', 50))}, "
            f"p95 {_ratio(m.pct('second', 95), t.pct('second', 95))}; wall {_ratio(m.wall, t.wall)}; "
            f"server CPU {_ratio(m.server_cpu, t.server_cpu)}"
        )


async def bench_app(app: str, server: Server, sizes: list[int], pages: list[str], args) -> list[Measured]:
    first, warmed = await warm(server.url, pages, args.timeout)
    print(
        f"{app}: server up in {server.start_seconds:.1f} s; first visit board {_s(first.board)} s, "
        + ", ".join(f"{page} {_s(r.second)} s" for page, r in zip(pages, warmed, strict=True))
        + (f"; errors: {[e for r in warmed for e in r.errors]}" if any(r.errors for r in warmed) else ""),
        flush=True,
    )
    rows = []
    for n in sizes:
        upload = app == "legame" and not args.no_upload
        rows.append(await measure(app, server, n, pages, args.timeout, upload, args.click_at))
        m = rows[-1]
        print(f"{app}: N={n} done in {m.wall:.1f} s, {m.errors} errors", flush=True)
    return rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sessions", default="1,20,50", help="comma-separated session counts (default 1,20,50)")
    parser.add_argument("--only-trivial", action="store_true", help="measure the trivial app only (a smoke run)")
    parser.add_argument("--no-upload", action="store_true", help="no admin upload during Legame's runs")
    parser.add_argument(
        "--click-at",
        type=float,
        default=None,
        help="the admin's upload made ready before the sessions, its Load clicked this many seconds after they set "
        "off (default: the admin starts with the sessions, and the click lands wherever it does)",
    )
    parser.add_argument("--timeout", type=float, default=300, help="seconds one script run may take (default 300)")
    parser.add_argument(
        "--flag",
        action="append",
        default=[],
        help="extra `streamlit run` flag for both servers, e.g. --flag=--server.fileWatcherType=none",
    )
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder (server logs, database)")
    args = parser.parse_args(argv)
    sizes = [int(n) for n in args.sessions.split(",") if n.strip()]
    folder = Path(tempfile.mkdtemp(prefix="legame-load-"))
    rows: list[Measured] = []
    try:
        apps = [("trivial", lambda f: Server("bench/trivial_app.py", f, args.flag, {}), TRIVIAL_SECOND_PAGES)]
        if not args.only_trivial:
            apps.append(("legame", lambda f: legame_server(f, args.flag), SECOND_PAGES))
        for app, start, pages in apps:
            (folder / app).mkdir()
            server = start(folder / app)
            try:
                rows += asyncio.run(bench_app(app, server, sizes, pages, args))
            finally:
                server.stop()
        print()
        print_table(rows)
        print_ratios(rows)
        for m in rows:
            if m.upload:
                u = m.upload
                print(
                    f"\nUpload during legame N={m.n}: {_s(u.seconds)} s in all, "
                    f"Load click to finished {_s(u.load_seconds)} s" + (f": {u.outcome}" if u.outcome else "")
                )
                print(upload_timeline(m))
        for m in rows:
            shown = [e for r in m.results for e in r.errors] + (m.upload.errors if m.upload else [])
            for error in sorted(set(shown))[:10]:
                print(f"error ({m.app} N={m.n}): {error}")
    finally:
        if args.keep:
            print(f"\nServer logs and databases kept in {folder}")
        else:
            shutil.rmtree(folder, ignore_errors=True)
    return 1 if any(m.errors for m in rows) else 0


if __name__ == "__main__":
    sys.exit(main())
