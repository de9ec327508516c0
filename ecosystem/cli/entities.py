"""Commands about organisations themselves: their types, duplicates, merges and sectors."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Sequence
from pathlib import Path

import click

from ecosystem.cli.common import DAY, JSON, Context, echo_json, handle_errors, remembered

__all__ = ["COMMANDS"]


@click.command()
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Write the review table here (.csv or .xlsx) for a person to decide.")
@click.option("--incoming", multiple=True, type=click.Path(exists=True, path_type=Path),
              help="Compare the companies of these files (as `import` reads them) with "
              "the store, instead of the store with itself.")
@click.option("--min-score", default=0.7, show_default=True, type=click.FloatRange(0, 1),
              help="Leave out pairs scoring below this.")
@click.option("--accept-from", default=None, type=click.FloatRange(0, 1),
              help="Fill in 'accept' for pairs scoring at least this (default: leave every "
              "decision empty).")
@click.option("--top", default=20, show_default=True, help="Pairs to print.")
@JSON
@click.pass_obj
@handle_errors
@remembered(files=("out",))
def resolve(obj: Context, out: Path | None, incoming: Sequence[Path], min_score: float,
            accept_from: float | None, top: int, as_json: bool) -> None:
    """Find companies that are probably one organisation (duplicates).

    Pairs are scored by the evidence they share: the same id once 'name:' is dropped,
    the same name once legal forms (Inc, GmbH, S.A., 株式会社 ...) are dropped, the same
    homepage domain, Crunchbase slug or Wikidata id, similar names. Review the table,
    write accept or reject in its decision column, then apply it with `ecosystem merge
    FILE`. Pairs at 0.9 or more can be merged at once with `ecosystem merge --auto`.
    """
    from ecosystem.entities.resolution import find_duplicates, match_incoming, review_rows
    from ecosystem.entities.resolution import write_review as write
    from ecosystem.io.importer import read_paths

    with obj.open() as store:
        if incoming:
            rows = [(str(r["id"]), str(r.get("name") or r["id"]),
                     {str(k): v for k, v in r.items()})
                    for table in read_paths(incoming) if table.name == "companies"
                    for r in table.frame.to_dict("records")]
            pairs = match_incoming(rows, store, minimum=min_score)
        else:
            pairs = find_duplicates(store, minimum=min_score)
    if out is not None:
        write(pairs, out, accept_from=accept_from)
    if as_json:
        echo_json({"pairs": review_rows(pairs, accept_from=accept_from),
                   "review_table": str(out) if out else None})
        return
    bands = Counter("merge at once (>= 0.9)" if p.score >= 0.9 else "review (< 0.9)"
                    for p in pairs)
    click.echo(f"{len(pairs):,} possible duplicate pair(s): "
               + ", ".join(f"{n:,} {band}" for band, n in sorted(bands.items())))
    for pair in pairs[:top]:
        click.echo(f"  {pair.score:.2f}  {pair.keep.id} ({pair.keep.name})  <-  "
                   f"{pair.other.id} ({pair.other.name})")
        click.echo(f"        {'; '.join(pair.evidence)}")
    if out is not None:
        click.echo(f"Review table: {out} (fill in 'decision', then `ecosystem merge {out}`)")


@click.command()
@click.argument("review", required=False,
                type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--auto", is_flag=True,
              help="Merge every pair scoring at least --threshold, without a review table.")
@click.option("--threshold", default=0.9, show_default=True, type=click.FloatRange(0, 1),
              help="With --auto: the lowest score merged.")
@click.option("--date", default=None, type=DAY, metavar="DATE",
              help="Day of the merge (default today).")
@JSON
@click.pass_obj
@handle_errors
def merge(obj: Context, review: Path | None, auto: bool, threshold: float, date: dt.date | None,
          as_json: bool) -> None:
    """Merge the accepted pairs of a REVIEW table (or, with --auto, every pair scoring at
    least --threshold) in one transaction.

    Every relationship, date and record of the merged company moves to the kept one, its
    id and name become searchable aliases, and a merge record keeps what changed:
    `ecosystem unmerge MERGE_ID` undoes it.
    """
    from ecosystem.entities.merging import merge_companies, merge_plan
    from ecosystem.entities.resolution import find_duplicates, read_review
    from ecosystem.errors import InvalidValue

    if (review is None) == (not auto):
        raise InvalidValue("Give a review table (FILE) or --auto, not both or neither.",
                           field="review", value=str(review))
    with obj.open() as store:
        items = (read_review(review) if review is not None else
                 [p for p in find_duplicates(store, minimum=threshold)])
        plan = merge_plan(items)
        ids = merge_companies(store, plan, date=date)
    if as_json:
        echo_json({"merged": [{"merge": i, "keep": m.keep, "merged": m.merged}
                              for i, m in zip(ids, plan, strict=True)]})
        return
    click.echo(f"Merged {len(ids):,} compan{'y' if len(ids) == 1 else 'ies'}.")
    for record, step in list(zip(ids, plan, strict=True))[:20]:
        click.echo(f"  {record}: {step.merged} -> {step.keep}")
    if len(ids) > 20:
        click.echo(f"  ... and {len(ids) - 20:,} more (`ecosystem merges` lists them)")


@click.command()
@click.argument("merge_id", metavar="MERGE_ID")
@click.pass_obj
@handle_errors
def unmerge(obj: Context, merge_id: str) -> None:
    """Undo the merge MERGE_ID (see `ecosystem merges`): the merged company comes back with
    its relationships, and what the kept one took from it is taken out again."""
    from ecosystem.entities.merging import unmerge as undo

    with obj.open() as store:
        restored = undo(store, merge_id)
    click.echo(f"Undid {merge_id}: {restored.id} ({restored.name}) is back.")


@click.command(name="merges")
@click.option("--all", "everything", is_flag=True, help="Also the merges undone.")
@JSON
@click.pass_obj
@handle_errors
@remembered()
def merges_(obj: Context, everything: bool, as_json: bool) -> None:
    """List the merges made, oldest first."""
    from ecosystem.entities.merging import merges

    with obj.open() as store:
        found = merges(store, include_undone=everything)
    if as_json:
        echo_json([{"id": n.id, **{k: v for k, v in n.properties.items() if k != "snapshot"}}
                   for n in found])
        return
    for node in found:
        p = node.properties
        undone = f"  (undone {p['undone']})" if p.get("undone") else ""
        click.echo(f"{node.id}  {p.get('date')}  {p.get('merged')} -> {p.get('kept')}"
                   f"  {p.get('score') or ''}{undone}")


@click.command()
@click.option("--type", "kind", default=None, metavar="TYPE",
              help="Only organisations of this type (company, non_profit, academic, "
              "government, project).")
@click.option("--set", "assignments", multiple=True, metavar="ID=TYPE",
              help="Record an organisation's type yourself (overrides the rules).")
@click.option("--limit", default=30, show_default=True, help="Rows to print (0: all).")
@JSON
@click.pass_obj
@handle_errors
@remembered(unless=("assignments",))
def types(obj: Context, kind: str | None, assignments: Sequence[str], limit: int,
          as_json: bool) -> None:
    """Organisation types with their evidence: company, non-profit, academic, government,
    or project (an open-source project or product, not an organisation).

    Scans propose companies only unless told otherwise (`scan --include`). A type is
    inferred from membership tiers, names, SIC industries and web domains; set one
    yourself with --set ID=TYPE (or an org_type column in an import).
    """
    from ecosystem.editing import upsert_node
    from ecosystem.entities.organisation_types import organisation_types, parse_org_types
    from ecosystem.errors import InvalidValue
    from ecosystem.model import NodeKind

    wanted = parse_org_types(kind) if kind else None
    with obj.open() as store:
        for assignment in assignments:
            id, sep, value = assignment.partition("=")
            if not sep:
                raise InvalidValue(f"--set {assignment!r}: write ID=TYPE, e.g. "
                                   "--set apache=non_profit.", field="set", value=assignment)
            (chosen,) = parse_org_types(value) or {""}
            store.node(NodeKind.COMPANY, id.strip())  # NodeNotFound with suggestions
            upsert_node(store, NodeKind.COMPANY, {"id": id.strip(), "org_type": chosen},
                        source=f"--set {assignment}")
        found = organisation_types(store)
        names = {n.id: n.name for n in store.nodes(NodeKind.COMPANY)}
    rows = [(id, t) for id, t in sorted(found.items()) if wanted is None or t.type in wanted]
    if as_json:
        echo_json([{"id": id, "name": names.get(id, id), **t.as_dict()} for id, t in rows])
        return
    counts = Counter(t.type for t in found.values())
    click.echo("Organisations by type: " + ", ".join(f"{t} {n:,}" for t, n in
                                                      counts.most_common()))
    for id, t in rows[:limit or None]:
        click.echo(f"  {t.type:<11} {id} ({names.get(id, id)}): {t.source}, {t.evidence}")
    if limit and len(rows) > limit:
        click.echo(f"  ... and {len(rows) - limit:,} more (--limit 0 lists all)")


@click.command()
@click.argument("companies", nargs=-1, metavar="[COMPANY]...")
@click.option("--set", "assignments", multiple=True, metavar="ID=SECTOR",
              help="Record a company's sector yourself (an industry id such as sic-37; "
              "provenance 'user'), e.g. --set bmw=sic-37.")
@click.option("--taxonomy", is_flag=True,
              help="Import the SIC divisions and major groups as industries first.")
@JSON
@click.pass_obj
@handle_errors
@remembered(unless=("assignments", "taxonomy"))
def sectors(obj: Context, companies: Sequence[str], assignments: Sequence[str],
            taxonomy: bool, as_json: bool) -> None:
    """Sectors of companies with their evidence: SIC major groups (sic-37 Transportation
    Equipment ...) or the top industries of your own taxonomy.

    Without COMPANY: how many companies have a known sector, by source. A candidate is
    cross-industry only when both its sector and yours are known and differ.
    """
    from ecosystem.editing import upsert_relationship
    from ecosystem.entities.lookup import resolve_company
    from ecosystem.entities.sectors import company_sectors, sector_names, sic_taxonomy
    from ecosystem.errors import InvalidValue
    from ecosystem.model import NodeKind, RelKind

    with obj.open() as store:
        if taxonomy:
            store.write(sic_taxonomy())
        for assignment in assignments:
            id, sep, sector = assignment.partition("=")
            if not sep or not sector.strip():
                raise InvalidValue(f"--set {assignment!r}: write ID=SECTOR, e.g. "
                                   "--set bmw=sic-37.", field="set", value=assignment)
            company = resolve_company(store, id.strip())
            store.node(NodeKind.INDUSTRY, sector.strip())  # NodeNotFound with suggestions
            upsert_relationship(store, RelKind.IN_SECTOR, {
                "source": company, "target": sector.strip(), "key": "user",
                "provenance": "user", "confidence": 1.0, "evidence": "set by the user"},
                source=f"--set {assignment}")
        found = company_sectors(store)
        names = sector_names(store)
        wanted = [resolve_company(store, c) for c in companies]
    if wanted:
        rows = {c: [a.as_dict() | {"name": names.get(a.sector, a.sector)} for a in found[c]]
                for c in wanted}
        if as_json:
            echo_json(rows)
            return
        for company, assigned in rows.items():
            click.echo(f"{company}:" + (" unknown (no evidence)" if not assigned else ""))
            for a in assigned:
                click.echo(f"  {a['sector']} {a['name']}: {a['source']} "
                           f"({a['confidence']:.2f}), {a['evidence']}")
        return
    by_source = Counter(a.source for assigned in found.values() for a in assigned[:1])
    known = sum(1 for assigned in found.values() if assigned)
    by_sector = Counter(a.sector for assigned in found.values() for a in assigned)
    if as_json:
        echo_json({"companies": len(found), "known": known, "by_source": dict(by_source),
                   "by_sector": dict(by_sector.most_common())})
        return
    click.echo(f"{known:,} of {len(found):,} companies have a known sector; by the source "
               "that decided: " + ", ".join(f"{s} {n:,}" for s, n in by_source.most_common()))
    for sector, n in by_sector.most_common(15):
        click.echo(f"  {n:>6,}  {sector} {names.get(sector, '')}")


COMMANDS = [resolve, merge, unmerge, merges_, types, sectors]
