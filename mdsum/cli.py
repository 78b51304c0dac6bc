"""Thin CLI: parse, call a library function that returns data, print, set the exit code."""

from __future__ import annotations

import os
import sys
from enum import Enum
from pathlib import Path
from typing import Annotated, Optional

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


def _version(value: bool) -> None:
    if value:
        typer.echo(f"mdsum {__version__}")
        raise typer.Exit()


@app.callback()
def _root(version: Annotated[Optional[bool], typer.Option("--version", callback=_version, is_eager=True,  # noqa: UP045
                                                           help="Print the version and exit.")] = None) -> None:
    """mdsum: one neutral, cited summary per news story."""


@app.command()
def summarize(
    folder: Annotated[Path, typer.Argument(help="Folder (or file) of articles: .txt .md .html .json .jsonl")],
    config: Annotated[Optional[Path], typer.Option("--config", "-c", help="YAML config (default: packaged)")] = None,  # noqa: UP045
    fmt: Annotated[Format, typer.Option("--format", "-f", help="Output format")] = Format.md,
    out: Annotated[Optional[Path], typer.Option("--out", "-o", help="Write here instead of stdout")] = None,  # noqa: UP045
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress or input report")] = False,
) -> None:
    """Summarise FOLDER: one cited summary per story."""
    from mdsum import render
    from mdsum.pipeline import Pipeline

    if out is not None:
        _check_writable(out)  # fail before the slow part, not after it
    pipeline = Pipeline.from_config(config)
    with _progress(quiet) as progress:
        result = pipeline.summarize_folder(folder, progress=progress)
    text = {"md": render.to_markdown, "json": render.to_json, "html": render.to_html}[fmt.value](result)
    if out is None:
        sys.stdout.write(text if text.endswith("\n") else text + "\n")
    else:
        render.write_atomic(out, text)
    if not quiet:
        # Markdown on stdout already lists skipped files; elsewhere say so on stderr.
        _report_inputs(result, out, list_skipped=out is not None or fmt is not Format.md)


def _check_writable(out: Path) -> None:
    parent = out.parent if str(out.parent) else Path(".")
    if out.is_dir():
        raise OutputError(f"output path {out} is a folder; give a file name, e.g. {out / 'summary.md'}")
    if not parent.is_dir():
        raise OutputError(f"cannot write {out}: folder {parent} does not exist; create it or choose another --out")
    if not os.access(parent, os.W_OK) or (out.exists() and not os.access(out, os.W_OK)):
        raise OutputError(f"cannot write {out}: permission denied; choose another --out")


def _report_inputs(result, out: Path | None, list_skipped: bool) -> None:  # noqa: ANN001 - mdsum.types.Result
    m = result.manifest
    err.print(f"[dim]{len(m.read)} file(s) read, {len(m.skipped)} skipped, "
              f"{len(result.documents)} article(s), {len(result.stories)} story(ies)"
              + (f"; wrote {out}" if out else "") + "[/dim]")
    for f in m.skipped if list_skipped else ():
        err.print(f"[yellow]skipped[/yellow] {f.path}: {f.reason}")


class _progress:
    """Rich progress bar on stderr, fed by the pipeline's (stage, done, total) callback."""

    def __init__(self, quiet: bool) -> None:
        self.quiet = quiet or not err.is_terminal
        self._bar = None
        self._tasks: dict[str, int] = {}

    def __enter__(self):  # noqa: ANN204
        if not self.quiet:
            from rich.progress import Progress

            self._bar = Progress(console=err, transient=True)
            self._bar.start()
        return self

    def __call__(self, stage: str, done: int, total: int) -> None:
        if self._bar is None:
            return
        if stage not in self._tasks:
            self._tasks[stage] = self._bar.add_task(stage, total=max(total, 1))
        self._bar.update(self._tasks[stage], completed=done, total=max(total, 1))

    def __exit__(self, *exc: object) -> None:
        if self._bar is not None:
            self._bar.stop()


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
    register(app)


_register_evaluation()


def main(argv: list[str] | None = None) -> int:
    """Entry point; errors become one line on stderr and a non-zero exit, never a traceback."""
    try:
        app(args=argv, standalone_mode=False)
    except MdsumError as e:
        err.print(f"[red]error:[/red] {e}", highlight=False, soft_wrap=True)
        return 1
    except typer.Exit as e:
        return e.exit_code
    except (typer.Abort, KeyboardInterrupt):
        err.print("interrupted; partial evaluation runs resume when started again")
        return 130
    except Exception as e:  # click usage errors and the like
        import click

        if isinstance(e, click.ClickException):
            e.show()
            return e.exit_code
        raise
    return 0


if __name__ == "__main__":
    sys.exit(main())
