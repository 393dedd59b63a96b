"""The engine's reasons and ways out in the facilitator's words and language.

`matching` returns codes and figures (`matching.Reason`, `matching.WayOut`);
`services.run_proposal` stores them on the proposal as JSON. They are worded
here when the page is shown, so each reader gets their own language and the
words of the domain (continuing groups, newcomers), never the engine's.
"""

from collections import Counter
from dataclasses import dataclass

from django.utils.text import get_text_list
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from tillit.core.models import Person

from .models import PeerGroup


def _rule_name(rule, details, pool):
    """What a rule kind of a clash is called on the page."""
    if rule == "keep_together":
        return _("continuing groups stay together")
    if rule == "sizes":
        return _("every group has %(low)s–%(high)s people") % {
            "low": details.get("low"),
            "high": details.get("high"),
        }
    if rule == "max_per":
        return _("at most %(limit)s from one organisation in a group") % {
            "limit": pool.get("max_per", {}).get("organisation", 1)
        }
    if rule == "apart":
        return _("a manager and their own manager in different groups")
    return _("people placed in a given group")


def _group_names(kept_sets):
    """Continuing group id -> its name now, in the reader's language (the
    names stored with the pool were worded when the engine ran)."""
    wanted = {k["group"] for k in kept_sets}
    groups = PeerGroup.objects.in_bulk(wanted)
    return {pk: str(groups[pk]) if pk in groups else "–" for pk in wanted}


def _kept_name(pool, index):
    kept = pool.get("kept", [])
    if index is not None and 0 <= index < len(kept):
        return _group_names([kept[index]])[kept[index]["group"]]
    return "–"


def _pool_counts(pool):
    kept = pool.get("kept", [])
    continuing = sum(len(k["members"]) for k in kept)
    return len(pool.get("people", {})), continuing, len(kept)


def reason_sentences(proposal):
    """Why the rules cannot all hold, one sentence each."""
    pool = proposal.pool or {}
    sentences = []
    for reason in (proposal.engine or {}).get("reasons", []):
        sentences.append(_reason(reason["code"], reason.get("details", {}), pool))
    return [str(s) for s in sentences]


def _reason(code, d, pool):
    people, continuing, sets = _pool_counts(pool)
    if code == "clash":
        rules = get_text_list(
            [str(_rule_name(rule, d, pool)) for rule in d.get("rules", [])],
            _("and"),
        )
        text = _("These rules cannot all hold: %(rules)s.") % {"rules": rules}
        if "keep_together" in d.get("rules", []):
            newcomers = people - continuing
            text += " " + ngettext(
                "%(sets)s continuing group with %(continuing)s members",
                "%(sets)s continuing groups with %(continuing)s members",
                sets,
            ) % {"sets": sets, "continuing": continuing}
            text += " " + ngettext(
                "and %(count)s newcomer.",
                "and %(count)s newcomers.",
                newcomers,
            ) % {"count": newcomers}
        return text
    if code == "sizes":
        return _(
            "%(people)s people cannot be split into groups of %(low)s–%(high)s."
        ) % {
            "people": d.get("people"),
            "low": d.get("low"),
            "high": d.get("high"),
        }
    if code == "kept_too_large":
        return _(
            "The continuing group %(group)s has %(people)s members, more than the "
            "largest group size %(high)s."
        ) % {
            "group": _kept_name(pool, d.get("set")),
            "people": d.get("people"),
            "high": d.get("high"),
        }
    if code == "kept_sets":
        return _(
            "%(sets)s continuing groups need a group each, but the pool makes only "
            "%(groups)s groups."
        ) % {"sets": d.get("sets"), "groups": d.get("groups")}
    if code == "max_per":
        return _(
            "%(people)s people come from %(organisation)s, but %(groups)s groups with "
            "at most %(limit)s from one organisation hold only %(room)s."
        ) % {
            "people": d.get("people"),
            "organisation": d.get("value"),
            "groups": d.get("groups"),
            "limit": d.get("limit"),
            "room": (d.get("groups") or 0) * (d.get("limit") or 0),
        }
    if code == "max_per_kept":
        return _(
            "A continuing group has %(people)s members from %(organisation)s, more "
            "than the %(limit)s the round allows."
        ) % {
            "people": d.get("people"),
            "organisation": d.get("value"),
            "limit": d.get("limit"),
        }
    if code == "apart_kept":
        return _("A manager and their own manager are in the same continuing group.")
    if code == "timeout":
        return _(
            "No grouping that keeps every rule was found in time. Form the groups "
            "again, or ease a rule."
        )
    return _("The pool or the round's rules are not valid; check the round's settings.")


@dataclass(frozen=True)
class WayOutCard:
    number: int
    kind: str
    title: str
    details: list
    sizes: list
    """the sizes of the groups it yields, largest first"""


def way_out_cards(proposal):
    """The engine's ways out of the proposal, worded, numbered from 1."""
    options = (proposal.engine or {}).get("ways_out", [])
    pool = proposal.pool or {}
    wanted = {pid for option in options for pid in option["volunteers"]}
    people = Person.objects.in_bulk([int(pid) for pid in wanted])
    names = _group_names(pool.get("kept", []))
    return [
        _card(number, option, pool, people, names)
        for number, option in enumerate(options, start=1)
    ]


def _card(number, option, pool, people, names):
    sizes = Counter(option["assignment"].values())
    ordered = sorted(sizes.values(), reverse=True)
    high = pool.get("sizes", [0, 0])[1]
    kept_at = {
        option["assignment"][k["members"][0]]: names.get(k["group"], "–")
        for k in option["kept"]
    }
    new = [g for g in range(option["groups"]) if g not in kept_at]
    details = []
    kind = option["kind"]
    if kind == "fill_kept_groups":
        title = _("Place the newcomers in the continuing groups with the most room")
        details.append(_("No new group is opened."))
    elif kind == "larger_groups":
        title = _("Allow up to %(size)s members in some groups") % {
            "size": option["sizes"][1]
        }
        for group in sorted(g for g, size in sizes.items() if size > high):
            details.append(_group_line(group, sizes[group], kept_at))
        for group in new:
            details.append(_group_line(group, sizes[group], kept_at))
    elif kind == "new_group":
        title = ngettext("Open a new group", "Open %(count)s new groups", len(new)) % {
            "count": len(new)
        }
        volunteers = option["volunteers"]
        if volunteers:
            origin = {
                m: names.get(k["group"], "–")
                for k in pool.get("kept", [])
                for m in k["members"]
            }
            names = [
                _("%(person)s (from %(group)s)")
                % {"person": people.get(int(pid), pid), "group": origin.get(pid, "–")}
                for pid in volunteers
            ]
            details.append(
                ngettext(
                    "%(count)s member of a continuing group moves to the new group, "
                    "if they agree: %(names)s.",
                    "%(count)s members of continuing groups move to the new group, "
                    "if they agree: %(names)s.",
                    len(volunteers),
                )
                % {"count": len(volunteers), "names": get_text_list(names, _("and"))}
            )
        for group in new:
            details.append(_group_line(group, sizes[group], kept_at))
    else:
        split = names.get(option["split"], "–")
        title = _("Split the continuing group %(group)s in two") % {"group": split}
        halves = [g for g, name in kept_at.items() if name == split]
        details.append(
            _("Both halves take in newcomers: groups of %(sizes)s members.")
            % {"sizes": get_text_list([str(sizes[g]) for g in halves], _("and"))}
        )
    details.append(
        ngettext(
            "%(count)s group in all, of %(sizes)s members.",
            "%(count)s groups in all, of %(sizes)s members.",
            option["groups"],
        )
        % {
            "count": option["groups"],
            "sizes": ", ".join(str(size) for size in ordered),
        }
    )
    return WayOutCard(number, kind, str(title), [str(d) for d in details], ordered)


def _group_line(group, size, kept_at):
    if group in kept_at:
        return _(
            "Group %(number)s (continues last year's %(group)s): %(size)s members"
        ) % {
            "number": group + 1,
            "group": kept_at[group],
            "size": size,
        }
    return _("Group %(number)s (new): %(size)s members") % {
        "number": group + 1,
        "size": size,
    }
