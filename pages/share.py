"""Share: read-only links to chosen pages with their period and filters pinned; copy, revoke, cancel them all."""

from legame.ui import session

session.guard(session.ADMIN, "share")

import pandas as pd
import streamlit as st

from legame import i18n, share
from legame.fmt import NumberFormat
from legame.kpis import COMPARISONS, PRESETS, Period, preset
from legame.safe import for_markdown
from legame.ui import cache, controls

ALL = "all"
REVOKED = "share_revoked"  # the label of the link just revoked, shown after the rerun that updates the list
config = session.config()
date_order = NumberFormat.for_reader(config).date_input

st.title("Share")
st.write(
    "A link opens the pages you pick, read-only, for the period and filters you pin, until it expires or you "
    "revoke it. Whoever holds a link can open it: send it only to the people meant to see it."
)

with st.container(border=True):
    st.subheader("Create a link")
    label = st.text_input(
        "Label",
        placeholder="Q3 board",
        max_chars=share.LABEL_MAX_CHARS,
        help="For you, to tell links apart in the list below. The people you send the link to do not see it.",
    )
    pages = st.multiselect("Pages", list(share.PAGES), default=["board"], format_func=share.PAGES.get)
    period_column, compare_column = st.columns(2)
    with period_column:
        name = st.selectbox("Period", list(PRESETS), index=list(PRESETS).index("last_quarter"), format_func=PRESETS.get)
    with compare_column:
        compare = st.segmented_control(
            "Compared with",
            list(COMPARISONS),
            default="previous",
            required=True,
            format_func=lambda kind: COMPARISONS[kind].capitalize(),
        )
    suggested = preset("last_quarter" if name == "custom" else name, cache.anchor())
    if name == "custom":
        start_column, end_column, _ = st.columns([1, 1, 2])
        start = start_column.date_input("From", suggested.start, format=date_order)
        end = end_column.date_input("To", max(suggested.end, start), min_value=start, format=date_order)
        period = Period(start, end)
    else:
        period = suggested
    st.caption(
        f"The link shows {period.label} ({period.start:%d %b %Y} to {period.end:%d %b %Y}) and keeps these dates "
        "as new data arrives."
    )
    dimensions = cache.dimensions()
    channel_column, campaign_column = st.columns(2)
    filters = {}
    for column, key in ((channel_column, "channel"), (campaign_column, "campaign")):
        options = [ALL, *dimensions.get(key, [])]
        with column:
            filters[key] = st.selectbox(
                key.capitalize(),
                options,
                format_func=lambda value, key=key: (
                    f"All {key}s" if value == ALL else controls.dimension_label(key, value)
                ),
            )
    days_column, password_column = st.columns(2)
    days = days_column.number_input(
        "Expires after (days)",
        min_value=1,
        max_value=share.max_days(config),
        value=share.default_days(config),
        step=1,
        help=f"At most {share.max_days(config)} days (share.max_days in config.yaml).",
    )
    password = password_column.text_input(
        "Password (optional)",
        type="password",
        help="People opening the link must type it too. Send it separately from the link.",
    )
    frozen = st.checkbox(
        i18n._("Freeze the numbers as of now"),
        help=i18n._(
            "The link then shows the KPIs, sentences and charts exactly as they are now, even after new data is "
            "loaded. Otherwise it shows its dates on the data loaded when it is opened."
        ),
    )
    if st.button("Create link", type="primary", icon=":material/add_link:"):
        view = share.View(
            tuple(pages),
            period.start,
            period.end,
            compare,
            *(None if filters[key] == ALL else filters[key] for key in ("channel", "campaign")),
            snapshot=frozen,
        )
        with st.spinner(i18n._("Freezing the numbers…") if frozen else i18n._("Creating the link…")):
            link, url = share.create_link(
                session.cursor(), config, label=label, view=view, days=int(days), password=password or None
            )
        st.success(
            f"Link created: it opens until {link.expires_at:%d %b %Y, %H:%M} UTC. Copy it and send it.",
            icon=":material/check:",
        )
        st.code(url, language=None, wrap_lines=True)

st.subheader("Links")
if REVOKED in st.session_state:
    st.success(
        f"Revoked “{for_markdown(st.session_state.pop(REVOKED))}”: it no longer opens.", icon=":material/link_off:"
    )
current = share.secret_id(share.link_secret(config))
links = share.links(session.cursor())
if not links:
    st.caption("No links yet.")
else:
    st.dataframe(
        pd.DataFrame(
            [
                {
                    "Label": link.label,
                    "Status": link.status(current_secret_id=current).capitalize(),
                    "Expires (UTC)": link.expires_at,
                    "Opens": link.open_count,
                    "Last opened (UTC)": link.last_opened_at,
                    "Shows": link.view.describe(),
                    "Password": "yes" if link.has_password else "no",
                    "Created (UTC)": link.created_at,
                    "ID": link.id,
                }
                for link in links
            ]
        ),
        hide_index=True,
        column_config={
            column: st.column_config.DatetimeColumn(format="D MMM YYYY, HH:mm")
            for column in ("Created (UTC)", "Expires (UTC)", "Last opened (UTC)")
        },
    )
    active = {link.id: link for link in links if link.status(current_secret_id=current) == "active"}
    if active:
        chosen = st.selectbox(
            "Copy or revoke a link",
            list(active),
            format_func=lambda link_id: f"{active[link_id].label} · {link_id}",
        )
        st.code(share.link_url(config, active[chosen]), language=None, wrap_lines=True)
        if st.button("Revoke this link", icon=":material/link_off:"):
            share.revoke(session.cursor(), chosen)
            st.session_state[REVOKED] = active[chosen].label
            st.rerun()

with st.expander("Back up the data"):
    st.write(
        "A consistent copy of every table, links included, in a new DuckDB file beside the database, made "
        "while Legame runs. The raw archive (data/raw/) and the secret (data/.secret) are files to copy as they are."
    )
    if st.button("Back up now", icon=":material/backup:"):
        out, rows = session.back_up()
        st.success(f"Backed up {rows:,} rows to {out}.", icon=":material/check:")

with st.expander("Cancel every link at once"):
    st.write(
        "Replacing the signing secret makes every link made so far stop opening, at once; the list keeps them "
        "for the record. From a terminal: `python -m legame share rotate-secret`."
    )
    if st.checkbox("I understand: every link stops opening") and st.button("Replace the secret"):
        share.rotate_secret(config)
        st.rerun()
