"""Map an export no profile knows onto a canonical table: propose, let the user correct, save as a profile.

The proposal reads a sample of the file with the same rules a load uses
(legame.ingest.locale), then scores every canonical table by how well its columns
find a source column: by name (normalised, with synonyms) and by the values. The
upload page lays the proposal out; `profile_spec` and `save_profile` turn the
user's final choice into a profile that detection picks up next time.
"""

from __future__ import annotations

import difflib
import re
import tempfile
import unicodedata
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import duckdb
import yaml

from legame import i18n
from legame.config import Config
from legame.errors import FatalFileError, ProfileNotSaved
from legame.fmt import NumberFormat
from legame.i18n import N_, _, ngettext
from legame.ingest import locale
from legame.ingest.normalise import FALSE_WORDS, TRUE_WORDS, ident, literal
from legame.ingest.profiles import profile_specs, saved_profiles_dir, vendor_profile
from legame.ingest.sniff import Sniffed, header_line, readable, sniff, unique_names
from legame.warehouse import TABLES, Column, Table

SAMPLE_ROWS = 200
EMAIL = r"[^@\s]+@[^@\s]+\.[^@\s]+"
PROFILE_NAME = re.compile(r"[a-z][a-z0-9_]{1,59}")
# A proposed match below this is left as "not in this file".
PROPOSE_FROM = 0.5
# A table whose score is within this of another's is a weak fit, to be confirmed (weak_fit).
CLOSE_FIT = 0.05
FIXABLE_CREDIT = 0.5  # of a needed column left to one value for every row


# What each table holds and what each column means, in the words of the person matching the file.
class _Translated(Mapping[str, str]):
    """Labels marked with N_, each translated when read (the mapping screen shows them as they are read)."""

    def __init__(self, labels: dict[str, str]) -> None:
        self._labels = labels

    def __getitem__(self, key: str) -> str:
        return _(self._labels[key])

    def __iter__(self) -> Iterator[str]:
        return iter(self._labels)

    def __len__(self) -> int:
        return len(self._labels)


TABLE_LABELS: Mapping[str, str] = _Translated(
    {
        "people": N_("People: contacts, customers or community members"),
        "posts": N_("Posts: social media posts and their numbers"),
        "interactions": N_("Interactions: comments, replies, reactions, event visits"),
        "orders": N_("Orders: purchases and their amounts"),
        "spend": N_("Ad spend: money spent per day and campaign"),
        "surveys": N_("Survey answers: scores from 0 to 10 (NPS)"),
        "referrals": N_("Referrals: who brought in whom"),
        "visits": N_("Web visits: sessions per day and channel (web analytics)"),
    }
)
_COLUMN_LABELS = {
    "person_id": N_("Person (email or id)"),
    "first_seen": N_("First seen (date)"),
    "is_member": N_("Community member? (yes/no)"),
    "member_since": N_("Member since (date)"),
    "acquisition_channel": N_("Where they came from"),
    "referred_by": N_("Referred by (email or id)"),
    "segment": N_("Segment"),
    "channel": N_("Channel"),
    "post_id": N_("Post id or link"),
    "published_at": N_("Published on (date)"),
    "author_type": N_("Author (brand, employee, customer, influencer)"),
    "is_ugc": N_("Made by a user? (yes/no)"),
    "reach": N_("Reach"),
    "impressions": N_("Impressions"),
    "reactions": N_("Reactions (likes)"),
    "comments": N_("Comments"),
    "shares": N_("Shares"),
    "saves": N_("Saves"),
    "clicks": N_("Clicks"),
    "event_id": N_("Interaction id"),
    "occurred_at": N_("Date"),
    "kind": N_("What they did (comment, reply, reaction…)"),
    "order_id": N_("Order number"),
    "ordered_at": N_("Order date"),
    "revenue": N_("Order total (amount)"),
    "campaign": N_("Campaign"),
    "is_refund": N_("Refunded? (yes/no)"),
    "day": N_("Day"),
    "amount": N_("Amount spent"),
    "response_id": N_("Answer id"),
    "answered_at": N_("Answered on (date)"),
    "score": N_("Score (0 to 10)"),
    "comment": N_("Comment"),
    "referrer_id": N_("Who referred (email or id)"),
    "referred_id": N_("Who was referred (email or id)"),
    "referred_at": N_("Date of the referral"),
    "sessions": N_("Sessions (visits)"),
    "engaged_sessions": N_("Engaged sessions"),
    "key_events": N_("Key events (conversions)"),
}
_TABLE_COLUMN_LABELS = {
    ("orders", "person_id"): N_("Customer (email or id)"),
    ("surveys", "person_id"): N_("Respondent (email or id)"),
}


def column_label(table: str, column: str) -> str:
    """A canonical column in the words of the person matching the file, in their language."""
    label = _TABLE_COLUMN_LABELS.get((table, column), _COLUMN_LABELS.get(column))
    return _(label) if label else column


def table_name(table: str) -> str:
    """The table's short label, as the mapping screen names it in a sentence ("People", "Persone")."""
    return TABLE_LABELS[table].split(":")[0]


# Names an export may give each canonical column, compared after normalising (see `_words`).
SYNONYMS: dict[str, tuple[str, ...]] = {
    "person_id": (
        "person id",
        "email",
        "email address",
        "customer email",
        "customer",
        "customer id",
        "user",
        "user id",
        "username",
        "contact",
        "contact id",
        "member",
        "member id",
        "respondent",
        "buyer",
        "author",
        "profile",
    ),
    "first_seen": ("first seen", "created", "create date", "signed up", "signup date", "registered", "date"),
    "is_member": ("is member", "member", "community member", "in community"),
    "member_since": ("member since", "joined", "joined community", "membership date"),
    "acquisition_channel": ("acquisition channel", "source", "original source", "acquisition", "utm source"),
    "referred_by": ("referred by", "referrer", "invited by"),
    "segment": ("segment", "tier", "group", "lifecycle stage", "customer type"),
    "channel": ("channel", "platform", "network", "social network", "source", "medium", "utm source", "placement"),
    "post_id": ("post id", "post", "post link", "post url", "permalink", "link", "url", "id"),
    "published_at": ("published", "published at", "publish time", "posted", "post date", "date", "created"),
    "author_type": ("author type", "author", "posted by"),
    "is_ugc": ("ugc", "user generated", "user generated content"),
    "reach": ("reach", "people reached", "accounts reached", "unique views"),
    "impressions": ("impressions", "impr", "views"),
    "reactions": ("reactions", "likes", "like count", "reactions likes"),
    "comments": ("comments", "comment count", "replies"),
    "shares": ("shares", "reposts", "retweets"),
    "saves": ("saves", "saved", "bookmarks"),
    "clicks": ("clicks", "link clicks", "clicks all"),
    "event_id": ("event id", "interaction id", "activity id", "id"),
    "occurred_at": ("occurred at", "date", "timestamp", "created", "activity date"),
    "kind": ("kind", "type", "activity", "activity type", "action", "event type", "interaction type"),
    "order_id": ("order id", "order", "order number", "invoice", "invoice number", "transaction id", "id"),
    "ordered_at": ("ordered at", "order date", "ordered", "purchase date", "date", "created", "paid at"),
    "revenue": ("revenue", "total", "order total", "amount", "sales", "value", "gross sales"),
    "campaign": ("campaign", "campaign name", "utm campaign"),
    "is_refund": ("refund", "refunded", "is refund", "returned"),
    "day": ("day", "date", "reporting starts", "period"),
    "amount": ("amount", "amount spent", "spend", "spent", "cost"),
    "response_id": ("response id", "id", "submission id", "response"),
    "answered_at": ("answered at", "submitted", "submitted at", "submit date", "response date", "date", "created"),
    "score": ("score", "nps", "nps score", "rating", "how likely", "likely recommend", "recommend", "0 10"),
    "comment": ("comment", "feedback", "why", "reason", "open answer", "message", "text"),
    "referrer_id": ("referrer", "referrer id", "referred by", "advocate", "ambassador", "inviter", "referrer email"),
    "referred_id": ("referred", "referred id", "friend", "invitee", "new customer", "friend email", "referee"),
    "referred_at": ("referred at", "referral date", "date", "created"),
    "sessions": ("sessions", "visits", "sessions count"),
    "engaged_sessions": ("engaged sessions",),
    "key_events": ("key events", "conversions", "goals"),
}

# The same names as ads, shop and CRM tools write them in Italian, French, German, Spanish and
# Portuguese, without accents (names are compared with their accents removed).
TRANSLATED_SYNONYMS: dict[str, tuple[str, ...]] = {
    "person_id": (
        *("email cliente", "cliente", "id cliente", "utente", "contatto", "iscritto", "autore"),
        *("email client", "client", "courriel", "adresse email", "id client", "utilisateur", "auteur"),
        *("kunde", "kunden email", "email adresse", "kundennummer", "benutzer", "kontakt", "autor"),
        *("correo", "correo electronico", "email del cliente", "id cliente", "usuario", "contacto"),
        *("email do cliente", "id do cliente", "usuario", "contato"),
    ),
    "first_seen": (
        *("data creazione", "data di creazione", "creato", "data iscrizione", "iscritto il", "registrato"),
        *("date de creation", "cree le", "inscrit le", "date d inscription"),
        *("erstellt", "erstellungsdatum", "registriert", "anmeldedatum"),
        *("fecha de creacion", "fecha de alta", "fecha de registro", "creado"),
        *("data de criacao", "data de cadastro", "criado em"),
    ),
    "is_member": ("membro", "iscritto alla community", "membre", "mitglied", "miembro"),
    "member_since": ("membro dal", "membre depuis", "mitglied seit", "miembro desde", "membro desde"),
    "acquisition_channel": (
        *("fonte", "origine", "fonte originale", "canale di acquisizione"),
        *("source d origine", "canal d acquisition"),
        *("quelle", "herkunft", "akquisekanal"),
        *("fuente", "origen", "canal de adquisicion"),
        *("origem", "canal de aquisicao"),
    ),
    "referred_by": (
        "invitato da",
        "presentato da",
        "parraine par",
        "parrain",
        "geworben von",
        "referido por",
        "indicado por",
    ),
    "segment": ("segmento", "gruppo", "groupe", "gruppe", "grupo", "categoria", "categorie", "kategorie"),
    "channel": (
        *("canale", "canale vendita", "canale di vendita", "piattaforma", "rete"),
        *("canal", "canal de vente", "plateforme", "reseau"),
        *("kanal", "vertriebskanal", "verkaufskanal", "plattform", "netzwerk"),
        *("canal de venta", "plataforma", "red social"),
        *("canal de venda", "rede social"),
    ),
    "post_id": (
        *("id post", "link al post", "link del post", "id contenuto"),
        *("id de la publication", "publication", "lien de la publication"),
        *("beitrags id", "beitrag", "beitragslink"),
        *("id de la publicacion", "publicacion", "enlace de la publicacion"),
        *("id da publicacao", "publicacao", "link da publicacao"),
    ),
    "published_at": (
        *("data di pubblicazione", "pubblicato", "ora di pubblicazione"),
        *("date de publication", "publie", "publie le", "heure de publication"),
        *("veroffentlicht", "veroffentlichungsdatum", "veroffentlichungszeit"),
        *("fecha de publicacion", "publicado", "hora de publicacion"),
        *("data de publicacao", "publicado em", "horario de publicacao"),
    ),
    "reach": ("copertura", "persone raggiunte", "couverture", "portee", "reichweite", "alcance", "pessoas alcancadas"),
    "impressions": ("impressioni", "visualizzazioni", "impressionen", "impresiones", "impressoes", "vues"),
    "reactions": (
        "reazioni",
        "mi piace",
        "reactions",
        "j aime",
        "reaktionen",
        "gefallt mir",
        "reacciones",
        "me gusta",
        "reacoes",
        "curtidas",
    ),
    "comments": ("commenti", "commentaires", "kommentare", "comentarios"),
    "shares": ("condivisioni", "partages", "geteilt", "compartidos", "veces compartido", "compartilhamentos"),
    "saves": ("salvataggi", "enregistrements", "gespeichert", "guardados", "salvamentos"),
    "clicks": (
        "clic",
        "clic sul link",
        "clics",
        "clics sur un lien",
        "klicks",
        "link klicks",
        "clics en el enlace",
        "cliques",
        "cliques no link",
    ),
    "event_id": ("id evento", "id attivita", "id de l evenement", "ereignis id", "id del evento", "id do evento"),
    "occurred_at": (
        "data",
        "data attivita",
        "date de l activite",
        "datum",
        "fecha",
        "fecha de la actividad",
        "data da atividade",
    ),
    "kind": ("tipo", "azione", "tipo di attivita", "type d activite", "typ", "aktion", "art", "accion", "acao"),
    "order_id": (
        *("numero ordine", "id ordine", "ordine", "n ordine", "numero fattura"),
        *("numero de commande", "commande", "id commande", "numero de facture"),
        *("bestellnummer", "bestellung", "bestell id", "auftragsnummer", "rechnungsnummer"),
        *("numero de pedido", "pedido", "id pedido", "id del pedido", "numero de factura"),
        *("numero do pedido", "id do pedido", "numero da encomenda", "encomenda"),
    ),
    "ordered_at": (
        *("data ordine", "data dell ordine", "data acquisto", "data"),
        *("date de commande", "date de la commande", "date d achat"),
        *("bestelldatum", "kaufdatum", "datum"),
        *("fecha de pedido", "fecha del pedido", "fecha de compra", "fecha"),
        *("data do pedido", "data da compra", "data da encomenda"),
    ),
    "revenue": (
        *("totale", "totale ordine", "importo", "ricavi", "fatturato", "valore", "vendite"),
        *("total de la commande", "montant", "chiffre d affaires", "ventes", "valeur"),
        *("gesamt", "gesamtbetrag", "betrag", "umsatz", "bestellwert", "summe"),
        *("total del pedido", "importe", "ingresos", "ventas", "valor"),
        *("total do pedido", "receita", "vendas", "valor total"),
    ),
    "campaign": (
        *("campagna", "nome campagna", "nome della campagna"),
        *("campagne", "nom de la campagne"),
        *("kampagne", "kampagnenname"),
        *("campana", "nombre de la campana"),
        *("campanha", "nome da campanha"),
    ),
    "is_refund": (
        *("rimborso", "rimborsato", "reso", "stornato"),
        *("remboursement", "rembourse", "retourne"),
        *("erstattung", "erstattet", "ruckerstattung", "zuruckerstattet", "storniert"),
        *("reembolso", "reembolsado", "devuelto", "devolucion"),
        *("devolvido", "devolucao", "estornado"),
    ),
    "day": (
        "giorno",
        "data",
        "jour",
        "date",
        "tag",
        "datum",
        "dia",
        "fecha",
        "inizio dei report",
        "debut des rapports",
        "berichtsbeginn",
        "inicio del informe",
        "inicio dos relatorios",
    ),
    "amount": (
        *("importo speso", "spesa", "costo", "speso"),
        *("montant depense", "depenses", "cout"),
        *("ausgegebener betrag", "ausgaben", "kosten"),
        *("importe gastado", "gasto", "coste", "costo"),
        *("valor usado", "valor gasto", "gasto", "custo"),
    ),
    "response_id": ("id risposta", "id de reponse", "antwort id", "id de respuesta", "id da resposta"),
    "answered_at": (
        *("data risposta", "data di invio", "inviato"),
        *("date de reponse", "soumis le", "date d envoi"),
        *("antwortdatum", "eingereicht", "absendedatum"),
        *("fecha de respuesta", "enviado", "fecha de envio"),
        *("data da resposta", "enviado em"),
    ),
    "score": (
        "punteggio",
        "voto",
        "valutazione",
        "note",
        "bewertung",
        "punktzahl",
        "puntuacion",
        "calificacion",
        "pontuacao",
        "nota",
    ),
    "comment": ("commento", "motivo", "commentaire", "raison", "kommentar", "grund", "comentario", "motivo", "razao"),
    "referrer_id": ("presentatore", "parrain", "werber", "referente", "indicador"),
    "referred_id": ("invitato", "amico", "filleul", "geworbener", "referido", "amigo", "indicado"),
    "referred_at": (
        "data invito",
        "date de parrainage",
        "empfehlungsdatum",
        "fecha de referencia",
        "data da indicacao",
    ),
    "sessions": ("sessioni", "sitzungen", "sesiones", "sessoes"),
    "engaged_sessions": (
        "sessioni con engagement",
        "sessions avec engagement",
        "sitzungen mit interaktionen",
        "sesiones con interaccion",
        "sessoes engajadas",
    ),
    "key_events": (
        "eventi chiave",
        "evenements cles",
        "schlusselereignisse",
        "eventos clave",
        "eventos principais",
        "conversioni",
        "conversions",
        "conversionen",
        "conversiones",
        "conversoes",
    ),
}
SYNONYMS = {column: (*names, *TRANSLATED_SYNONYMS.get(column, ())) for column, names in SYNONYMS.items()}

# Words that mean the same in a column name: they are compared as one concept.
_CONCEPTS = {
    "email": ("email", "mail", "emailaddress", "emails", "courriel", "correo"),
    "id": (
        *("id", "ids", "number", "no", "nr", "num", "#", "code", "ref", "reference", "identifier", "token", "key"),
        *("numero", "nummer", "codice", "codigo", "identifiant"),
    ),
    "date": ("date", "datetime", "timestamp", "time", "created", "at", "on", "when", "data", "datum", "fecha"),
    "money": (
        "amount",
        "total",
        "revenue",
        "spend",
        "spent",
        "cost",
        "costs",
        "sales",
        "price",
        "value",
        "turnover",
        "subtotal",
        "gross",
        "eur",
        "usd",
        "gbp",
        "chf",
        "euro",
        "euros",
        *("totale", "importo", "montant", "betrag", "importe", "valor", "valore", "ricavi", "umsatz", "receita"),
    ),
}
MOST_REQUIRED = max(sum(c.required for c in t.columns) for t in TABLES.values())
_CONCEPT_OF = {word: concept for concept, words in _CONCEPTS.items() for word in words}
_STOP_WORDS = frozenset(
    "a an the of to you your are us we is in for and or how would be this our it what do did with from".split()
)


def _words(name: str) -> tuple[str, frozenset[str]]:
    """A column name as plain lower-case words, and the set of its concepts ('Order No.' -> {order, id})."""
    spaced = re.sub(r"(?<=[a-z])(?=[A-Z])", " ", name)  # orderDate -> order Date
    ascii_text = unicodedata.normalize("NFKD", spaced).encode("ascii", "ignore").decode().lower()
    text = " ".join(re.findall(r"[a-z]+|\d+|#", ascii_text))
    text = re.sub(r"\be mail\b", "email", text)
    concepts = frozenset(_CONCEPT_OF.get(w, w) for w in text.split() if w not in _STOP_WORDS)
    return text, concepts


_SYNONYM_WORDS = {column: tuple(_words(s) for s in names) for column, names in SYNONYMS.items()}


def name_similarity(source: str, column: str) -> tuple[float, str | None]:
    """How well a file's column name fits a canonical column (0 to 1), and the name it resembles."""
    text, concepts = _words(source)
    best: tuple[float, int] = (0.0, 0)
    like = None
    for synonym_text, synonym_concepts in (_words(column.replace("_", " ")), *_SYNONYM_WORDS.get(column, ())):
        if text == synonym_text:
            return 1.0, synonym_text
        common = len(concepts & synonym_concepts)
        if common:
            # Every word of the synonym present counts most; extra words in the file's name cost a little.
            score = 0.95 * (0.7 * common / len(synonym_concepts) + 0.3 * common / len(concepts))
        else:
            ratio = difflib.SequenceMatcher(None, text, synonym_text).ratio()
            score = 0.8 * ratio if ratio >= 0.85 else 0.0  # a typo: 'revenu', 'impresions'
        # Among equal scores, the synonym sharing the most words as written is the one named in the reason.
        key = (round(score, 6), len(set(text.split()) & set(synonym_text.split())))
        if score and key > best:
            best, like = key, synonym_text
    return best[0], like


@dataclass(frozen=True)
class ColumnStats:
    """What a file column's sample values look like, counted with the rules a load reads them by."""

    filled: int  # non-empty values
    emails: int
    dates: int
    numbers: int
    whole_numbers: int
    booleans: int
    distinct: int
    low: float | None
    high: float | None
    choice_hits: dict[tuple[str, ...], int] = field(default_factory=dict)
    examples: tuple[str, ...] = ()
    words: tuple[str, ...] = ()  # its distinct values, most frequent first, when there are few (WORDS_SHOWN)

    def share(self, count: int) -> float:
        return count / self.filled if self.filled else 0.0


@dataclass(frozen=True)
class Sample:
    """The first rows of a file: its header (as written and as read) and each column's value statistics."""

    file_name: str
    header: tuple[str, ...]  # as in the file
    names: tuple[str, ...]  # as read: a repeated name gets _2, an empty one column<n>
    rows: int
    stats: dict[str, ColumnStats]  # by read name

    def header_name(self, name: str) -> str:
        return self.header[self.names.index(name)]


_CHOICE_SETS = tuple(sorted({c.choices for t in TABLES.values() for c in t.columns if c.choices}))


def _stats_sql(names: Sequence[str]) -> str:
    dot = (".", locale.thousands_for("."))
    comma = (",", locale.thousands_for(","))
    whole = ("", locale.regex_class(".,") + locale.SPACES + locale.APOSTROPHES)
    booleans = ", ".join(literal(w) for w in TRUE_WORDS + FALSE_WORDS)
    parts = []
    for name in names:
        text = f"nullif(trim({ident(name)}), '')"
        value = locale.null_words(text)
        number = f"coalesce({locale.number_sql(value, *dot)}, {locale.number_sql(value, *comma)})"
        as_date = f"coalesce({locale.date_sql(value, 'dmy')}, {locale.date_sql(value, 'mdy')})"
        parts += [
            f"count({text})",
            f"count(*) filter (where regexp_full_match({text}, {literal(EMAIL)}))",
            f"count(*) filter (where {as_date} is not null)",
            f"count(*) filter (where {number} is not null)",
            f"count(*) filter (where {locale.number_sql(value, *whole)} is not null)",
            f"count(*) filter (where lower({text}) in ({booleans}))",
            f"count(distinct {text})",
            f"min({number})",
            f"max({number})",
        ]
        for choices in _CHOICE_SETS:
            allowed = ", ".join(literal(c) for c in choices)
            parts.append(f"count(*) filter (where lower({text}) in ({allowed}))")
    return f"select {', '.join(parts)} from sample"


def read_sample(path: Path, file_name: str, rows: int = SAMPLE_ROWS) -> Sample:
    """Sniff the file (its header below any title lines) and describe the values of its first `rows` rows."""
    sniffed: Sniffed = sniff(path, file_name, header_line(path, file_name))
    names = unique_names(sniffed.header)
    read = (
        "read_csv($path, header = true, delim = $delim, quote = '\"', escape = '\"', encoding = $encoding, "
        f"all_varchar = true, names = [{', '.join(literal(n) for n in names)}], ignore_errors = true, "
        f"null_padding = true, skip = {int(sniffed.skip)})"
    )
    with duckdb.connect() as con, readable(path, sniffed) as (read_path, read_sniffed):
        try:
            con.execute(
                f"create table sample as select * from {read} limit {int(rows)}",
                {"path": str(read_path), "delim": read_sniffed.delimiter, "encoding": read_sniffed.encoding},
            )
        except duckdb.Error as exc:
            raise FatalFileError(
                _("{file_name} could not be read: {error}", file_name=file_name, error=str(exc).strip().splitlines()[0])
            ) from None
        counts = con.execute(_stats_sql(names)).fetchone()
        words = {
            name: tuple(
                w
                for (w,) in con.execute(
                    f"select trim({ident(name)}) as w from sample where nullif(trim({ident(name)}), '') is not null "
                    f"group by w order by count(*) desc, w limit {WORDS_SHOWN + 1}"
                ).fetchall()
            )
            for name in names
        }
        first_rows = con.execute("select * from sample limit 20").fetchall()
        n_rows = con.execute("select count(*) from sample").fetchone()[0]
    width = 9 + len(_CHOICE_SETS)
    stats = {}
    for i, name in enumerate(names):
        c = counts[i * width : (i + 1) * width]
        examples = tuple(dict.fromkeys(str(r[i]).strip() for r in first_rows if r[i] and str(r[i]).strip()))[:3]
        stats[name] = ColumnStats(
            filled=c[0],
            emails=c[1],
            dates=c[2],
            numbers=c[3],
            whole_numbers=c[4],
            booleans=c[5],
            distinct=c[6],
            low=c[7],
            high=c[8],
            choice_hits=dict(zip(_CHOICE_SETS, c[9:], strict=True)),
            examples=examples,
            words=words[name] if len(words[name]) <= WORDS_SHOWN else (),
        )
    return Sample(file_name=file_name, header=sniffed.header, names=tuple(names), rows=n_rows, stats=stats)


WORDS_SHOWN = 12  # a column with at most this many different values can have them translated by hand

# Words exports use for Legame's choices (compared in lower case, after the choices themselves).
WORD_SYNONYMS: dict[str, tuple[str, ...]] = {
    "comment": ("commented", "comments", "commento", "commentaire", "kommentar", "comentario", "message", "chat"),
    "reply": ("replied", "replies", "response", "risposta", "réponse", "antwort", "respuesta"),
    "answer": ("answered", "accepted answer", "solution", "solved", "risposta accettata"),
    "reaction": ("like", "likes", "liked", "upvote", "upvoted", "heart", "reacted", "mi piace", "clap"),
    "share": ("shared", "shares", "repost", "reposted", "retweet", "condivisione"),
    "post": ("posted", "new post", "topic", "new topic", "thread", "question", "article", "discussion"),
    "event": ("event attendance", "attended", "attendance", "rsvp", "checked in", "check-in", "evento", "webinar"),
    "review": ("reviewed", "rating", "recensione", "avis"),
    "referral": ("referred", "invite", "invited", "invitation"),
    "ugc": ("user content", "user generated", "user-generated content", "creator content"),
    "brand": ("page", "official", "company", "admin", "azienda", "marca"),
    "employee": ("staff", "team", "moderator", "dipendente", "employee advocate"),
    "customer": ("user", "member", "client", "cliente", "fan"),
    "influencer": ("creator", "ambassador", "partner", "kol"),
}
NO_WORD = ""  # the translation "not one of these": such rows are rejected and shown in the report


def readable_words(column: Column) -> dict[str, Any]:
    """The words a load reads by itself in a choice or yes/no column, with their value."""
    if column.kind == "boolean":
        return {**{w: True for w in TRUE_WORDS}, **{w: False for w in FALSE_WORDS}}
    return {c: c for c in column.choices}


def translatable(column: Column) -> bool:
    return column.kind in ("choice", "boolean")


def propose_words(stats: ColumnStats, column: Column) -> dict[str, Any]:
    """For each of a column's words, the choice (or yes/no) it most likely means; NO_WORD when none fits."""
    known = readable_words(column)
    proposal: dict[str, Any] = {}
    for word in stats.words:
        folded = word.strip().lower()
        if folded in known:
            proposal[word] = known[folded]
            continue
        proposal[word] = next(
            (c for c in column.choices if folded in WORD_SYNONYMS.get(c, ()) or folded.rstrip("s") == c),
            NO_WORD,
        )
    return proposal


def sample_upload(file_name: str, data: bytes, rows: int = SAMPLE_ROWS) -> Sample:
    """`read_sample` for an upload held in memory."""
    with tempfile.TemporaryDirectory(prefix="legame-mapping-") as folder:
        path = Path(folder) / "upload.csv"  # text only: a workbook's sheet arrives as its CSV
        path.write_bytes(data)
        return read_sample(path, file_name, rows)


def _share(share: float, every: str, some: str, **values: Any) -> str:
    """`every` when all values are so, else `some` with the share as the reader writes a percentage."""
    if share == 1:
        return _(every, **values)
    percent = NumberFormat(i18n.DEFAULT_LOCALE[i18n.current()]).percent(round(100 * share), 0)
    return _(some, share=percent, **values)


def _is_id(column: Column) -> bool:
    return column.name.endswith("_id") and column.kind == "text"


def _value_fit(stats: ColumnStats, column: Column) -> tuple[float, str | None]:
    """How well a file column's values fit a canonical column (0 to 1) and why; -1: they must never go there."""
    if not stats.filled:
        return 0.3, _("it is empty in the rows looked at")
    emails = stats.share(stats.emails)
    if column.kind == "person":
        if emails >= 0.5:
            return 1.0, _share(
                emails, N_("all of its values are email addresses"), N_("{share} of its values are email addresses")
            )
        if stats.share(stats.dates) >= 0.5 or stats.share(stats.numbers - stats.whole_numbers) >= 0.5:
            return 0.2, _("its values do not look like emails or ids")
        return 0.6, None
    if emails >= 0.5:
        # An email is personal data: it enters only as a person column's anonymous code.
        return -1.0, _("its values are email addresses")
    if column.kind in ("date", "timestamp"):
        dates = stats.share(stats.dates)
        if not dates:
            return dates, _("its values are not dates")
        return dates, _share(dates, N_("all of its values are dates"), N_("{share} of its values are dates"))
    if column.kind in ("number", "integer"):
        count = stats.numbers if column.kind == "number" else stats.whole_numbers
        share = stats.share(count)
        if column.name == "score" and share and (stats.low < 0 or stats.high > 10):
            low, high = (
                NumberFormat(i18n.DEFAULT_LOCALE[i18n.current()]).number(v, 0 if v == int(v) else 2)
                for v in (stats.low, stats.high)
            )
            return 0.5 * share, _("its values go from {low} to {high}, not 0 to 10", low=low, high=high)
        if column.kind == "number":
            if not share:
                return share, _("its values are not numbers")
            return share, _share(share, N_("all of its values are numbers"), N_("{share} of its values are numbers"))
        if not share:
            return share, _("its values are not whole numbers")
        return share, _share(
            share, N_("all of its values are whole numbers"), N_("{share} of its values are whole numbers")
        )
    if column.kind == "boolean":
        share = stats.share(stats.booleans)
        if not share:
            return share, _("its values are not yes/no")
        return share, _share(
            share, N_("all of its values are yes/no words"), N_("{share} of its values are yes/no words")
        )
    if column.kind == "choice":
        share = stats.share(stats.choice_hits.get(column.choices, 0))
        if share:
            examples = ", ".join(column.choices[:3])
            return max(share, 0.5), _share(
                share,
                N_("all of its values are {examples}…"),
                N_("{share} of its values are {examples}…"),
                examples=examples,
            )
        return 0.3, None
    looks_like = stats.share(max(stats.dates, stats.numbers - stats.whole_numbers))
    if _is_id(column):
        if stats.share(stats.dates) >= 0.8:
            return 0.2, _("its values are dates")
        if stats.distinct == stats.filled:
            return 0.9, _("every value is different, as ids are")
        return 0.6, None
    if looks_like >= 0.8 or (column.name != "comment" and stats.share(stats.numbers) >= 0.8):
        return 0.2, _("its values are dates or numbers")
    return 0.7, None


@dataclass(frozen=True)
class Match:
    """The file column proposed for one canonical column (or none), how sure, and why."""

    column: str
    label: str
    required: bool
    source: str | None = None
    confidence: float = 0.0
    email: bool = False
    reasons: tuple[str, ...] = ()

    @property
    def certainty(self) -> str:
        if self.source is None:
            return "none"
        return "sure" if self.confidence >= 0.8 else "likely" if self.confidence >= 0.6 else "guess"


@dataclass(frozen=True)
class TableProposal:
    """One canonical table's best mapping of the file, and how well the table fits it."""

    table: str
    score: float
    matches: dict[str, Match]  # every canonical column, in the table's order
    reasons: tuple[str, ...] = ()

    @property
    def missing(self) -> list[str]:
        return [m.column for m in self.matches.values() if m.required and m.source is None]


@dataclass(frozen=True)
class Proposal:
    """Every canonical table's mapping of one file, the best fitting first."""

    sample: Sample
    tables: tuple[TableProposal, ...]

    @property
    def best(self) -> TableProposal:
        return self.tables[0]

    def table(self, name: str) -> TableProposal:
        return next(t for t in self.tables if t.table == name)


def _only_of_its_kind(sample: Sample, name: str, kind: str) -> bool:
    """True when `name` is the file's one column whose values are mostly dates (or emails)."""

    def holds(stats: ColumnStats) -> bool:
        return stats.share(stats.dates if kind == "dates" else stats.emails) >= 0.8

    return holds(sample.stats[name]) and sum(holds(s) for s in sample.stats.values()) == 1


def _candidate(sample: Sample, table: Table, column: Column, name: str) -> Match | None:
    stats = sample.stats[name]
    fit, fit_reason = _value_fit(stats, column)
    if fit < 0:
        return None
    similarity, like = name_similarity(sample.header_name(name), column.name)
    reasons = []
    if similarity >= 0.5:
        same = like == _words(sample.header_name(name))[0]
        reasons.append(_("its name says so") if same else _("its name is like “{like}”", like=like))
        score = 0.6 * similarity + 0.4 * fit
    elif column.name == table.date_column and _only_of_its_kind(sample, name, "dates"):
        reasons.append(_("it is the only column with dates"))
        score = 0.15 + 0.4 * fit
    elif column.kind == "person" and _only_of_its_kind(sample, name, "emails"):
        reasons.append(_("it is the only column with email addresses"))
        score = 0.15 + 0.4 * fit
    else:
        return None
    if fit_reason:
        reasons.append(fit_reason)
    email = column.kind == "person" and stats.share(stats.emails) >= 0.5
    if email:
        reasons.append(_("emails are kept only as anonymous codes"))
    return Match(
        column=column.name,
        label=column_label(table.name, column.name),
        required=column.required,
        source=name,
        confidence=round(min(score, 1.0), 2),
        email=email,
        reasons=tuple(reasons),
    )


def propose_table(sample: Sample, table: Table) -> TableProposal:
    """Match each canonical column to at most one file column, the surest pairs first."""
    candidates = [
        m
        for i, name in enumerate(sample.names)
        for column in table.columns
        if (m := _candidate(sample, table, column, name)) and m.confidence >= PROPOSE_FROM
    ]
    order = {name: i for i, name in enumerate(sample.names)}
    candidates.sort(key=lambda m: (-m.confidence, not m.required, order[m.source]))
    chosen: dict[str, Match] = {}
    used: set[str] = set()
    for m in candidates:
        if m.column not in chosen and m.source not in used:
            chosen[m.column] = m
            used.add(m.source)
    matches = {
        c.name: chosen.get(c.name) or Match(c.name, column_label(table.name, c.name), c.required) for c in table.columns
    }
    required = [m for m in matches.values() if m.required]
    found = [m for m in required if m.source]
    # Most weight on the columns the table cannot do without, some on how much of the file it explains,
    # and some on how many needed columns it fills: a table needing one column (people) would otherwise
    # win any file with an email in it, an orders export among them.
    # A needed column the user can fill with one value for every row (the channel of a one-network
    # ads export) counts half: an Italian LinkedIn file is spend with its channel typed in, not orders
    # without their customers.
    fixable = sum(1 for m in required if not m.source and can_be_fixed(table.name, m.column))
    covered = (sum(m.confidence for m in found) + FIXABLE_CREDIT * fixable) / len(required)
    explained = sum(m.confidence for m in matches.values()) / max(1, len(sample.names))
    filled = sum(m.confidence for m in found) / MOST_REQUIRED
    if len(found) == len(required):
        needs = ngettext("the column it needs was found", "all {n} columns it needs were found", len(required))
    else:
        needs = ngettext(
            "{found} of the {n} column it needs were found",
            "{found} of the {n} columns it needs were found",
            len(required),
            found=len(found),
        )
    fit = ngettext(
        "{used} of the file's {n} column fits it",
        "{used} of the file's {n} columns fit it",
        len(sample.names),
        used=len(used),
    )
    reasons = [needs, fit]
    score = 0.45 * covered + 0.4 * explained + 0.15 * filled
    return TableProposal(table.name, round(score, 3), matches, tuple(reasons))


def weak_fit(proposal: Proposal, table: TableProposal) -> str | None:
    """Why `table` may be the wrong place for the file, for the user to confirm; None when it fits well.

    Weak: fewer than half of the file's columns fit the table, or another table fits about as well.
    """
    label = table_name(table.table)
    used = sum(1 for m in table.matches.values() if m.source)
    columns = len(proposal.sample.names)
    why = []
    if used * 2 < columns:
        why.append(
            _("only {used} of the file's {columns} columns fit {table}", used=used, columns=columns, table=label)
        )
    rivals = [t for t in proposal.tables if t.table != table.table and t.score >= table.score - CLOSE_FIT]
    if rivals:
        other = table_name(rivals[0].table)
        if rivals[0].score > table.score:
            why.append(_("{table} fits it better", table=other))
        else:
            why.append(_("{table} fits it about as well", table=other))
    if not why:
        return None
    because = why[0] if len(why) == 1 else _("{first} and {second}", first=why[0], second=why[1])
    return _("This file may not be {table}: {why}. Check the columns below before saving.", table=label, why=because)


def propose(sample: Sample) -> Proposal:
    """Every canonical table's mapping, the best fitting first (ties in the schema's order)."""
    proposals = [propose_table(sample, t) for t in TABLES.values()]
    order = {name: i for i, name in enumerate(TABLES)}
    return Proposal(sample, tuple(sorted(proposals, key=lambda p: (-p.score, order[p.table]))))


@dataclass(frozen=True)
class Choice:
    """The user's final answer for one canonical column: a file column, or one value for every row."""

    source: str | None = None
    value: str | None = None
    email: bool = False
    words: tuple[tuple[str, Any], ...] = ()  # the file's words and the choice each stands for


def choices_from(proposal: TableProposal) -> dict[str, Choice]:
    return {c: Choice(source=m.source, email=m.email) for c, m in proposal.matches.items() if m.source}


def can_be_fixed(table: str, column: str) -> bool:
    """Columns that may take one value for every row (the channel of a single-channel export, say)."""
    col = TABLES[table].column(column)
    return col.kind == "text" and not _is_id(col)


def problems(sample: Sample, table: str, choices: Mapping[str, Choice]) -> list[str]:
    """What keeps the mapping from loading, in words; empty when it can be previewed and saved."""
    found = []
    for col in TABLES[table].columns:
        choice = choices.get(col.name)
        label = column_label(table, col.name)
        if choice and choice.source is None and not (choice.value or "").strip():
            found.append(_("{column}: type the value every row should get.", column=label))
        elif col.required and (choice is None or (choice.source is None and choice.value is None)):
            if can_be_fixed(table, col.name):
                found.append(
                    _(
                        "{column} is needed: pick the column of the file that holds it, "
                        "or choose to give every row the same value.",
                        column=label,
                    )
                )
            else:
                found.append(_("{column} is needed: pick the column of the file that holds it.", column=label))
        elif choice and choice.source:
            stats = sample.stats[choice.source]
            if stats.share(stats.emails) >= 0.5 and not (col.kind == "person" and choice.email):
                found.append(
                    _(
                        "{column} holds email addresses: Legame keeps them only as anonymous codes, so it can only "
                        "be a person's column, with “email addresses” ticked.",
                        column=sample.header_name(choice.source),
                    )
                )
    return found


def profile_spec(sample: Sample, table: str, choices: Mapping[str, Choice], label: str) -> dict[str, Any]:
    """The profile spec (as in legame/ingest/formats/*.yaml) for the user's final choice.

    `detect` is the mapped columns, as the header writes them, so the next file
    with the same columns is recognised.
    """
    columns: dict[str, Any] = {}
    for col in TABLES[table].columns:
        choice = choices.get(col.name)
        if choice is None:
            continue
        if choice.source is None:
            if choice.value is not None:
                # Channels are compared in lower case, as the pipeline reads a channel column.
                value = choice.value.strip()
                columns[col.name] = {"value": value.lower() if col.name == "channel" else value}
        elif choice.email and col.kind == "person":
            columns[col.name] = {"column": choice.source, "email": True}
        elif choice.words and translatable(col):
            # Every word the user translated; a word left as "not one of these" stays out, so it is rejected.
            values = {w: v for w, v in choice.words if v != NO_WORD}
            if col.kind == "boolean":  # a yes/no column reads only the words listed: keep the usual ones too
                values = {**readable_words(col), **values}
            columns[col.name] = {"column": choice.source, "values": values}
        else:
            columns[col.name] = choice.source
    mapped = {c.source for c in choices.values() if c.source}
    detect = list(dict.fromkeys(sample.header_name(n) for n in sample.names if n in mapped and sample.header_name(n)))
    return {"label": label.strip(), "table": table, "detect": detect, "columns": columns}


def profile_name(label: str) -> str:
    """The file and profile name for a label the user typed: 'Acme CRM – orders' -> 'acme_crm_orders'."""
    text = unicodedata.normalize("NFKD", label).encode("ascii", "ignore").decode().lower()
    return re.sub(r"[^a-z0-9]+", "_", text).strip("_")[:60]


def saved_profile_path(config: Config, name: str) -> Path:
    return saved_profiles_dir(config) / f"{name}.yaml"


def save_profile(config: Config, name: str, spec: dict[str, Any], *, overwrite: bool = False) -> Path:
    """Write `{name: spec}` to the saved-profiles folder, where detection finds it next time.

    Refuses a name that is not lower-case letters, digits and _, one of a built-in or
    config.yaml profile, and an already saved one unless `overwrite`.
    """
    if not PROFILE_NAME.fullmatch(name or "") or name.startswith("canonical_"):
        raise ProfileNotSaved(
            _(
                "“{name}” cannot name a profile: use 2 to 60 lower-case letters, digits and _, starting with a letter.",
                name=name,
            )
        )
    vendor_profile(name, spec)  # a ConfigError names what the spec lacks
    path = saved_profile_path(config, name)
    if name in profile_specs(config) and not path.exists():
        raise ProfileNotSaved(_("“{name}” is the name of a built-in export format: choose another name.", name=name))
    if path.exists() and not overwrite:
        raise ProfileNotSaved(
            _("A profile named “{name}” is already saved ({file}): choose another name.", name=name, file=path.name)
        )
    path.parent.mkdir(parents=True, exist_ok=True)
    comment = f"# Saved from the upload page's mapping screen on {date.today():%Y-%m-%d}.\n"
    path.write_text(comment + yaml.safe_dump({name: spec}, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path
