"""Trainers and their reach: the coordinator's list of trainers and candidates, and a trainer's own cascade."""

from __future__ import annotations

from flask import Blueprint, abort, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from course.auth.services import find_user
from course.cascade import reach as reach_queries
from course.cascade.promotion import PromotionError, grant_master_trainer, promote_to_trainer, trainer_candidates
from course.cascade.queries import trainer_rows
from course.cohorts.blueprint import carry_out
from course.cohorts.forms import AGENCY_LABELS, VELAYAT_LABELS
from course.extensions import db
from course.models.cohort import TrainerStanding
from course.models.enrolment import Enrolment
from course.models.user import User
from course.pagination import paginate
from course.permissions import Permission, can, require
from course.search import MAX_LENGTH, fold
from course.web import live_catalogue

bp = Blueprint("cascade", __name__)
#: Trainers on one page of the coordinators' list.
TRAINERS_PER_PAGE = 50


@bp.route("/trainers")
@require(Permission.PROMOTE_TRAINERS)
def trainers():
    catalogue = live_catalogue()
    text = request.args.get("q", "")[:MAX_LENGTH]
    wanted = fold(text.strip())
    page = paginate([row for row in trainer_rows() if wanted in fold(f"{row.name} {row.username}")],
                    per_page=TRAINERS_PER_PAGE, anchor="all-trainers")
    return render_template("cascade/trainers.html", candidates=trainer_candidates(catalogue), trainers=page.items,
                           page=page, q=text, agencies=AGENCY_LABELS, velayats=VELAYAT_LABELS)


@bp.route("/trainers/candidates/<int:enrolment_id>/approve", methods=["POST"])
@require(Permission.PROMOTE_TRAINERS)
def approve(enrolment_id: int):
    enrolment = db.session.get(Enrolment, enrolment_id) or abort(404)
    catalogue = live_catalogue()

    def promote() -> str:
        promote_to_trainer(enrolment, catalogue, actor_id=current_user.id)
        user = db.session.get(User, enrolment.user_id)
        return _("%(name)s is now a trainer.", name=user.display_name)

    carry_out(promote)
    return redirect(url_for("cascade.trainers"))


@bp.route("/trainers/master", methods=["POST"])
@require(Permission.PROMOTE_TRAINERS)
def make_master():
    """Master trainers (generation 0) start the cascade; coordinators name them."""
    username = request.form.get("username", "")

    def grant() -> str:
        user = find_user(username)
        if user is None:
            raise PromotionError(_("No user named %(name)s.", name=username))
        if db.session.scalar(select(TrainerStanding.id).where(TrainerStanding.user_id == user.id)):
            raise PromotionError(_("%(name)s is already a trainer.", name=user.display_name))
        grant_master_trainer(user, actor_id=current_user.id)
        return _("%(name)s is now a master trainer.", name=user.display_name)

    carry_out(grant)
    return redirect(url_for("cascade.trainers"))


@bp.route("/cascade", defaults={"user_id": None})
@bp.route("/cascade/<int:user_id>")
@require(Permission.MANAGE_COHORTS)
def mine(user_id: int | None):
    """A trainer's own cascade; coordinators may open any trainer's."""
    if user_id is not None and user_id != current_user.id and not can(current_user, Permission.VIEW_ALL_COHORTS):
        abort(404)
    trainer = db.session.get(User, user_id or current_user.id) or abort(404)
    return render_template("cascade/reach.html", trainer=trainer, reach=reach_queries.reach_of(trainer.id),
                           own=trainer.id == current_user.id)
