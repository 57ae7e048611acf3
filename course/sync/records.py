"""The records a field laptop sends to the centre, written out by their sync keys and merged back in.

Out: every row of the synced tables, with its integer keys replaced by the ``uid`` of the row they point to,
so it means the same in any database. In, on the centre, parents before children, in one transaction:

- a record whose uid the centre holds is the same record: the later version wins, by the hybrid-clock stamp of
  its last change (``course.sync.clock``). Records people edit on either side (a profile, a cohort's details,
  a revocation) are settled field by field, each by the stamp of its own last change, so an edit to the venue
  on the laptop and one to the dates on the centre both survive; where one side's edit overwrites the other
  side's, both values are kept in a conflict for coordinators. Append-only records (answers, attempts,
  attendance, evaluation submissions, audit events) gain what the laptop added since (a submitted attempt,
  a changed answer) and are never removed;
- a new record whose natural key the centre already holds (the same person's enrolment in the same track,
  the same section read) is the same fact: it is not added again, and its uid points to the centre's row;
- a new person whose username the centre already uses is never merged: they arrive under a username with the
  device's prefix, and coordinators see both as a suspected duplicate (so too a new person with the same full
  name and agency as one already known);
- a quiz attempt whose number the person already used on the centre is numbered after theirs; a cohort whose
  join code is taken gets a new one;
- a record that would break a rule of one-at-a-time (a second valid certificate for the same track, a second
  open attempt at the same quiz) is not added, and a conflict says so.
"""

from __future__ import annotations

import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import cache
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import Date, Table, UniqueConstraint, func, insert, select, tuple_

from course.cohorts.services import unused_join_code
from course.extensions import db
from course.models.device import ConflictKind, SyncConflict
from course.models.identity import FieldClocks
from course.models.types import UTCDateTime
from course.models.user import new_session_token
from course.sql import chunks
from course.sync.clock import ORIGIN, is_stamp, latest, no_later_than

#: Parents before children: a row's references are resolved when it is read.
SYNCED_TABLES = (
    "users", "user_roles", "cohorts", "cohort_trainers", "trainer_standings", "trainer_quizzes", "enrolments",
    "session_days", "attendance", "section_reads", "quiz_attempts", "attempt_answers", "paper_sheets",
    "practice_assessments", "evaluation_submissions", "evaluation_responses", "evaluation_answers", "certificates",
    "certificate_legal_bases", "follow_up_responses", "question_reports", "question_proposals", "audit_events",
)
#: Natural keys that mean "another record", not "the same fact": handled by their own rule above.
OWN_RULES = {("users", ("username",)), ("cohorts", ("join_code",)), ("quiz_attempts", ("user_id", "quiz_id", "number"))}
#: Fields a rule of this side has set (a renamed username, a new join code, a renumbered attempt): a later
#: version of the record never sets them back.
KEPT_HERE = {"users": {"username", "merged_into_id"}, "cohorts": {"join_code"}, "quiz_attempts": {"number"}}
#: Fields that never leave the database they were made in (a session token signs people in there only).
LOCAL_ONLY = {"users": {"session_token"}}
#: Fields whose values a conflict does not show.
SECRET = {"password_hash"}
BATCH = 2000


class SyncRefused(Exception):
    """A bundle that cannot be applied; the message says why, and nothing was changed."""


def _table(name: str) -> Table:
    return db.metadata.tables[name]


@cache
def _references(table: Table) -> dict[str, Table]:
    """Columns that point to another synced table, with that table (read from the models once)."""
    return {column.name: next(iter(column.foreign_keys)).column.table for column in table.columns
            if column.foreign_keys and next(iter(column.foreign_keys)).column.table.name in SYNCED_TABLES}


def _keyed(table: Table) -> bool:
    return "uid" in table.c


def _clocked(table: Table) -> bool:
    return "clock" in table.c


@cache
def _editable(table: Table) -> tuple[str, ...]:
    """The fields of the table that carry a stamp of their own (named by its model)."""
    return next((mapper.class_.editable_fields for mapper in db.Model.registry.mappers
                 if issubclass(mapper.class_, FieldClocks) and mapper.local_table is table), ())


def _encode(value: Any) -> Any:
    return value.isoformat() if isinstance(value, date | datetime) else value


def _decode(table: Table, name: str, value: Any) -> Any:
    if value is None:
        return None
    kind = table.c[name].type
    if isinstance(kind, UTCDateTime):
        return datetime.fromisoformat(value)
    if isinstance(kind, Date):
        return date.fromisoformat(value)
    return value


def export_records(since: str | None = None) -> dict[str, list[dict[str, Any]]]:
    """The rows of the synced tables, each reference given as the uid of the row it points to.

    ``since``: a clock stamp; the stamped tables then give only the rows changed after it (a reference to an
    older row is still its uid: the centre has it). Tables without stamps (roles, legal bases, evaluations,
    whose rows must not say when they were made) are small and always given whole.
    """
    uid_of: dict[str, dict[Any, str]] = {}
    out: dict[str, list[dict[str, Any]]] = {}
    for name in SYNCED_TABLES:
        table = _table(name)
        references = _references(table)
        hidden = LOCAL_ONLY.get(name, set())
        query = select(table)
        if since is not None and _clocked(table):
            query = query.where(table.c.clock > since)
        rows = []
        for row in db.session.execute(query).mappings():
            record = {}
            for column, value in row.items():
                if column in hidden or (column == "id" and (_keyed(table) or name == "user_roles")):
                    continue  # a surrogate or a secret, local to this database
                if column in references and value is not None:
                    target = references[column]
                    value = uid_of[target.name][value] if _keyed(target) else value
                record[column] = _encode(value)
            rows.append(record)
        out[name] = rows
        if _keyed(table):
            uid_of[name] = dict(db.session.execute(select(table.c.id, table.c.uid)).all())
    return out


@dataclass
class MergeReport:
    """What an import did: records added by table, and the conflicts it left for coordinators."""

    added: dict[str, int] = field(default_factory=dict)
    conflicts: list[SyncConflict] = field(default_factory=list)
    #: Local ids of the people the bundle speaks of: their progress summaries are recounted.
    people: set[int] = field(default_factory=set)
    #: The latest clock stamp the bundle carries: this server's clock moves past it.
    latest_clock: str = ORIGIN


#: How far ahead of the centre's clock a laptop's stamp may be; beyond, it counts as made now.
ALLOWED_AHEAD_MS = 5 * 60 * 1000
#: The roles a field laptop may grant (a master trainer there certifies trainers); the others only the centre.
FIELD_ROLES = {"learner", "trainer"}


class _Merge:
    def __init__(self, bundle_id: int, prefix: str, seen: str):
        self.bundle_id, self.prefix = bundle_id, prefix
        #: The latest stamp an earlier bundle of this device brought: an edit stamped before it is not news.
        self.seen = seen
        self.latest_allowed = time.time_ns() // 1_000_000 + ALLOWED_AHEAD_MS
        #: Local ids of the people who hold a role beyond learner here: see STAFF_ONLY_HERE.
        self.staff: set[int] = set()
        self.report = MergeReport()
        #: uid -> local id, per keyed table, for the rows this bundle touches.
        self.local: dict[str, dict[str, int]] = {}
        #: Rows not added (a one-at-a-time rule): their children are not added either.
        self.skipped: dict[str, set[str]] = {}
        #: Local ids of the rows this bundle added, per table: a child of one cannot exist here yet.
        self.fresh: dict[str, set[int]] = {}
        #: Usernames taken here or by this bundle's people, so a renamed person never takes another's name.
        self.usernames: set[str] = set()
        #: Attempt numbers taken, per person and quiz, here and by this bundle.
        self.attempt_numbers: dict[tuple[int, str], set[int]] = {}
        #: Username -> uid of the people here who hold a username the bundle brings; (name, agency) -> uid.
        self.taken_by: dict[str, str] = {}
        self.twins: dict[tuple[str, Any], str] = {}

    def is_fresh(self, table: str, local_id: int | None) -> bool:
        return local_id in self.fresh.get(table, ())

    def conflict(self, kind: ConflictKind, table: str, uid: str, other: str | None = None, **details) -> None:
        self.report.conflicts.append(SyncConflict(kind=kind, bundle_id=self.bundle_id, table_name=table,
                                                  record_uid=uid, other_uid=other, details=details))

    def resolve(self, table: Table, record: dict[str, Any]) -> dict[str, Any] | None:
        """The record with local ids for its references; None when it hangs from a record not added."""
        values = {}
        for column, value in record.items():
            if column not in table.c:
                raise SyncRefused(_("the bundle has a field '%(field)s' in %(table)s that this server does not know",
                                    field=column, table=table.name))
            target = _references(table).get(column)
            if target is not None and value is not None and _keyed(target):
                if value in self.skipped.get(target.name, set()):
                    return None
                local = self.local.get(target.name, {}).get(value)
                if local is None:
                    raise SyncRefused(_("a record in %(table)s refers to a %(target)s record (%(uid)s) that neither "
                                        "the bundle nor this server holds", table=table.name, target=target.name,
                                        uid=value))
                value = local
            values[column] = _decode(table, column, value)
        if "clock" in values:
            values["clock"] = self.checked_stamp(values["clock"], table)
        if "field_clocks" in values:
            stamps = values["field_clocks"] or {}
            if not isinstance(stamps, dict):
                raise SyncRefused(_("the bundle has a malformed time stamp in %(table)s", table=table.name))
            values["field_clocks"] = {name: self.checked_stamp(at, table) for name, at in stamps.items()
                                      if name in _editable(table)}
        return values

    def checked_stamp(self, value: Any, table: Table) -> str:
        """A well-formed stamp, no later than a little after the centre's now."""
        if not is_stamp(value):
            raise SyncRefused(_("the bundle has a malformed time stamp in %(table)s", table=table.name))
        return no_later_than(value, self.latest_allowed) if value else value

    def find_references(self, table: Table, rows: list[dict[str, Any]]) -> None:
        """Look up, a batch at a time, the records the rows point to that this bundle does not carry (a bundle
        holds what changed, so a new answer points to an attempt the centre received before). A record an
        earlier import did not add (its conflict says why) counts as not added."""
        for column, target in _references(table).items():
            if not _keyed(target):
                continue
            have = self.local.setdefault(target.name, {})
            skipped = self.skipped.setdefault(target.name, set())
            wanted = sorted({row[column] for row in rows if row.get(column) is not None} - have.keys() - skipped)
            if wanted:
                have.update(self.known(target, wanted))
                missing = [uid for uid in wanted if uid not in have]
                for chunk in chunks(missing, BATCH):
                    skipped.update(db.session.scalars(select(SyncConflict.record_uid)
                                                      .where(SyncConflict.record_uid.in_(chunk))))

    def known(self, table: Table, uids: list[str]) -> dict[str, int]:
        """The local ids of the records with these uids; a person merged into another is that other person."""
        local = func.coalesce(table.c.merged_into_id, table.c.id) if table.name == "users" else table.c.id
        found = {}
        for chunk in chunks(uids, BATCH):
            found.update(db.session.execute(select(table.c.uid, local).where(table.c.uid.in_(chunk))).all())
        return found


def apply_records(records: dict[str, list[dict[str, Any]]], *, bundle_id: int, prefix: str,
                  seen: str = ORIGIN) -> MergeReport:
    """Merge a bundle's records into this database (the caller's transaction); see the module docstring.

    ``seen``: the latest stamp the device's earlier bundles brought (its edits up to then are not news)."""
    merge = _Merge(bundle_id, prefix, seen)
    unknown = sorted(set(records) - set(SYNCED_TABLES))
    if unknown:
        raise SyncRefused(_("the bundle carries records of '%(table)s', which this server does not take",
                            table=unknown[0]))
    for name in SYNCED_TABLES:
        rows = records.get(name, [])
        table = _table(name)
        if _keyed(table):
            _merge_keyed(merge, table, rows)
        else:
            _merge_plain(merge, table, rows)
    merge.report.people = set(merge.local.get("users", {}).values())
    merge.report.latest_clock = latest(no_later_than(row["clock"], merge.latest_allowed) for rows in records.values()
                                       for row in rows if row.get("clock"))
    return merge.report


@cache
def unique_keys(table: Table) -> tuple[tuple[str, ...], ...]:
    """Every set of columns the table holds unique for all its rows: its unique constraints and unique indexes
    (a partial unique index, which holds for some rows only, is a rule of its own and not listed)."""
    keys = [tuple(column.name for column in constraint.columns) for constraint in table.constraints
            if isinstance(constraint, UniqueConstraint)]
    keys += [tuple(column.name for column in index.columns) for index in table.indexes
             if index.unique and not any(index.dialect_options[name]["where"] is not None
                                         for name in ("sqlite", "postgresql"))]
    return tuple(dict.fromkeys(keys))


@cache
def _natural_keys(table: Table) -> tuple[tuple[str, ...], ...]:
    """The table's unique keys other than its uid and those with a rule of their own (read from the models once)."""
    return tuple(key for key in unique_keys(table) if key != ("uid",) and (table.name, key) not in OWN_RULES)


def _under_fresh(merge: _Merge, table: Table, key: tuple[str, ...], values: dict[str, Any]) -> bool:
    """The key names a parent this bundle has just added: nothing here can share it (saves a query a row)."""
    references = _references(table)
    return any(column in references and values[column] in merge.fresh.get(references[column].name, ())
               for column in key)


def _existing_by(table: Table, key: tuple[str, ...], values: dict[str, Any]) -> int | None:
    return db.session.scalar(select(table.c.id).where(*(table.c[column] == values[column] for column in key)))


def _merge_keyed(merge: _Merge, table: Table, rows: list[dict[str, Any]]) -> None:
    name = table.name
    merge.find_references(table, rows)
    known = merge.known(table, [row["uid"] for row in rows])
    merge.local.setdefault(name, {}).update(known)
    current = _current_rows(table, list(known.values()))
    if name == "users":
        _prefetch_people(merge, table, rows)
        merge.staff = _staff(list(known.values()))
    new_rows = []
    for record in rows:
        values = merge.resolve(table, record)
        if values is None:
            merge.skipped.setdefault(name, set()).add(record["uid"])
            continue
        if record["uid"] in known:
            here = current[known[record["uid"]]]
            if here["uid"] == record["uid"]:  # not a person merged into another: their own fields stay as merged
                _reconcile(merge, table, here, values)
            continue
        same = next((local for key in _natural_keys(table) if not _under_fresh(merge, table, key, values)
                     and (local := _existing_by(table, key, values))), None)
        if same is not None:  # the same fact, recorded on both sides
            merge.local[name][record["uid"]] = same
            continue
        if not _own_rules(merge, table, values):
            merge.skipped.setdefault(name, set()).add(record["uid"])
            continue
        new_rows.append(values)
    for batch in chunks(new_rows, BATCH):
        db.session.execute(insert(table), list(batch))
    if new_rows:
        added = merge.known(table, [values["uid"] for values in new_rows])
        merge.local[name].update(added)
        merge.fresh[name] = set(added.values())
        merge.report.added[name] = len(new_rows)


def _current_rows(table: Table, local_ids: list[int]) -> dict[int, dict[str, Any]]:
    """The rows the centre already holds of those the bundle brings again, by local id (a query a batch)."""
    found: dict[int, dict[str, Any]] = {}
    for chunk in chunks(local_ids, BATCH):
        found.update((row["id"], dict(row)) for row in db.session.execute(
            select(table).where(table.c.id.in_(chunk))).mappings())
    return found


def _reconcile(merge: _Merge, table: Table, current: dict[str, Any], values: dict[str, Any]) -> None:
    """Bring a record the centre holds up to the later of its two versions (see the module docstring)."""
    if not _clocked(table):
        return  # append-only and unstamped: what the centre holds is what the laptop made
    name, editable = table.name, _editable(table)
    ours, theirs = current["clock"], values.get("clock") or ""
    fixed = {"id", "uid", "clock", "field_clocks", *KEPT_HERE.get(name, ()), *LOCAL_ONLY.get(name, ())}
    changes = {column: value for column, value in values.items() if column not in fixed
               and column not in editable and theirs > ours and value != current[column]}
    if editable:
        changes.update(_settle_fields(merge, table, current, values))
    if theirs > ours:
        changes["clock"] = theirs
    if changes:
        db.session.execute(table.update().where(table.c.id == current["id"]).values(**changes))


def _settle_fields(merge: _Merge, table: Table, current: dict[str, Any], values: dict[str, Any]) -> dict[str, Any]:
    """Field by field, the later edit wins, within what a laptop may change at all (see ``_taken_from_laptop``).

    Where one side's edit overwrites (or loses to) an edit made on the other side, and the centre has not seen
    this edit in an earlier bundle, both values go to a conflict for coordinators.
    """
    ours, theirs = current["field_clocks"] or {}, values.get("field_clocks") or {}
    allowed = _taken_from_laptop(merge, table, current, values)
    changes: dict[str, Any] = {}
    differ: dict[str, list[Any]] = {}
    kept = {}
    for column in _editable(table):
        mine, yours = ours.get(column, ORIGIN), theirs.get(column, ORIGIN)
        if column not in values or _encode(current[column]) == _encode(values[column]):
            continue
        winner = "device" if yours > mine and column in allowed else "centre"
        if winner == "device":
            changes[column] = values[column]
        both_edited = ORIGIN not in (mine, yours) and _node(mine) != _node(yours)
        before_stamps = mine == yours == ORIGIN and merge.seen == ORIGIN
        if (both_edited and yours > merge.seen) or before_stamps:
            differ[column] = (["(hidden)", "(hidden)"] if column in SECRET
                              else [_encode(current[column]), _encode(values[column])])
            kept[column] = winner
    merged = {column: max(ours.get(column, ORIGIN), theirs.get(column, ORIGIN))
              for column in {*ours, *theirs} if column in allowed or column in ours}
    if merged != ours:
        changes["field_clocks"] = merged
    if "password_hash" in changes:  # a new password ends the sessions signed in with the old one
        changes["session_token"] = new_session_token()
    if differ:
        merge.conflict(ConflictKind.FIELD, table.name, values["uid"], fields=differ, kept=kept)
    return changes


#: Fields of the central server's own staff (trainers, coordinators, administrators, legal reviewers) that only
#: the centre changes: a laptop that holds their accounts must not be able to take them over.
STAFF_ONLY_HERE = ("password_hash", "active", "must_change_password")


def _taken_from_laptop(merge: _Merge, table: Table, current: dict[str, Any], values: dict[str, Any]) -> set[str]:
    """The editable fields a laptop's version may change: not a staff account's credentials, and never a
    revocation undone (once revoked at the centre, a certificate stays revoked whatever a laptop says)."""
    allowed = set(_editable(table))
    if table.name == "users" and current["id"] in merge.staff:
        allowed -= set(STAFF_ONLY_HERE)
    if table.name == "certificates" and current["revoked_at"] is not None and values.get("revoked_at") is None:
        allowed -= {"revoked_at", "revoked_by_id", "revocation_reason"}
    return allowed


def _node(stamp: str) -> str:
    """Who made the stamp; the empty stamp (a field nobody changed) is nobody's."""
    return stamp.rsplit(".", 1)[-1] if stamp else ""


def _staff(local_ids: list[int]) -> set[int]:
    roles = _table("user_roles")
    found: set[int] = set()
    for chunk in chunks(local_ids, BATCH):
        found.update(db.session.scalars(select(roles.c.user_id).where(roles.c.user_id.in_(chunk),
                                                                      roles.c.role.not_in(sorted(FIELD_ROLES)))))
    return found


def _prefetch_people(merge: _Merge, table: Table, rows: list[dict[str, Any]]) -> None:
    """What the people rules need, in two queries: usernames already taken, and people of the same name."""
    names = [row["username"] for row in rows]
    merge.usernames = set(names)
    for chunk in chunks(names, BATCH):
        merge.usernames.update(db.session.scalars(select(table.c.username).where(table.c.username.in_(chunk))))
    merge.taken_by = {}
    for chunk in chunks(names, BATCH):
        merge.taken_by.update(db.session.execute(select(table.c.username, table.c.uid)
                                                 .where(table.c.username.in_(chunk))).all())
    merge.twins = {}
    full_names = sorted({row["full_name"].lower() for row in rows if row.get("full_name")})
    for chunk in chunks(full_names, BATCH):
        merge.twins.update(((full_name, agency), uid) for full_name, agency, uid in db.session.execute(
            select(func.lower(table.c.full_name), table.c.agency, table.c.uid)
            .where(func.lower(table.c.full_name).in_(chunk))))


def _own_rules(merge: _Merge, table: Table, values: dict[str, Any]) -> bool:
    """Apply the rules of the records that are never merged by a key; False: do not add this one.

    A record of a person this bundle has just added (a fresh user) meets nothing here: no query is made.
    """
    name = table.name
    if name == "users":
        taken = merge.taken_by.get(values["username"])
        if taken:
            merge.conflict(ConflictKind.SUSPECTED_DUPLICATE, name, values["uid"], taken, username=values["username"],
                           reason="same username")
            values["username"] = _free_username(values["username"], merge.prefix, merge.usernames)
        elif twin := merge.twins.get((values["full_name"].lower(), values.get("agency"))):
            merge.conflict(ConflictKind.SUSPECTED_DUPLICATE, name, values["uid"], twin,
                           full_name=values["full_name"], reason="same name and agency")
    elif name == "cohorts" and db.session.scalar(select(table.c.id).where(table.c.join_code == values["join_code"])):
        values["join_code"] = unused_join_code()
    elif name == "quiz_attempts" and not merge.is_fresh("users", values["user_id"]):
        numbers = _attempt_numbers(merge, table, values["user_id"], values["quiz_id"])
        if values["number"] in numbers:
            values["number"] = max(numbers) + 1
        numbers.add(values["number"])
        if values["state"] == "open" and db.session.scalar(select(table.c.id).where(
                table.c.user_id == values["user_id"], table.c.quiz_id == values["quiz_id"], table.c.state == "open")):
            merge.conflict(ConflictKind.FIELD, name, values["uid"], reason="a second open attempt at the same quiz")
            return False
    elif name == "certificates" and not merge.is_fresh("users", values["user_id"]) \
            and values.get("revoked_at") is None and db.session.scalar(
            select(table.c.uid).where(table.c.user_id == values["user_id"], table.c.course_id == values["course_id"],
                                      table.c.track_id == values["track_id"], table.c.kind == values["kind"],
                                      table.c.revoked_at.is_(None))):
        merge.conflict(ConflictKind.FIELD, name, values["uid"], serial=values["serial"],
                       reason="the person already holds a valid certificate of this track")
        return False
    return True


def _attempt_numbers(merge: _Merge, table: Table, user_id: int, quiz_id: str) -> set[int]:
    """The attempt numbers a person has used at a quiz, here and in this bundle so far."""
    key = (user_id, quiz_id)
    if key not in merge.attempt_numbers:
        merge.attempt_numbers[key] = set(db.session.scalars(
            select(table.c.number).where(table.c.user_id == user_id, table.c.quiz_id == quiz_id)))
    return merge.attempt_numbers[key]


def _free_username(username: str, prefix: str, taken: set[str]) -> str:
    """``username.prefix`` (then with a number), free both here and among the bundle's people."""
    base = f"{username}.{prefix.lower()}"[:60]
    users = _table("users")
    candidate, number = base, 1
    while candidate in taken or db.session.scalar(select(users.c.id).where(users.c.username == candidate)):
        number += 1
        candidate = f"{base}{number}"
    taken.add(candidate)
    return candidate


def _field_roles_only(merge: _Merge, grants: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """A new grant of a role only the centre gives (coordinator, administrator, legal reviewer) is not taken
    from a laptop; a conflict says who it named."""
    uid_of = {local: uid for uid, local in merge.local.get("users", {}).items()}
    refused = [(uid_of.get(grant["user_id"], ""), str(grant["role"])) for grant in grants
               if grant["role"] not in FIELD_ROLES]
    said = {(uid, details.get("role")) for uid, details in db.session.execute(
        select(SyncConflict.record_uid, SyncConflict.details).where(
            SyncConflict.table_name == "user_roles", SyncConflict.record_uid.in_([uid for uid, _role in refused])))
            } if refused else set()
    for uid, role in refused:  # every bundle carries the roles again: each refusal is said once
        if (uid, role) not in said:
            merge.conflict(ConflictKind.FIELD, "user_roles", uid, role=role,
                           reason="a role only the central server grants")
    return [grant for grant in grants if grant["role"] in FIELD_ROLES]


def _merge_plain(merge: _Merge, table: Table, rows: Iterable[dict[str, Any]]) -> None:
    """Tables without a uid (roles, evaluation responses, legal bases): their natural key is their identity."""
    key = [column.name for column in table.primary_key.columns if column.name != "id"] or list(_natural_keys(table)[0])
    rows = list(rows)
    merge.find_references(table, rows)
    resolved = [values for record in rows if (values := merge.resolve(table, record)) is not None]
    wanted = [tuple(values[column] for column in key) for values in resolved]
    existing: set[tuple] = set()
    columns = tuple_(*(table.c[column] for column in key))
    for chunk in chunks(wanted, BATCH):
        existing.update(tuple(row) for row in db.session.execute(
            select(*(table.c[column] for column in key)).where(columns.in_(chunk))))
    added = [values for values, identity in zip(resolved, wanted, strict=True) if identity not in existing]
    if table.name == "user_roles":
        added = _field_roles_only(merge, added)
    for batch in chunks(added, BATCH):
        db.session.execute(insert(table), list(batch))
    if added:
        merge.report.added[table.name] = len(added)
