"""The board's reports tab: a day or month report as tables, with the days as a sparkline.

Pure rendering (Rich renderables from the wire model); the board fetches and exports.
"""

from __future__ import annotations

from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text

from client.report_models import Report
from counter.core.i18n import t
from counter.core.report_csv import percent
from screens.supervisor.board_text import minutes
from screens.text import plain

PAGE = 50  # items fetched per press of n (the central's default page)
BARS = " ▁▂▃▄▅▆▇█"


def sparkline(values: list[int]) -> str:
    top = max(values, default=0)
    if top <= 0:
        return BARS[0] * len(values)
    return "".join(BARS[min(8, round(8 * v / top))] for v in values)


def _table(title: str, headers: list[str]) -> Table:
    table = Table(title=title, title_justify="left", title_style="bold", expand=False,
                  show_edge=False, pad_edge=False, box=None, header_style="bold")  # fmt: skip
    for header in headers:
        table.add_column(header, no_wrap=True)
    return table


def col(key: str) -> str:
    return t(f"report.col.{key}")


def render(report: Report) -> RenderableType:
    period = report.first_day.isoformat()
    if report.kind == "month":
        period += f" – {report.last_day.isoformat()}"
    parts: list[RenderableType] = [
        Text(t(f"report.title_{report.kind}", period=period), style="bold reverse"),
        Text(t("board.report_keys")),
    ]
    heads = [col("queue"), col("issued"), col("served"), col("no_show")]
    heads += [t("board.col.avg_wait"), "P90", t("board.col.avg"), "P90"]
    queues = _table(t("report.section.queues"), heads)
    for q in report.queues:
        times = (q.wait_avg_s, q.wait_p90_s, q.handle_avg_s, q.handle_p90_s)
        queues.add_row(
            Text.assemble((q.prefix, "bold"), " ", plain(q.name)),
            str(q.issued), str(q.served), str(q.no_show), *(minutes(v) for v in times),
        )  # fmt: skip
    parts.append(queues)
    r, e, c = report.ratings, report.escalations, report.callbacks
    summary = _table(t("board.report_summary"), ["", "", "", ""])
    summary.show_header = False
    summary.add_row(col("rated"), str(r.rated), col("satisfaction"), percent(r.satisfaction))
    summary.add_row(col("bad"), str(r.bad), col("pending"), str(r.pending))
    summary.add_row(col("upheld"), str(r.upheld), col("rectified"), str(r.rectified))
    summary.add_row(col("opened"), str(e.opened), col("closed"), str(e.closed))
    summary.add_row(col("overdue"), str(e.overdue), col("rate"), percent(c.rate))
    summary.add_row(col("recorded"), f"{c.recorded}/{c.drawn}", col("dissatisfied"),
                    str(c.dissatisfied))  # fmt: skip
    summary.add_row(col("cb_to_review"), str(c.to_review), col("upheld"),
                    f"{c.upheld} ({col('rectified')} {c.rectified})")  # fmt: skip
    parts.append(summary)
    if len(report.days) > 1:
        served = [d.served for d in report.days]
        parts.append(Text.assemble((col("served") + " ", "bold"), sparkline(served),
                                   f" {min(served)}–{max(served)}"))  # fmt: skip
    clerks = _table(t("report.section.clerks"), [col("name"), col("served"),
                    t("board.col.avg"), col("rated"), col("satisfaction"), col("bad")])  # fmt: skip
    for clerk in report.clerks:
        k = clerk
        clerks.add_row(plain(k.name), str(k.served), minutes(k.handle_avg_s), str(k.rated),
                       percent(k.satisfaction), str(k.bad))  # fmt: skip
    parts.append(clerks)
    cases = _table(t("report.section.cases"), [col("item_name"), col("accept"), col("tolerate"),
                   col("notice"), col("refuse")])  # fmt: skip
    for item in report.cases:
        cases.add_row(plain(item.item_name), str(item.accept), str(item.tolerate),
                      str(item.notice), str(item.refuse))  # fmt: skip
    parts.append(cases)
    shown, total = len(report.cases), report.cases_total
    if report.cases_next is not None:
        page = min(PAGE, total - shown)
        parts.append(Text(t("report.cases_shown", shown=shown, total=total, page=page)))
    elif total:
        parts.append(Text(t("report.cases_all", total=total)))
    return Group(*parts)
