"""Share: read-only links to chosen pages with their period and filters pinned; copy, revoke, cancel them all."""

from legame.ui import session

session.guard(session.ADMIN, "share")

from datetime import datetime

import pandas as pd
import streamlit as st

from legame import i18n, share, warehouse
from legame.fmt import NumberFormat
from legame.i18n import N_, _, ngettext, pgettext
from legame.kpis import Period, preset
from legame.safe import for_markdown
from legame.ui import cache, controls

ALL = "all"
REVOKED = "share_revoked"  # the label of the link just revoked, shown after the rerun that updates the list
# A link's status (share.Link.status) as the list shows it.
STATUS_WORDS = {
    "active": N_("Active"),
    "revoked": N_("Revoked"),
    "expired": N_("Expired"),
    "secret replaced": N_("Secret replaced"),
}
config = session.config()
fmt = NumberFormat.for_reader(config)
date_order = fmt.date_input

st.title(_("Share"))
st.write(
    _(
        "A link opens the pages you pick, read-only, for the period and filters you pin, until it expires or you "
        "revoke it. Whoever holds a link can open it: send it only to the people meant to see it."
    )
)

with st.container(border=True):
    st.subheader(_("Create a link"))
    label = st.text_input(
        _("Label"),
        placeholder=_("Q3 board"),
        max_chars=share.LABEL_MAX_CHARS,
        help=_("For you, to tell links apart in the list below. The people you send the link to do not see it."),
    )
    page_names = {page: _(title) for page, title in share.PAGES.items()}
    pages = st.multiselect(_("Pages"), list(page_names), default=["board"], format_func=page_names.get)
    presets, comparisons = controls.presets(), controls.comparisons()
    period_column, compare_column = st.columns(2)
    with period_column:
        name = st.selectbox(
            _("Period"), list(presets), index=list(presets).index("last_quarter"), format_func=presets.get
        )
    with compare_column:
        compare = st.segmented_control(
            _("Compared with"), list(comparisons), default="previous", required=True, format_func=comparisons.get
        )
    suggested = preset("last_quarter" if name == "custom" else name, cache.anchor())
    if name == "custom":
        start_column, end_column, _rest = st.columns([1, 1, 2])
        start = start_column.date_input(_("From"), suggested.start, format=date_order)
        end = end_column.date_input(_("To"), max(suggested.end, start), min_value=start, format=date_order)
        period = Period(start, end)
    else:
        period = suggested
    dates = fmt.span(period.start, period.end)
    shown = period.label if period.label == dates else f"{period.label} ({dates})"
    st.caption(_("The link shows {period} and keeps these dates as new data arrives.", period=shown))
    dimensions = cache.dimensions()
    channel_column, campaign_column = st.columns(2)
    filters = {}
    for column, key in ((channel_column, "channel"), (campaign_column, "campaign")):
        options = [ALL, *dimensions.get(key, [])]
        with column:
            filters[key] = st.selectbox(
                controls.filter_label(key),
                options,
                format_func=lambda value, key=key: (
                    controls.all_of(key) if value == ALL else controls.dimension_label(key, value)
                ),
            )
    days_column, password_column, language_column = st.columns(3)
    days = days_column.number_input(
        _("Expires after (days)"),
        min_value=1,
        max_value=share.max_days(config),
        value=share.default_days(config),
        step=1,
        help=_("At most {days} days (share.max_days in config.yaml).", days=fmt.number(share.max_days(config))),
    )
    password = password_column.text_input(
        _("Password (optional)"),
        type="password",
        help=_("People opening the link must type it too. Send it separately from the link."),
    )
    language = language_column.selectbox(
        _("Language of the link"),
        list(i18n.LANGUAGES),
        index=list(i18n.LANGUAGES).index(i18n.current()),
        format_func=i18n.LANGUAGES.get,
        help=_("The language the shared pages open in; whoever opens them can switch."),
    )
    frozen = st.checkbox(
        _("Freeze the numbers as of now"),
        help=_(
            "The link then shows the KPIs, sentences and charts exactly as they are now, even after new data is "
            "loaded. Otherwise it shows its dates on the data loaded when it is opened."
        ),
    )
    if st.button(_("Create link"), type="primary", icon=":material/add_link:"):
        view = share.View(
            tuple(pages),
            period.start,
            period.end,
            compare,
            *(None if filters[key] == ALL else filters[key] for key in ("channel", "campaign")),
            lang=language,
            snapshot=frozen,
        )
        with st.spinner(_("Freezing the numbers…") if frozen else _("Creating the link…")):
            link, url = share.create_link(
                session.cursor(), config, label=label, view=view, days=int(days), password=password or None
            )
        st.success(
            _("Link created: it opens until {expires}. Copy it and send it.", expires=fmt.datetime(link.expires_at)),
            icon=":material/check:",
        )
        st.code(url, language=None, wrap_lines=True)


def when(moment: datetime | None) -> str:
    """A link's time in the configured time zone, with the zone ('30 set 2026, 12:14 CEST')."""
    return fmt.datetime(moment) if moment else ""


def link_table(links: list[share.Link]) -> pd.DataFrame:
    """The links as the list shows them: times in the configured time zone, words in the reader's language."""
    rows = []
    for link in links:
        status = link.status(current_secret_id=current)
        rows.append(
            {
                _("Label"): link.label,
                _("Status"): _(STATUS_WORDS[status]) if status in STATUS_WORDS else status,
                _("Expires"): when(link.expires_at),
                _("Opens"): fmt.number(link.open_count),
                _("Last opened"): when(link.last_opened_at),
                _("Password"): pgettext("has a password", "yes")
                if link.has_password
                else pgettext("has a password", "no"),
                _("Created"): when(link.created_at),
                # The longest last but the id, so the short columns stay in sight.
                _("Shows"): link.view.describe(),
                "ID": link.id,
            }
        )
    return pd.DataFrame(rows)


right_aligned = st.column_config.TextColumn(alignment="right")
st.subheader(_("Links"))
if REVOKED in st.session_state:
    st.success(
        _("Revoked “{label}”: it no longer opens.", label=for_markdown(st.session_state.pop(REVOKED))),
        icon=":material/link_off:",
    )
current = share.secret_id(share.link_secret(config))
links = share.links(session.cursor())
if not links:
    st.caption(_("No links yet."))
else:
    st.dataframe(link_table(links), hide_index=True, column_config={_("Opens"): right_aligned})
    active = {link.id: link for link in links if link.status(current_secret_id=current) == "active"}
    if active:
        chosen = st.selectbox(
            _("Copy or revoke a link"),
            list(active),
            format_func=lambda link_id: f"{active[link_id].label} · {link_id}",
        )
        st.code(share.link_url(config, active[chosen]), language=None, wrap_lines=True)
        if st.button(_("Revoke this link"), icon=":material/link_off:"):
            share.revoke(session.cursor(), chosen)
            st.session_state[REVOKED] = active[chosen].label
            st.rerun()

with st.expander(_("Back up the data")):
    if warehouse.location(config).is_lake:
        # A team's shared warehouse: its catalogue is in PostgreSQL, its data in Parquet files.
        st.write(
            _(
                "This is a shared DuckLake warehouse: back up its PostgreSQL catalogue (pg_dump) and its data "
                "folder, as the README's \"Running Legame for a team\" says. The copy made here is of the embedded "
                "file only."
            )
        )
    else:
        st.write(
            _(
                "A consistent copy of every table, links included, in a new DuckDB file beside the database, made "
                "while Legame runs. The raw archive (data/raw/) and the secret (data/.secret) are files to copy as "
                "they are."
            )
        )
        if st.button(_("Back up now"), icon=":material/backup:"):
            out, rows = session.back_up()
            st.success(
                ngettext(
                    "Backed up {count} row to {file}.",
                    "Backed up {count} rows to {file}.",
                    rows,
                    count=fmt.number(rows),
                    file=for_markdown(str(out)),
                ),
                icon=":material/check:",
            )

with st.expander(_("Cancel every link at once")):
    st.write(
        _(
            "Replacing the signing secret makes every link made so far stop opening, at once; the list keeps them "
            "for the record. From a terminal: `python -m legame share rotate-secret`."
        )
    )
    if st.checkbox(_("I understand: every link stops opening")) and st.button(_("Replace the secret")):
        share.rotate_secret(config)
        st.rerun()
