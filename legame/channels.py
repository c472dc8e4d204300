"""The channel taxonomy: the one list of channels every filter, chart, export and split uses.

config.yaml's `channels` names the channel groups (paid social, organic social, search...) and,
per canonical table, which of an export's own channel names belong to each (Meta Ads' platform
`instagram` is paid social, a post on Instagram organic social, a HubSpot original source "Paid
Social" paid social). The SQL maps names through `channel_of` (queries/relations/channel_of.sql)
with the rules this module builds; a name no rule covers is *unattributed*, never guessed.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from legame.config import Config
from legame.errors import ConfigError
from legame.i18n import N_, _, pgettext

UNATTRIBUTED = "unattributed"
UNATTRIBUTED_LABEL = N_("Unattributed")  # shown with _(); config.yaml's labels with pgettext("channel", ...)
ANY_NAME = "*"
# The tables whose rows carry a channel name of the exporting tool; people's is the acquisition channel.
SOURCES = ("spend", "posts", "interactions", "orders", "people", "visits")
ATTRIBUTIONS = {
    "order_then_person": N_(
        "Attribution: an order belongs to its own campaign's channel (where that campaign's spend was) or its own "
        "channel, else to the buyer's acquisition channel in the CRM, else it is unattributed; a new customer "
        "belongs where their first order does."
    ),
    "order_only": N_(
        "Attribution: an order belongs to its own campaign's channel (where that campaign's spend was) or its own "
        "channel, else it is unattributed; a new customer belongs where their first order does."
    ),
}


@dataclass(frozen=True)
class Taxonomy:
    """The channel groups in display order, and the rules from export names to them."""

    labels: dict[str, str]  # id -> label as config.yaml writes it, in the order filters and charts show them
    rules: tuple[dict[str, str], ...]  # {source, name, channel}: first match wins, "*" last
    attribution: str

    @classmethod
    def from_config(cls, config: Config) -> Taxonomy:
        spec = config.get("channels", default=None)
        if not isinstance(spec, dict) or not isinstance(spec.get("groups"), dict) or not spec["groups"]:
            raise ConfigError(_("config.yaml needs `channels: groups:`, the channel ids and their labels."))
        labels = {str(k): str(v) for k, v in spec["groups"].items()}
        if UNATTRIBUTED in labels:
            raise ConfigError(
                _("config.yaml channels.groups: {name!r} is Legame's own, not a channel.", name=UNATTRIBUTED)
            )
        attribution = str(config.get("attribution", default="order_then_person"))
        if attribution not in ATTRIBUTIONS:
            raise ConfigError(
                _(
                    "attribution in config.yaml must be one of {choices}, not {value!r}.",
                    choices=", ".join(ATTRIBUTIONS),
                    value=attribution,
                )
            )
        return cls(labels, _rules(labels, spec.get("rules") or {}), attribution)

    @property
    def ids(self) -> list[str]:
        """Every channel a split shows, unattributed last."""
        return [*self.labels, UNATTRIBUTED]

    @property
    def all_labels(self) -> dict[str, str]:
        """Every channel a split shows, unattributed included, with its label in the reader's language."""
        return {channel_id: self.label(channel_id) for channel_id in self.ids}

    def label(self, channel_id: str) -> str:
        """The channel's label in the reader's language: the shipped labels are in the catalogue (context
        "channel"); a label of the user's own is shown as written."""
        if channel_id == UNATTRIBUTED:
            return _(UNATTRIBUTED_LABEL)
        if channel_id not in self.labels:
            return channel_id
        return pgettext("channel", self.labels[channel_id])

    def check(self, channel_id: str | None) -> None:
        """Refuse a channel filter that is not in the taxonomy, naming the ones that are."""
        if channel_id is not None and channel_id not in self.ids:
            raise ConfigError(
                _(
                    "{channel!r} is not a channel of config.yaml's taxonomy; the channels are {channels}.",
                    channel=channel_id,
                    channels=", ".join(self.ids),
                )
            )

    @property
    def assumption(self) -> str:
        return _(ATTRIBUTIONS[self.attribution])

    def params(self) -> dict[str, Any]:
        """The SQL parameters the relations in queries/relations/ read the taxonomy from."""
        return {"channel_rules": self.lookup, "person_fallback": self.attribution == "order_then_person"}

    @property
    def lookup(self) -> dict[str, list[str]]:
        """The rules as channel_of reads them: a DuckDB MAP from 'table:name' to the channel of its first rule.

        A map lookup per row costs a fraction of scanning the rule list with a lambda (and binds faster).
        """
        first: dict[str, str] = {}
        for rule in self.rules:
            first.setdefault(f"{rule['source']}:{rule['name']}", rule["channel"])
        return {"key": list(first), "value": list(first.values())}


def _rules(labels: dict[str, str], spec: dict[str, Any]) -> tuple[dict[str, str], ...]:
    unknown = set(spec) - set(SOURCES)
    if unknown:
        raise ConfigError(
            _(
                "config.yaml channels.rules: {names} is not a table with channels ({tables}).",
                names=", ".join(sorted(unknown)),
                tables=", ".join(SOURCES),
            )
        )
    exact: list[dict[str, str]] = []
    wildcard: list[dict[str, str]] = []
    for source in SOURCES:
        # An id or label names its own channel in every table (a canonical export writes them).
        for channel_id, label in labels.items():
            for name in {channel_id.lower(), label.lower()}:
                exact.append({"source": source, "name": name, "channel": channel_id})
        for channel_id, names in (spec.get(source) or {}).items():
            if channel_id not in labels:
                raise ConfigError(
                    _(
                        "config.yaml channels.rules.{table}: {channel!r} is not one of channels.groups ({channels}).",
                        table=source,
                        channel=channel_id,
                        channels=", ".join(labels),
                    )
                )
            if not isinstance(names, list):
                raise ConfigError(
                    _(
                        "config.yaml channels.rules.{table}.{channel} must be a list of names.",
                        table=source,
                        channel=channel_id,
                    )
                )
            for name in names:
                rule = {"source": source, "name": str(name).strip().lower(), "channel": channel_id}
                (wildcard if rule["name"] == ANY_NAME else exact).append(rule)
    return (*exact, *wildcard)
