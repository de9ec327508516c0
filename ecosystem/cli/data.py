"""Commands that build, read and move the ecosystem: demo, import, export, info, ..."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import click

from ecosystem.cli.common import AS_OF, JSON, Context, echo_json, handle_errors, remembered
from ecosystem.dates import today
from ecosystem.errors import InvalidValue, UnknownKind
from ecosystem.io.formats import ExportFormat, ImportFormat
from ecosystem.model import (
    NODE_SCHEMAS,
    RELATIONSHIP_SCHEMAS,
    Node,
    NodeKind,
    Relationship,
    parse_node_kind,
    parse_rel_kind,
)

__all__ = ["COMMANDS"]

@click.command()
@AS_OF
@click.option("--top", default=5, show_default=True, help="How many rows in each ranking.")
@click.option("--views", "views_dir", type=click.Path(file_okay=False, path_type=Path),
              default=Path("views"), show_default=True,
              help="Folder for the demo's HTML views.")
@click.option("--no-views", is_flag=True, help="Do not write the views.")
@JSON
@click.pass_obj
@handle_errors
def demo(obj: Context, as_of: dt.date | None, top: int, views_dir: Path, no_views: bool,
         as_json: bool) -> None:
    """Build the demo store from the bundled real data and print a summary.

    The demo is the Linux Foundation ecosystem: 27 programmes (CNCF, LF AI & Data,
    OpenSSF, RISC-V ...), their members with dated joins and exits, and the capability
    landscape of their products; in a source checkout also the patent portfolios of
    members matched to the TDA patents data. Running it again updates in place.
    """
    from ecosystem.demo import build_demo, summarise, write_demo_views

    with obj.open() as store:
        build_demo(store, progress=obj.bars(as_json))
        summary = summarise(store, as_of=as_of or today(), top=top)
        written = [] if no_views else write_demo_views(store, views_dir, summary)
    if as_json:
        echo_json(summary | {"views": [str(p) for p in written]})
        return
    click.echo(f"Demo ecosystem built in {summary['store']} (as of {summary['as_of']}).")
    _print_counts(summary["counts"], summary["active_relationships"])
    for title, rows, field in (
        ("Largest programmes (active members)", summary["largest_programmes"], "members"),
        ("Companies in most programmes", summary["companies_in_most_programmes"],
         "programmes"),
        ("Companies with most capabilities", summary["companies_with_most_capabilities"],
         "capabilities"),
        ("Largest patent portfolios", summary["largest_patent_portfolios"], "patents"),
    ):
        if rows:
            click.echo(f"\n{title}:")
            for row in rows:
                click.echo(f"  {row[field]:>7,}  {row['name']} ({row['id']})")
    if written:
        click.echo("\nViews (open in a browser; they need no network):")
        for path in written:
            click.echo(f"  {path}")
    click.echo("\nNext: `ecosystem info`, `ecosystem show company ibm`, "
               "`ecosystem export out/`; explore it in the browser: `ecosystem serve "
               "--development`, then open http://127.0.0.1:8000/; the partnership lifecycle "
               "of the method's worked case: `ecosystem --store case.db partnership "
               "worked-case`, then `ecosystem --store case.db dashboard`.")


def _print_counts(counts: dict[str, dict[str, int]],
                  active: dict[str, int] | None = None) -> None:
    click.echo("Nodes:")
    for kind, n in sorted(counts["nodes"].items()):
        click.echo(f"  {kind:<18}{n:>10,}")
    click.echo("Relationships:" + ("   (active / all)" if active is not None else ""))
    for kind, n in sorted(counts["relationships"].items()):
        prefix = f"{active.get(kind, 0):>10,} / " if active is not None else ""
        click.echo(f"  {kind:<18}{prefix}{n:>10,}")


@click.command(name="import")
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True, path_type=Path))
@click.option("--format", "fmt", type=click.Choice([f.value for f in ImportFormat]),
              default=ImportFormat.AUTO.value, show_default=True,
              help="Input format; auto picks lf-landscape for an LF landscape folder, "
              "graphml for .graphml files, crunchbase or pitchbook for their company "
              "exports, tabular otherwise. Exports enrich the stored companies they match. "
              "patentsview, lens and patent-counts read patent data and match assignees "
              "to stored companies.")
@click.option("--encoding", default=None,
              help="Encoding of CSV files (default UTF-8; a byte-order mark is honoured).")
@JSON
@click.pass_obj
@handle_errors
def import_(obj: Context, paths: Sequence[Path], fmt: str, encoding: str | None,
            as_json: bool) -> None:
    """Import folders or files into the store, all or nothing (upsert by id).

    Tabular input is a folder of CSV or Parquet files, or an Excel workbook, with one
    table per node kind (companies, industries, capabilities, technology_classes,
    patents, programmes) and per relationship kind (member_of, partners_with, ...);
    see docs/tabular-format.md. If anything is wrong the import is refused, every
    problem is listed with its file, row and column, and the store is unchanged.
    """
    from ecosystem.exchange import import_paths

    with obj.open() as store:
        summary = import_paths(store, paths, format=fmt, encoding=encoding,
                               progress=obj.bars(as_json))
        counts = store.counts()
    if as_json:
        echo_json({**summary.as_dict(), "store": counts})
        return
    written = sum(summary.nodes_written.values()) + sum(summary.relationships_written.values())
    created = sum(summary.nodes_created.values()) + sum(
        summary.relationships_created.values())
    click.echo(f"Imported {written:,} rows ({created:,} new, {written - created:,} updated) "
               f"into {obj.store_location}.")
    _print_counts(counts)
    if summary.unmatched:
        click.echo(f"\n{len(summary.unmatched):,} name(s) matched no company and were left "
                   "out (add the companies, then import again):")
        for name, rows in list(summary.unmatched.items())[:20]:
            near = summary.suggestions.get(name)
            hint = f"   (close: {', '.join(near)})" if near else ""
            click.echo(f"  {rows:>8,}  {name}{hint}")
        if len(summary.unmatched) > 20:
            click.echo(f"  ... and {len(summary.unmatched) - 20:,} more (--json lists all)")
        if summary.suggestions:
            click.echo("  A name that is a company's: add it to the company's aliases "
                       "(companies.csv: id,aliases) and import again.")
    if summary.notes:
        click.echo(f"\n{len(summary.notes):,} change(s) made on the way in:")
        for note in summary.notes[:20]:
            click.echo(f"  {note}")
        if len(summary.notes) > 20:
            click.echo(f"  ... and {len(summary.notes) - 20:,} more (--json lists all)")
    if summary.skipped:
        click.echo(f"\nSkipped {len(summary.skipped):,} file(s) that are not tables:")
        for path, why in list(summary.skipped.items())[:20]:
            click.echo(f"  {path}: {why}")
        if len(summary.skipped) > 20:
            click.echo(f"  ... and {len(summary.skipped) - 20:,} more (--json lists all)")


@click.command()
@click.argument("out", type=click.Path(path_type=Path))
@click.option("--format", "fmt", type=click.Choice([f.value for f in ExportFormat]),
              default=ExportFormat.CSV.value, show_default=True,
              help="csv or parquet: a folder with a file per table; xlsx: one workbook; "
              "graphml: one file.")
@click.pass_obj
@handle_errors
def export(obj: Context, out: Path, fmt: str) -> None:
    """Export the whole store; `ecosystem import` reads the result back losslessly."""
    from ecosystem.exchange import export_store

    with obj.open() as store:
        written = export_store(store, out, format=fmt, progress=obj.progress)
    for path in written:
        click.echo(str(path))


@click.command()
@AS_OF
@JSON
@click.pass_obj
@handle_errors
@remembered()
def info(obj: Context, as_of: dt.date | None, as_json: bool) -> None:
    """Count the nodes and relationships in the store, by kind."""
    with obj.open() as store:
        counts = store.counts(as_of=as_of)
    if as_json:
        echo_json(counts)
        return
    click.echo(f"Store: {obj.store_location}" + (f" (as of {as_of.isoformat()})"
                                                  if as_of else ""))
    _print_counts(counts)


def _node_json(node: Node) -> dict[str, Any]:
    return {"kind": node.kind.value, "id": node.id, **node.properties}


def _relationship_json(rel: Relationship) -> dict[str, Any]:
    return {"kind": rel.kind.value, "source": rel.source, "target": rel.target,
            "since": rel.since, "until": rel.until, "key": rel.key, **rel.properties}


@click.command()
@click.argument("kind", metavar="KIND")
@click.option("--search", "-s", default=None, help="Keep ids or names containing this text.")
@click.option("--limit", default=50, show_default=True, help="At most this many (0: all).")
@click.option("--offset", default=0, help="Skip this many first.")
@JSON
@click.pass_obj
@handle_errors
@remembered()
def nodes(obj: Context, kind: str, search: str | None, limit: int, offset: int,
          as_json: bool) -> None:
    """List nodes of one KIND (company, industry, capability, technology_class, patent,
    programme)."""
    node_kind = parse_node_kind(kind)
    with obj.open() as store:
        found = store.nodes(node_kind, search=search, limit=limit or None, offset=offset)
    if as_json:
        echo_json([_node_json(n) for n in found])
        return
    for node in found:
        click.echo(f"{node.id}\t{node.name}")


@click.command()
@click.argument("kind", metavar="KIND")
@click.argument("id", metavar="ID")
@AS_OF
@click.option("--limit", default=15, show_default=True,
              help="At most this many rows in each list (0: all).")
@JSON
@click.pass_obj
@handle_errors
@remembered()
def show(obj: Context, kind: str, id: str, as_of: dt.date | None, limit: int,
         as_json: bool) -> None:
    """Show one node and its relationships, e.g. `ecosystem show company ibm`.

    A company is summarised: its type and sectors with their evidence, its aliases,
    memberships first, then its other ties, capabilities, and patents per class with
    totals (--json gives everything).
    """
    from ecosystem.editing import company_summary

    node_kind = parse_node_kind(kind)
    with obj.open() as store:
        if node_kind is NodeKind.COMPANY:
            summary = company_summary(store, id, as_of=as_of)
            if as_json:
                echo_json(summary)
                return
            _print_company(summary, limit or None)
            return
        node = store.node(node_kind, id)
        rels = store.relationships(node=(node_kind, id), as_of=as_of)
    if as_json:
        echo_json({**_node_json(node), "relationships": [_relationship_json(r) for r in rels]})
        return
    click.echo(f"{node.name} ({node.kind.value} {node.id})")
    for name, value in node.properties.items():
        if name != "name":
            click.echo(f"  {name}: {value}")
    click.echo(f"Relationships ({len(rels)}):")
    for rel in rels[:limit or None]:
        click.echo("  " + _relationship_line(rel, id, node_kind))
    if limit and len(rels) > limit:
        click.echo(f"  ... and {len(rels) - limit:,} more (--limit 0 or --json lists all)")


def _relationship_line(rel: Relationship, id: str, kind: NodeKind) -> str:
    outgoing = rel.source == id and rel.schema.source is kind
    arrow, other = ("->", rel.target) if outgoing else ("<-", rel.source)
    dates = f"{rel.since or '...'} to {rel.until or 'now'}"
    extra = ", ".join(f"{k}={v}" for k, v in rel.properties.items() if k != "evidence")
    return f"{arrow} {rel.kind.value:<17}{other}  [{dates}]{'  ' + extra if extra else ''}"


def _print_company(summary: dict[str, Any], limit: int | None) -> None:
    kind = summary["org_type"]
    click.echo(f"{summary['name']} (company {summary['id']})")
    click.echo(f"  type: {kind['type']} ({kind['source']}: {kind['evidence']})")
    if not summary["sectors"]:
        click.echo("  sector: unknown (no evidence; `ecosystem sectors --set` records one)")
    for sector in summary["sectors"]:
        click.echo(f"  sector: {sector['sector']} {sector.get('name', '')} "
                   f"({sector['source']}: {sector['evidence']})")
    if summary["aliases"]:
        click.echo(f"  also known as: {', '.join(summary['aliases'])}")
    for name, value in summary["properties"].items():
        click.echo(f"  {name}: {value}")
    sections = (("Memberships", summary["memberships"]), ("Ties", summary["ties"]),
                ("Capabilities", summary["capabilities"]), ("Adopts", summary["adopts"]))
    for title, rows in sections:
        if not rows:
            continue
        click.echo(f"{title} ({len(rows)}):")
        for row in rows[:limit]:
            click.echo(f"  {row['line']}")
        if limit and len(rows) > limit:
            click.echo(f"  ... and {len(rows) - limit:,} more (--limit 0 or --json)")
    patents = summary["patents"]
    if patents["total"]:
        click.echo(f"Patents: {patents['total']:,} in {len(patents['classes']):,} classes "
                   f"({patents['years']}); the largest:")
        for row in patents["classes"][:limit]:
            click.echo(f"  {row['count']:>8,}  {row['class']} {row['title']}")


@click.command()
@click.argument("kind", metavar="[KIND]", required=False)
@click.option("--node", "node_ref", metavar="KIND:ID", default=None,
              help="Only relationships touching this node, e.g. company:ibm.")
@AS_OF
@click.option("--limit", default=50, show_default=True, help="At most this many (0: all).")
@JSON
@click.pass_obj
@handle_errors
@remembered()
def relationships(obj: Context, kind: str | None, node_ref: str | None, as_of: dt.date | None,
                  limit: int, as_json: bool) -> None:
    """List relationships, optionally of one KIND (member_of, partners_with, ...)."""
    rel_kind = parse_rel_kind(kind) if kind else None
    node = None
    if node_ref:
        node_kind, _, node_id = node_ref.partition(":")
        node = (parse_node_kind(node_kind), node_id)
    with obj.open() as store:
        found = store.relationships(rel_kind, as_of=as_of, node=node)
    shown = found[:limit] if limit else found
    if as_json:
        echo_json([_relationship_json(r) for r in shown])
        return
    for rel in shown:
        click.echo(f"{rel.kind.value}\t{rel.source}\t{rel.target}\t{rel.since or ''}\t"
                   f"{rel.until or ''}")
    if len(shown) < len(found):
        click.echo(f"... {len(found) - len(shown):,} more (use --limit 0 for all)", err=True)


@click.command(name="delete")
@click.argument("kind", metavar="KIND")
@click.argument("id", metavar="ID")
@click.option("--cascade", is_flag=True, help="Also delete the node's relationships.")
@click.pass_obj
@handle_errors
def delete(obj: Context, kind: str, id: str, cascade: bool) -> None:
    """Delete one node (with --cascade, also its relationships)."""
    node_kind = parse_node_kind(kind)
    with obj.open() as store:
        removed = store.delete_node(node_kind, id, cascade=cascade)
    click.echo(f"Deleted {node_kind.value} {id!r}" +
               (f" and {removed} relationship(s)." if removed else "."))


@click.command()
@click.argument("table", required=False)
@JSON
@handle_errors
def schema(table: str | None, as_json: bool) -> None:
    """Show the tables of the import format and their columns (all, or one TABLE).

    The same reference is in docs/tabular-format.md.
    """
    from ecosystem.io.formatdoc import field_rows

    tables = {s.table: s.fields for s in NODE_SCHEMAS.values()}
    tables |= {s.table: s.all_fields for s in RELATIONSHIP_SCHEMAS.values()}
    if table is not None:
        if table not in tables:
            raise UnknownKind(
                f"Unknown table {table!r}. Tables: {', '.join(tables)}.", value=table)
        tables = {table: tables[table]}
    if as_json:
        echo_json({name: field_rows(fields) for name, fields in tables.items()})
        return
    for name, fields in tables.items():
        click.echo(f"{name}:")
        for row in field_rows(fields):
            required = " (required)" if row["required"] else ""
            click.echo(f"  {row['column']:<24}{row['type']}{required}")



@click.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", default=8000, show_default=True, help="Port to listen on.")
@click.option("--workers", type=click.IntRange(1, 64), default=1, show_default=True,
              help="Server processes: reads are answered in parallel, one per core (the "
              "embedded store's readers never wait for each other or for a writer).")
@click.option("--development", is_flag=True,
              help="Use the well-known development API key (never in production).")
@click.option("--notify-every", "notify_every", type=click.IntRange(0, 7 * 24 * 60),
              default=0, metavar="MINUTES",
              help="Also deliver new alerts every MINUTES, as `ecosystem alerts --notify` "
              "does (channels from the same environment variables); 0: never.")
@click.pass_obj
@handle_errors
def serve(obj: Context, host: str, port: int, workers: int, development: bool,
          notify_every: int) -> None:
    """Serve the HTTP API (needs the api extra: pip install 'ecosystem[api]').

    Writes need an API key in the X-API-Key header: set ECOSYSTEM_API_KEYS (comma-
    separated, 12+ characters each), or pass --development for local use. OpenAPI docs are
    at /docs. With --workers N, N processes share the port and the store (and the store's
    cache of computed answers on disk).
    """
    import os

    import uvicorn

    from ecosystem.api.app import create_app
    from ecosystem.api.settings import Settings

    os.environ["ECOSYSTEM_STORE"] = obj.store_location
    if notify_every and workers > 1:
        raise InvalidValue("--notify-every runs in one process only: with --workers, deliver "
                           "alerts from cron with `ecosystem alerts --notify` instead.",
                           field="notify_every", value=notify_every)
    if notify_every:
        from ecosystem.lifecycle.delivery import Channels

        if not Channels.from_environment().names:  # wrong settings stop the start too
            raise InvalidValue("--notify-every needs an alert channel: set "
                               "ECOSYSTEM_WEBHOOK_URL and/or ECOSYSTEM_SMTP_HOST (see "
                               "`ecosystem alerts --help`).", field="notify_every",
                               value=notify_every)
        os.environ["ECOSYSTEM_NOTIFY_EVERY"] = str(notify_every)
    if development:
        os.environ["ECOSYSTEM_API_DEVELOPMENT"] = "1"
    if workers > 1:  # each worker process builds the app from the environment
        uvicorn.run("ecosystem.api.app:create_app", factory=True, host=host, port=port,
                    workers=workers)
        return
    settings = (Settings.development(obj.store_location) if development
                else Settings.from_environment())
    settings = type(settings)(**{**vars(settings), "store": obj.store_location,
                                 "notify_minutes": notify_every})
    uvicorn.run(create_app(settings), host=host, port=port)


COMMANDS = [demo, import_, export, info, nodes, show, relationships, delete, schema, serve]
