"""The ``hotich`` command: parses options, calls the library, maps errors to exit codes."""

from __future__ import annotations

import json
import logging
import os
import sys
from datetime import datetime
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from hotich.cli_audit import audit_app
from hotich.cli_check import check_cmd
from hotich.cli_common import DbOption, existing_folder, settings_for
from hotich.cli_inventory import inventory_app
from hotich.cli_review import audit_export, export_groundtruth_cmd, review_cmd
from hotich.cli_stage import approve_cmd, stage_app
from hotich.cli_users import users_app
from hotich.errors import BadInputError, HotichError
from hotich.i18n import t

app = typer.Typer(
    name="hotich",
    help=t("cli.help"),
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)

app.add_typer(inventory_app, name="inventory")
app.add_typer(stage_app, name="stage")
app.command("approve", help=t("cli.approve.help"))(approve_cmd)
app.add_typer(users_app, name="users")
app.add_typer(audit_app, name="audit")
app.command("review", help=t("cli.review.help"))(review_cmd)
app.command("check", help=t("integrity.help"))(check_cmd)


class ExecutorName(StrEnum):
    local = "local"
    dask = "dask"


class Difficulty(StrEnum):
    clean = "clean"
    moderate = "moderate"
    hard = "hard"


class Capture(StrEnum):
    scan = "scan"
    photo = "photo"
    spread = "spread"


class Register(StrEnum):
    khai_sinh = "khai_sinh"
    ket_hon = "ket_hon"
    khai_tu = "khai_tu"


class ExportFormat(StrEnum):
    jsonl = "jsonl"
    csv = "csv"
    groundtruth = "groundtruth"


class ReportBy(StrEnum):
    commune = "commune"
    district = "district"
    province = "province"


class ReportFormat(StrEnum):
    table = "table"
    json = "json"
    csv = "csv"
    html = "html"
    xlsx = "xlsx"


@app.command("run", help=t("cli.run.help"))
def run_cmd(
    scans: Annotated[Path, typer.Argument(help=t("cli.arg.scans"), show_default=False)],
    db: DbOption = None,
    workers: Annotated[int, typer.Option(help=t("cli.opt.workers"), min=1)] = os.cpu_count() or 1,
    executor: Annotated[
        ExecutorName, typer.Option(help=t("cli.opt.executor"))
    ] = ExecutorName.local,
    scheduler: Annotated[str | None, typer.Option(help=t("cli.opt.scheduler"))] = None,
    send_images: Annotated[
        bool, typer.Option("--send-images", help=t("cli.opt.send_images"))
    ] = False,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help=t("cli.opt.quiet"))] = False,
) -> None:
    from hotich.ocr.tesseract import from_settings
    from hotich.pipeline.progress import NullProgress, TqdmProgress
    from hotich.pipeline.runner import run_batch
    from hotich.pipeline.summary import format_summary

    report = run_batch(
        existing_folder(scans),
        settings=settings_for(db),
        engine_factory=from_settings,
        workers=workers,
        progress=NullProgress() if quiet else TqdmProgress(),
        executor_kind=executor.value,
        scheduler=scheduler,
        send_images=send_images,
    )
    typer.echo(format_summary(report))
    raise typer.Exit(int(report.exit_code))


@app.command("eval", help=t("cli.eval.help"))
def eval_cmd(
    scans: Annotated[Path, typer.Argument(help=t("cli.arg.scans"), show_default=False)],
    as_json: Annotated[bool, typer.Option("--json", help=t("cli.opt.json"))] = False,
    workers: Annotated[int, typer.Option(help=t("cli.opt.workers"), min=1)] = os.cpu_count() or 1,
) -> None:
    from hotich.evaluate.report import format_eval
    from hotich.evaluate.run import evaluate
    from hotich.ocr.tesseract import from_settings
    from hotich.pipeline.progress import NullProgress, TqdmProgress

    summary = evaluate(
        existing_folder(scans),
        settings=settings_for(None),
        engine_factory=from_settings,
        workers=workers,
        progress=NullProgress() if as_json else TqdmProgress(),
    )
    if summary["pages"] == 0:
        raise BadInputError("cli.eval_no_truth", path=str(scans))
    typer.echo(
        json.dumps(summary, ensure_ascii=False, indent=2) if as_json else format_eval(summary)
    )


@app.command("samples", help=t("cli.samples.help"))
def samples_cmd(
    out: Annotated[Path, typer.Argument(help=t("cli.arg.out"), show_default=False)],
    pages: Annotated[int, typer.Option(help=t("cli.opt.pages"), min=1)] = 12,
    seed: Annotated[int, typer.Option(help=t("cli.opt.seed"))] = 0,
    difficulty: Annotated[
        Difficulty, typer.Option(help=t("cli.opt.difficulty"))
    ] = Difficulty.clean,
    dpi: Annotated[int, typer.Option(help=t("cli.opt.dpi"), min=72, max=600)] = 300,
    register: Annotated[
        list[Register] | None,
        typer.Option("--register", metavar="TYPE", help=t("samplegen.opt.register")),
    ] = None,
    inconsistent_share: Annotated[
        float, typer.Option(help=t("samplegen.opt.inconsistent_share"), min=0.0, max=1.0)
    ] = 0.1,
    capture: Annotated[Capture, typer.Option(help=t("capture.opt"))] = Capture.scan,
) -> None:
    from hotich.samplegen import generate

    report = generate(
        out,
        pages=pages,
        seed=seed,
        difficulty=difficulty.value,
        dpi=dpi,
        registers=[r.value for r in register] if register else None,
        inconsistent_share=inconsistent_share,
        capture=capture.value,
    )
    typer.echo(t("cli.samples.done", pages=report.pages, entries=report.entries, out=str(out)))


@app.command("export", help=t("cli.export.help"))
def export_cmd(
    fmt: Annotated[ExportFormat, typer.Option("--format", help=t("cli.opt.format"))],
    db: DbOption = None,
    out: Annotated[Path | None, typer.Option(help=t("cli.opt.out"))] = None,
) -> None:
    from hotich.db.migrate import upgrade
    from hotich.db.session import make_engine, session_scope
    from hotich.loaders.export import export_csv, export_jsonl

    settings = settings_for(db)
    upgrade(settings.db)
    if fmt is ExportFormat.groundtruth:
        export_groundtruth_cmd(settings, out)
        return
    writer = export_jsonl if fmt is ExportFormat.jsonl else export_csv
    with session_scope(make_engine(settings.db)) as session:
        if out is None:
            count = writer(session, sys.stdout)
        else:
            with out.open("w", encoding="utf-8", newline="") as handle:
                count = writer(session, handle)
    audit_export(settings, fmt.value, entries=count)


@app.command("report", help=t("cli.report.help"))
def report_cmd(
    by: Annotated[ReportBy, typer.Option(help=t("cli.opt.by"))] = ReportBy.commune,
    fmt: Annotated[
        ReportFormat, typer.Option("--format", help=t("cli.opt.format"))
    ] = ReportFormat.table,
    db: DbOption = None,
    out: Annotated[Path | None, typer.Option(help=t("cli.opt.out"))] = None,
    deadline: Annotated[
        datetime | None,
        typer.Option(help=t("report.opt.deadline"), formats=["%Y-%m-%d"], show_default=False),
    ] = None,
    today: Annotated[
        datetime | None,
        typer.Option(help=t("report.opt.today"), formats=["%Y-%m-%d"], show_default=False),
    ] = None,
) -> None:
    from hotich.db.migrate import upgrade
    from hotich.db.session import make_engine, session_scope
    from hotich.loaders.progress import end_of_day, progress_report
    from hotich.loaders.report_format import render

    if fmt is ReportFormat.xlsx and out is None:
        raise BadInputError("report.error.xlsx_needs_out")
    settings = settings_for(db)
    upgrade(settings.db)
    with session_scope(make_engine(settings.db)) as session:
        report = progress_report(
            session,
            by.value,
            now=end_of_day(today.date()) if today else None,
            deadline=deadline.date() if deadline else settings.deadline,
        )
    if fmt is ReportFormat.xlsx and out is not None:
        from hotich.loaders.report_xlsx import write_xlsx

        write_xlsx(report, out)
    elif out is None:
        render(report, fmt.value, sys.stdout)
    else:
        with out.open("w", encoding="utf-8", newline="") as handle:
            render(report, fmt.value, handle)


def main() -> None:
    """Entry point. Usage errors exit 2 (typer); a HotichError prints its plain message and
    exits with its own code."""
    logging.basicConfig(
        level=os.environ.get("HOTICH_LOG", "WARNING"), format="%(levelname)s %(name)s: %(message)s"
    )
    try:
        app()
    except HotichError as e:
        typer.echo(t("cli.error", message=str(e)), err=True)
        sys.exit(int(e.exit_code))
