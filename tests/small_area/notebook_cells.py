"""The cells proposed for notebooks 01 and 03 (the small-area section), as the lead inserts them.

Each constant is the exact source of one cell; ``tests/small_area/test_report.py`` runs them on
the embedded data after the real notebooks' own cells, so an insertion is known to work.
"""

#: Lines appended to notebook 03's parameters cell (the defaults of SmallAreaOwnParams).
NB03_PARAMETERS = """
small_area_unit = "ward"  # small units published by the small-area rule (None: no section)
small_area_key = "psu"  # the units' code in the frame and the responses
small_area_code = "SIPAS"  # the figure published by unit
small_area_max_cv = 0.05  # a direct estimate is published when its CV is at most this
small_area_max_model_cv = 0.10  # a model-based one when its CV is at most this
small_area_min_effective_n = None
small_area_transform = "logit"  # "logit" | "arcsin" | None (percent)
small_area_method = "reml"  # reml | ml | fh
small_area_benchmark_by = None  # e.g. "district": units add up to its direct estimates
small_area_synthetic = False  # also publish the frame's units without forms
"""

#: Notebook 03, a code cell after the unit-targets cell ("if P["unit_targets"]:").
NB03_CELL = """\
# small units (finer than the strata): direct where precise enough, model-based otherwise
from govsurvey.config.params_small_area import check_small_area
from govsurvey.small_area import report as sa_report

if P["small_area_unit"]:
    sa_unit = P["small_area_unit"]
    sa_label = tables.variable_label(inst, sa_unit, L)
    display(Markdown(f"## {sa_report.text('h_small', L, unit=sa_label)}"))
    if not P["frame"]:
        display(Markdown(sa_report.text("no_frame", L)))
    else:
        sa_frame = pd.read_csv(P["frame"])
        check_small_area(P, resp.data, sa_frame, inst)
        sa = gs.small_area.report_units(
            design, inst, sa_frame, sa_unit, P["small_area_key"], P["small_area_code"],
            rule=sa_report.rule_from_params(P), transform=P["small_area_transform"],
            method=P["small_area_method"], benchmark_by=P["small_area_benchmark_by"],
            synthetic=P["small_area_synthetic"], level=level, seed=P["seed"])
        sa_pub = pub.record(f"small_area_{sa_unit}", sa)
        sa_by = P["small_area_benchmark_by"]
        sa_summary = num.table(sa_report.summary_table(
            sa_pub, L, sa_report.text("tab_summary", L, unit=sa_label), P["min_cell"], frame=sa))
        display(Markdown(sa_report.describe_units(
            sa_pub, L, narrative.unit_name(inst, sa_unit, L), P["min_cell"], frame=sa,
            table_number=num.tables,
            benchmark_by=narrative.unit_name(inst, sa_by, L) if sa_by else None)))
        display(sa_summary)
        sa_code = tables.code_label(inst, P["small_area_code"], L)
        sa_shown = pub.published(sa)
        if sa_shown["model"].notna().sum() >= 2:
            fig, ax = plt.subplots(figsize=(11, 4))
            gs.small_area.intervals_plot(sa_shown, ax, L)
            display(num.figure(fig, sa_report.text(
                "fig_units", L, code=sa_code, unit_l=narrative.unit_name(inst, sa_unit, L),
                level=lvp), sa_report.alt_units(sa_shown, L)))
        display(num.table(sa_report.units_table(
            sa_pub, inst, L, sa_report.text("tab_units", L, code=sa_code,
                                            unit_l=narrative.unit_name(inst, sa_unit, L)),
            P["min_cell"], frame=sa)))
"""

#: Notebook 01, a code cell after the plan cell ("display(Markdown(f"## {T('h_plan')}...").
NB01_CELL = """\
# forms per ward a direct estimate would need, against the model (Fay-Herriot on the frame)
from govsurvey.publish.narrative import unit_name
from govsurvey.small_area import report as sa_report

sa_cols = inst.design_columns
if ward in resp.respondents.columns and sa_cols.get("weight") in resp.respondents.columns:
    sa_design = gs.Design(resp.respondents, weights=sa_cols.get("weight"),
                          strata=sa_cols.get("strata"), psu=sa_cols.get("psu"), lonely_psu="adjust")
    sa_cv = gs.small_area.PublicationRule().max_cv
    sa_forms = gs.small_area.plan_forms(sa_design, inst, wards, ward, size, target_cv=sa_cv)
    sa_unit = unit_name(inst, S["ward_label"] or "ward", L)
    sa_table = num.table(sa_report.forms_table(
        sa_forms, L, sa_report.text("tab_forms", L, unit_l=sa_unit, code="SIPAS"), sa_cv))
    display(Markdown(
        f"### {sa_report.text('h_forms', L, unit_l=sa_unit)}\\n\\n"
        + sa_report.describe_forms(sa_forms, L, sa_unit, sa_cv, num.tables)))
    display(sa_table)
"""


def insert_cells(nb03: str | None = None, nb01: str | None = None) -> None:
    """Insert the cells into notebook files with nbformat (what the lead does when merging).

    Notebook 03: :data:`NB03_PARAMETERS` appended to the parameters cell (before its
    ``output_dir`` line), :data:`NB03_CELL` after the cell that starts ``if P["unit_targets"]:``.
    Notebook 01: :data:`NB01_CELL` after the cell that starts
    ``display(Markdown(f"## {T('h_plan')}``.
    """
    import nbformat

    for path, cell, anchor in (
        (nb03, NB03_CELL, 'if P["unit_targets"]:'),
        (nb01, NB01_CELL, "display(Markdown(f\"## {T('h_plan')}"),
    ):
        if path is None:
            continue
        book = nbformat.read(path, as_version=4)
        at = next(i for i, c in enumerate(book.cells) if c.source.startswith(anchor))
        book.cells.insert(at + 1, nbformat.v4.new_code_cell(cell.rstrip("\n")))
        if cell is NB03_CELL:
            par = next(c for c in book.cells if "parameters" in c.metadata.get("tags", []))
            lines = par.source.split("\n")
            k = next(i for i, x in enumerate(lines) if x.startswith("output_dir"))
            lines[k:k] = NB03_PARAMETERS.strip("\n").split("\n")
            par.source = "\n".join(lines)
        nbformat.write(book, path)
