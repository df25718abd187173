"""Tables are dash-ag-grid: sortable, filterable, resizable, in the page's language."""

from __future__ import annotations

import dash_ag_grid as dag

from i18n import catalogue, norm_lang

DEFAULT_COLUMN = {"sortable": True, "filter": True, "resizable": True, "flex": 1, "minWidth": 100}


def grid_locale(lang: str | None) -> dict[str, str]:
    """The grid's own words (pagination, filters) in the page's language."""
    lang = norm_lang(lang)
    return {
        key.removeprefix("grid."): entry[lang]
        for key, entry in catalogue().items()
        if key.startswith("grid.")
    }


def create_grid(
    grid_id: str,
    rows: list[dict[str, object]],
    columns: list[dict[str, object]],
    *,
    page_size: int | None = None,
    lang: str | None = "zh",
) -> dag.AgGrid:
    """A grid that grows with its rows (no inner scrollbar), paginated when ``page_size``."""
    options: dict[str, object] = {"domLayout": "autoHeight", "localeText": grid_locale(lang)}
    if page_size:
        options |= {
            "pagination": True,
            "paginationPageSize": page_size,
            # AG Grid warns when the page size is not one of the sizes offered
            "paginationPageSizeSelector": sorted({page_size, 20, 50, 100}),
        }
    return dag.AgGrid(
        id=grid_id,
        rowData=rows,
        columnDefs=columns,
        defaultColDef=DEFAULT_COLUMN,
        dashGridOptions=options,
        className="ag-theme-alpine mt-2",
    )
