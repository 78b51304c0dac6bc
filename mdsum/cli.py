"""Thin CLI: parse, call a library function that returns data, print, set the exit code."""

from __future__ import annotations

import contextlib
import functools
import os
import signal
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from enum import Enum
from pathlib import Path
from typing import Annotated, Any, Optional

import typer
from rich.console import Console

from mdsum import __version__
from mdsum.errors import MdsumError, OutputError

app = typer.Typer(add_completion=False, no_args_is_help=True, pretty_exceptions_enable=False,
                  help="Multi-document news summaries in which every sentence cites its sources.")
err = Console(stderr=True)


class Format(str, Enum):
    md = "md"
    json = "json"
    html = "html"


class Engine(str, Enum):
    local = "local"
    ray = "ray"


def _version(value: bool) -> None:
    if value:
        typer.echo(f"mdsum {__version__}")
        raise typer.Exit()


@app.callback()
def _root(version: Annotated[Optional[bool], typer.Option("--version", callback=_version, is_eager=True,  # noqa: UP045
                                                           help="Print the version and exit.")] = None) -> None:
    """mdsum: one neutral, cited summary per news story."""


class CtrlC:
    """Ctrl-C, latched. The handler raises ``KeyboardInterrupt`` as Python's own does, and remembers it. A Ctrl-C
    that lands in transformers' lazy imports while a model loads can come out as an unrelated error (``cannot load
    embedding model …: Could not import module 'TrainerCallback'``, exit 1) or vanish (the run went on and exited
    0): :meth:`check` raises again at the next progress step and before any output is written, and ``main``
    reports any error after a Ctrl-C as the interruption."""

    def __init__(self) -> None:
        self.pressed = False

    def __call__(self, signum: int, frame: object) -> None:
        self.pressed = True
        raise KeyboardInterrupt

    def check(self) -> None:
        if self.pressed:
            raise KeyboardInterrupt

    @contextlib.contextmanager
    def installed(self) -> Iterator[None]:
        """The handler for the block (main thread only: Python allows signal handlers nowhere else)."""
        self.pressed = False
        if threading.current_thread() is not threading.main_thread():
            yield
            return
        previous = signal.signal(signal.SIGINT, self)
        try:
            yield
        finally:
            signal.signal(signal.SIGINT, previous)


CTRL_C = CtrlC()


class Interrupted(Exception):
    """Ctrl-C inside a command, with what became of its output (typer would turn it into a bare exit 130)."""


def interruptible(note: str):  # noqa: ANN201 - a decorator
    """Turn Ctrl-C inside the command into :class:`Interrupted` carrying ``note`` (one line for the user)."""

    def wrap(fn):  # noqa: ANN001,ANN202
        @functools.wraps(fn)
        def inner(*args, **kwargs):  # noqa: ANN002,ANN003,ANN202
            try:
                return fn(*args, **kwargs)
            except KeyboardInterrupt:
                raise Interrupted(note) from None

        return inner

    return wrap


@app.command()
@interruptible("nothing was written")
def summarize(
    folder: Annotated[Path, typer.Argument(help="Folder (or file) of articles: .txt .md .html .json .jsonl")],
    config: Annotated[Optional[Path], typer.Option("--config", "-c", help="YAML config (default: packaged)")] = None,  # noqa: UP045
    fmt: Annotated[Format, typer.Option("--format", "-f", help="Output format")] = Format.md,
    out: Annotated[Optional[Path], typer.Option("--out", "-o", help="Write here instead of stdout")] = None,  # noqa: UP045
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress or input report")] = False,
    engine: Annotated[Engine, typer.Option("--engine", help="Where stories are summarised: here, or on Ray "
                                                            "actors (pip install 'mdsum\\[ray]'); same output")]
    = Engine.local,
    workers: Annotated[Optional[int], typer.Option("--workers", min=1,  # noqa: UP045
                                                   help="Ray actors (default: one per CPU)")] = None,
    address: Annotated[Optional[str], typer.Option("--address", help="A running Ray cluster ('auto' or host:port); "  # noqa: UP045
                                                                      "default: a local Ray for this run")] = None,
) -> None:
    """Summarise FOLDER: one cited summary per story."""
    from mdsum import render
    from mdsum.outcome import empty_reason
    from mdsum.pipeline import Pipeline

    if out is not None:
        check_writable(out)  # fail before the slow part, not after it
    pipeline = Pipeline.from_config(config)  # every model reference is checked here, before any work
    with Progress(quiet) as progress:
        result = pipeline.summarize_folder(folder, progress, engine.value, workers, address)
    CTRL_C.check()  # a Ctrl-C that some library swallowed still means: write nothing
    text = {"md": render.to_markdown, "json": render.to_json, "html": render.to_html}[fmt.value](result)
    if out is None:
        sys.stdout.write(text if text.endswith("\n") else text + "\n")
    else:
        render.write_atomic(out, text)
    for n, sr in enumerate(result.stories, start=1):  # some stories empty, others not: say which and why
        if not sr.summary.sentences:
            why = empty_reason(sr, result.sentences_of(sr.story.doc_ids), pipeline.filter)
            err.print(f"[yellow]warning:[/yellow] story {n} has no summary: {why}", highlight=False, soft_wrap=True)
    if not quiet:
        # Markdown on stdout already lists skipped files; elsewhere say so on stderr.
        _report_inputs(result, out, list_skipped=out is not None or fmt is not Format.md)


def check_writable(out: Path) -> None:
    """Fail before any work when ``out`` cannot be written: create (and remove) a temp file beside it."""
    parent = out.parent if str(out.parent) else Path(".")
    if out.is_dir():
        raise OutputError(f"output path {out} is a folder; give a file name, e.g. {out / 'summary.md'}")
    if not parent.is_dir():
        raise OutputError(f"cannot write {out}: folder {parent} does not exist; create it or choose another --out")
    if out.exists() and not os.access(out, os.W_OK):
        raise OutputError(f"cannot write {out}: permission denied; choose another --out")
    try:  # os.access says yes under /proc, on read-only mounts and for root; only a real write tells
        fd, probe = tempfile.mkstemp(dir=parent, prefix=f".{out.name}.", suffix=".probe")
        os.close(fd)
        os.unlink(probe)
    except OSError as e:
        raise OutputError(f"cannot write {out}: creating a file in {parent} failed ({e.strerror or e}); "
                          f"choose another --out") from None


def _report_inputs(result, out: Path | None, list_skipped: bool) -> None:  # noqa: ANN001 - mdsum.types.Result
    m = result.manifest
    err.print(f"[dim]{len(m.read)} file(s) read, {len(m.skipped)} skipped, "
              f"{len(result.documents)} article(s), {len(result.stories)} story(ies)"
              + (f"; wrote {out}" if out else "") + "[/dim]")
    for f in m.skipped if list_skipped else ():
        err.print(f"[yellow]skipped[/yellow] {f.path}: {f.reason}", highlight=False)


class Progress:
    """Progress on stderr from the pipeline's (stage, done, total) callback: a rich bar on a terminal, otherwise
    (CI, pipes, logs) one plain line when a stage starts or ends and at most every ``interval`` seconds between."""

    def __init__(self, quiet: bool, interval: float = 5.0, console: Console | None = None,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.console = console or err
        self.quiet = quiet
        self.interval = interval
        self.clock = clock
        self._bar: Any = None
        self._tasks: dict[str, int] = {}
        self._last: tuple[str, float] = ("", 0.0)
        self._started: dict[str, float] = {}

    def __enter__(self) -> Progress:
        if not self.quiet and self.console.is_terminal:
            from rich.progress import Progress as Bar

            self._bar = Bar(console=self.console, transient=True)
            self._bar.start()
        return self

    def __call__(self, stage: str, done: int, total: int) -> None:
        CTRL_C.check()  # every stage reports here: a swallowed Ctrl-C takes effect at its next step
        if self.quiet:
            return
        if self._bar is not None:
            if stage not in self._tasks:
                self._tasks[stage] = self._bar.add_task(stage, total=max(total, 1))
            self._bar.update(self._tasks[stage], completed=done, total=max(total, 1))
            return
        now = self.clock()
        start = self._started.setdefault(stage, now)
        last_stage, last_time = self._last
        if stage != last_stage or done >= total or now - last_time >= self.interval:
            self.console.print(f"mdsum: {stage} {done}/{total}{_timing(now - start, done, total)}",
                               highlight=False, markup=False)
            self._last = (stage, now)

    def __exit__(self, *exc: object) -> None:
        if self._bar is not None:
            self._bar.stop()


def _timing(elapsed: float, done: int, total: int) -> str:
    """" (12 s, about 18 s left)": elapsed time, and the rest at the rate so far (none before the first item)."""
    if done <= 0:
        return ""
    if done >= total:
        return f" ({elapsed:.0f} s)"
    return f" ({elapsed:.0f} s, about {elapsed * (total - done) / done:.0f} s left)"


config_app = typer.Typer(no_args_is_help=True, help="Inspect configs.")
app.add_typer(config_app, name="config")


@config_app.command("show")
def config_show(
    config: Annotated[Optional[Path], typer.Option("--config", "-c", help="YAML config (default: packaged)")] = None,  # noqa: UP045
) -> None:
    """Print the effective config: the file's settings over the packaged default, every argument filled in."""
    from mdsum.config import load_config

    cfg = load_config(config)
    typer.echo(f"# effective config from {cfg.origin}; hash {cfg.hash()}\n{cfg.to_yaml()}", nl=False)


def _register_evaluation() -> None:
    try:
        from mdsum.evaluation.commands import register
    except ImportError:  # evaluation extras not present
        return
    register(app, wrap=interruptible("finished items are kept; run the same command again to resume"))


_register_evaluation()


def _click_exception(e: BaseException) -> Any:
    """The exception if it is a click usage/parameter error: click's own, or the copy typer vendors."""
    import click

    kinds: tuple[type, ...] = (click.ClickException,)
    try:
        from typer._click.exceptions import ClickException as VendoredClickException

        kinds += (VendoredClickException,)
    except ImportError:  # older typer uses click itself
        pass
    return e if isinstance(e, kinds) else None


def _is_abort(e: BaseException) -> bool:
    import click

    return isinstance(e, (typer.Abort, click.Abort)) or type(e).__name__ == "Abort"


def main(argv: list[str] | None = None) -> int:
    """Entry point: 0 ok, 1 failure (one line naming the problem), 2 usage error (click's usage line), 130 Ctrl-C.

    Never a traceback for something the user did; ``MDSUM_DEBUG=1`` shows the traceback of an unexpected error.
    """
    try:
        with CTRL_C.installed():
            rv = app(args=argv, standalone_mode=False, prog_name="mdsum")
    except MdsumError as e:
        if CTRL_C.pressed:  # the error came out of the interrupted work (e.g. a model import cut short)
            return _interrupted("nothing was written")
        err.print(f"[red]error:[/red] {e}", highlight=False, soft_wrap=True)
        return 1
    except Interrupted as e:
        return _interrupted(str(e))
    except KeyboardInterrupt:
        return _interrupted("nothing was written")
    except typer.Exit as e:
        return e.exit_code
    except Exception as e:  # noqa: BLE001 - the last line of defence: one line, never a traceback
        if CTRL_C.pressed:
            return _interrupted("nothing was written")
        usage = _click_exception(e)
        if usage is not None:
            usage.show()
            return int(usage.exit_code)
        if _is_abort(e):
            return _interrupted("aborted")
        if os.environ.get("MDSUM_DEBUG"):
            raise
        err.print(f"[red]error:[/red] unexpected {type(e).__name__}: {e} (set MDSUM_DEBUG=1 for the traceback)",
                  highlight=False, soft_wrap=True)
        return 1
    if rv == 130:  # typer turned a Ctrl-C outside our commands (e.g. while parsing) into exit code 130
        return _interrupted("nothing was written")
    return rv if isinstance(rv, int) else 0


def _interrupted(note: str) -> int:
    err.print(f"interrupted: {note}", highlight=False, soft_wrap=True)
    return 130


if __name__ == "__main__":
    sys.exit(main())
