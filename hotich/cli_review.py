"""``hotich review``: serves the QA web app (:mod:`hotich.review.app`) with uvicorn.

It listens on 127.0.0.1 by default (this machine only). To serve an office network, put it
behind a reverse proxy that speaks HTTPS (the session cookie is then ``Secure``) and pass the
proxy's address with ``--forwarded-allow-ips``, so that the client's address (allowed networks,
audit log) is taken from the proxy's ``X-Forwarded-For`` header rather than being the proxy's.
uvicorn's access log prints method, path and status: paths hold ids and codes, never a field
value (values travel in bodies).
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from hotich.cli_common import DbOption, cli_actor, settings_for
from hotich.config.settings import Settings
from hotich.errors import BadInputError
from hotich.i18n import t

HostOption = Annotated[str, typer.Option("--host", help=t("cli.review.opt.host"))]
PortOption = Annotated[int, typer.Option("--port", help=t("cli.review.opt.port"), min=1, max=65535)]
ForwardedOption = Annotated[
    str | None,
    typer.Option(
        "--forwarded-allow-ips", help=t("cli.review.opt.forwarded_allow_ips"), show_default=False
    ),
]


def review_cmd(
    host: HostOption = "127.0.0.1",
    port: PortOption = 8000,
    db: DbOption = None,
    forwarded_allow_ips: ForwardedOption = None,
) -> None:
    import uvicorn

    from hotich.db.migrate import open_db
    from hotich.review.app import create_app
    from hotich.review.policy import AuthPolicy
    from hotich.review.web.deps import ReviewConfig

    settings = settings_for(db)
    engine = open_db(settings.db)
    app = create_app(
        engine, ReviewConfig(settings=settings, policy=AuthPolicy.from_settings(settings))
    )
    typer.echo(t("cli.review.started", host=host, port=port))
    try:
        uvicorn.run(
            app,
            host=host,
            port=port,
            proxy_headers=forwarded_allow_ips is not None,
            forwarded_allow_ips=forwarded_allow_ips,
            server_header=False,
            log_level="info",
        )
    finally:
        engine.dispose()


def audit_export(settings: Settings, fmt: str, **counts: int) -> None:
    """Record an export made from the command line in the audit log, as ``cli:<system user>``
    (what was exported and how much; never its content)."""
    from hotich.db.migrate import open_db
    from hotich.db.session import session_scope
    from hotich.review import audit

    engine = open_db(settings.db)
    try:
        with session_scope(engine, write=True) as session:
            audit.record(
                session,
                "export",
                username=cli_actor(settings),
                object_type="export",
                object_id=fmt,
                detail={"format": fmt, **counts},
            )
    finally:
        engine.dispose()


def export_groundtruth_cmd(settings: Settings, out: Path | None) -> None:
    """``hotich export --format groundtruth --out DIR`` (see :mod:`hotich.loaders.groundtruth`)."""
    from hotich.db.session import make_engine, session_scope
    from hotich.loaders.groundtruth import SKIP_REASONS, export_groundtruth

    if out is None:
        raise BadInputError("groundtruth.needs_out")
    engine = make_engine(settings.db)
    try:
        with session_scope(engine) as session:
            report = export_groundtruth(session, out, settings=settings)
    finally:
        engine.dispose()
    audit_export(settings, "groundtruth", fields=report.written)
    typer.echo(t("groundtruth.done", fields=report.written, out=str(out)))
    if report.skipped:
        reasons = ", ".join(
            f"{t(f'groundtruth.reason_{r}')}: {report.skipped[r]}"
            for r in SKIP_REASONS
            if report.skipped[r]
        )
        typer.echo(t("groundtruth.skipped", n=sum(report.skipped.values()), reasons=reasons))
