"""The pure ingest step: dedupe, match and triage a poll's items, with no store and no network."""

from __future__ import annotations

from bot.match.matcher import Matcher
from bot.models import Flag, Mention, Severity, Watch, WatchKind
from bot.watch.ingest import EditedItem, NewItem, content_hash, ingest

DUPONT = Watch(1, 1, "Marie Dupont", WatchKind.PRACTITIONER, "Dr", "dermatologue", "Lyon")
MATCHER = Matcher([DUPONT])


def concerned(mention: Mention) -> list[int]:
    return [m.watch_id for m in MATCHER.match(mention.text, title=mention.title)]


def item(ext: str, text: str, rating: int | None = None) -> Mention:
    return Mention(source_id=7, external_id=ext, url=None, title=None, text=text, rating=rating)


PRAISE = item("a", "Le Dr Marie Dupont, dermatologue à Lyon, est très à l'écoute.", 5)
INSULT = item("b", "Le Dr Marie Dupont, dermatologue à Lyon, est une voleuse.", 1)
ELSEWHERE = item("c", "Très bon accueil à la boulangerie du coin.")


def test_new_items_that_name_a_watch_are_kept_in_order_with_their_verdict() -> None:
    plan = ingest(
        [PRAISE, ELSEWHERE, INSULT], known={}, concerned=concerned, complete=True, baseline=False
    )
    assert [type(i) for i in plan.items] == [NewItem, NewItem]
    first, second = plan.new
    assert first.mention is PRAISE and first.watch_ids == (1,)
    assert first.verdict.severity is Severity.POSITIVE and not first.verdict.flags
    assert second.mention is INSULT and Flag.INSULT in second.verdict.flags
    assert second.digest == content_hash(INSULT)
    assert plan.vanished == [] and plan.edited == []


def test_an_unchanged_item_is_skipped_and_a_changed_one_is_an_edit() -> None:
    edited = item("a", PRAISE.text.replace("très à l'écoute", "une voleuse"), 1)
    known = {"a": (11, content_hash(PRAISE)), "b": (12, content_hash(INSULT))}
    plan = ingest([edited, INSULT], known=known, concerned=concerned, complete=False,
                  baseline=False)  # fmt: skip
    [edit] = plan.items
    assert isinstance(edit, EditedItem)
    assert (edit.mention_id, edit.watch_ids) == (11, (1,))
    assert Flag.INSULT in edit.verdict.flags
    assert content_hash(edited) != content_hash(PRAISE)


def test_an_edit_that_no_longer_names_the_watch_keeps_the_stored_watches() -> None:
    known = {"a": (11, content_hash(PRAISE))}
    gone_name = item("a", "Je ne recommande pas.", 2)
    plan = ingest([gone_name], known=known, concerned=concerned, complete=False, baseline=False)
    [edit] = plan.edited
    assert edit.watch_ids == ()  # the monitor keeps the mention's stored watches


def test_vanished_items_only_on_a_complete_listing_after_the_first_poll() -> None:
    known = {"a": (11, content_hash(PRAISE)), "b": (12, content_hash(INSULT))}
    complete = ingest([PRAISE], known=known, concerned=concerned, complete=True, baseline=False)
    assert complete.vanished == [12]
    partial = ingest([PRAISE], known=known, concerned=concerned, complete=False, baseline=False)
    assert partial.vanished == []
    first = ingest([PRAISE], known=known, concerned=concerned, complete=True, baseline=True)
    assert first.vanished == []


def test_the_baseline_tally_counts_items_risky_ones_and_the_mean_rating() -> None:
    plan = ingest([PRAISE, INSULT, ELSEWHERE], known={}, concerned=concerned, complete=True,
                  baseline=True)  # fmt: skip
    assert plan.baseline
    assert plan.baseline_tally() == (2, 1, 3.0)
    empty = ingest([], known={}, concerned=concerned, complete=True, baseline=True)
    assert empty.baseline_tally() == (0, 0, None)
