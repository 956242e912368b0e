"""Function evaluation (职能运行评估): rounds, an institution's part, the office's review."""

from __future__ import annotations

from flask import abort, redirect, url_for
from flask_login import current_user, login_required
from sqlalchemy import select

from core.actions import perform
from core.extensions import db
from core.http import dated_filename, xlsx_response
from core.i18n import msg
from core.ids import china_today
from core.permissions import can, require
from core.regions import region_name
from institutions.staffing import excel, queries
from institutions.staffing import operations as ops
from institutions.staffing.evaluation import ACTION_LABELS, CLASSIFICATION_LABELS, Action
from institutions.staffing.forms import (
    AdjustForm,
    CommentForm,
    FiguresForm,
    FunctionForm,
    RoundForm,
)
from institutions.staffing.models import (
    LABELS,
    Evaluation,
    EvaluationFunction,
    EvaluationRound,
    RoundStatus,
)
from institutions.staffing.permissions import (
    STAFFING_FILE,
    STAFFING_MANAGE,
    STAFFING_OVERVIEW,
    STAFFING_VIEW,
)
from institutions.staffing.views import bp, institution, overview_scope, render


@bp.route("/evaluations")
@login_required
def evaluations():
    scope = overview_scope(STAFFING_OVERVIEW)
    return render(
        "staffing/evaluations.html",
        rounds=queries.rounds(),
        progress=queries.round_progress(scope),
        form=RoundForm(year=china_today().year) if can(current_user, STAFFING_MANAGE) else None,
        round_labels=LABELS[RoundStatus],
    )


@bp.route("/evaluations/rounds/new", methods=["POST"])
@login_required
def round_new():
    require(STAFFING_MANAGE)
    form = RoundForm()
    if form.validate_on_submit():
        done = perform(
            ops.open_round,
            form.data,
            actor=current_user,
            form=form,
            success=lambda r: msg("已开启评估「%(n)s」", n=r.name),
        )
        if done:
            return redirect(url_for(".evaluation_round", round_id=done.value.id))
    scope = overview_scope(STAFFING_OVERVIEW)
    return render(
        "staffing/evaluations.html",
        422,
        rounds=queries.rounds(),
        progress=queries.round_progress(scope),
        form=form,
        round_labels=LABELS[RoundStatus],
    )


def _round_or_404(round_id: int, scope) -> EvaluationRound:
    """Return the round; 404 for a user none of whose institutions it evaluates."""
    found = db.get_or_404(EvaluationRound, round_id)
    if not scope.city_wide and not db.session.scalar(
        select(Evaluation.id)
        .where(Evaluation.round_id == found.id, scope.clause(Evaluation.institution_id))
        .limit(1)
    ):
        abort(404)
    return found


@bp.route("/evaluations/rounds/<int:round_id>")
@login_required
def evaluation_round(round_id: int):
    scope = overview_scope(STAFFING_OVERVIEW)
    round_ = _round_or_404(round_id, scope)
    rows = db.session.scalars(queries.evaluations_in(scope, round_.id)).unique().all()
    return render(
        "staffing/evaluation_round.html",
        round=round_,
        rows=rows,
        action_labels=ACTION_LABELS,
        Action=Action,
    )


@bp.route("/evaluations/rounds/<int:round_id>/export")
@login_required
def evaluation_round_export(round_id: int):
    scope = overview_scope(STAFFING_OVERVIEW)
    round_ = _round_or_404(round_id, scope)
    rows = db.session.scalars(queries.evaluations_in(scope, round_.id)).unique()

    def lines():
        for e in rows:
            yield {
                "name": e.institution.name,
                "district": region_name(e.institution.district_code),
                "status": str(e.status_enum.label),
                "score": str(e.score) if e.score is not None else "",
                "recommendation": str(ACTION_LABELS[Action(e.recommendation)])
                if e.recommendation
                else "",
                "number": e.recommended_number,
                "finalised_on": e.finalised_on,
            }

    return xlsx_response(excel.evaluations_spec(), lines(), dated_filename(round_.name))


# --------------------------------------------------------------------------- one evaluation


def _evaluation(institution_id: int, evaluation_id: int, perm: str = STAFFING_VIEW):
    found = institution(institution_id, perm)
    return found, queries.get_evaluation_or_404(found, evaluation_id)


def _function(evaluation: Evaluation, function_id: int) -> EvaluationFunction:
    function = db.session.scalar(
        select(EvaluationFunction).where(
            EvaluationFunction.id == function_id,
            EvaluationFunction.evaluation_id == evaluation.id,
        )
    )
    if function is None:
        abort(404)
    return function


def _show(found, evaluation, status=200, **forms):
    on = evaluation.finalised_on or china_today()
    result = ops.result_of(evaluation, on)
    can_file = can(current_user, STAFFING_FILE, found) and evaluation.status_enum.institution_edits
    can_review = (
        can(current_user, STAFFING_MANAGE, found) and evaluation.status_enum.value == "submitted"
    )
    figures_form = forms.get("figures_form") or FiguresForm(
        posts=evaluation.posts,
        seconded_out=evaluation.seconded_out,
        structure_compliant={True: "yes", False: "no"}.get(evaluation.structure_compliant, ""),
        institution_note=evaluation.institution_note,
    )
    return render(
        "staffing/evaluation.html",
        status,
        institution=found,
        evaluation=evaluation,
        result=result,
        can_file=can_file,
        can_review=can_review,
        function_form=forms.get("function_form") or FunctionForm(),
        figures_form=figures_form,
        comment_form=forms.get("comment_form") or CommentForm(),
        adjust_form=AdjustForm(),
        labels=CLASSIFICATION_LABELS,
        action_labels=ACTION_LABELS,
    )


@bp.route("/institutions/<int:institution_id>/evaluations/<int:evaluation_id>")
@login_required
def evaluation(institution_id: int, evaluation_id: int):
    found, evaluation = _evaluation(institution_id, evaluation_id)
    return _show(found, evaluation)


def _back(found, evaluation):
    return redirect(url_for(".evaluation", institution_id=found.id, evaluation_id=evaluation.id))


def _may_edit_functions(found) -> None:
    if not (can(current_user, STAFFING_FILE, found) or can(current_user, STAFFING_MANAGE, found)):
        abort(403)


@bp.route(
    "/institutions/<int:institution_id>/evaluations/<int:evaluation_id>/functions/new",
    methods=["POST"],
)
@login_required
def function_new(institution_id: int, evaluation_id: int):
    found, evaluation = _evaluation(institution_id, evaluation_id)
    _may_edit_functions(found)
    form = FunctionForm()
    if form.validate_on_submit() and perform(
        ops.save_function,
        evaluation,
        form.data,
        actor=current_user,
        form=form,
        success=msg("已保存职能"),
    ):
        return _back(found, evaluation)
    return _show(found, evaluation, 422, function_form=form)


@bp.route(
    "/institutions/<int:institution_id>/evaluations/<int:evaluation_id>/functions/<int:function_id>/delete",
    methods=["POST"],
)
@login_required
def function_delete(institution_id: int, evaluation_id: int, function_id: int):
    found, evaluation = _evaluation(institution_id, evaluation_id, STAFFING_FILE)
    function = _function(evaluation, function_id)
    if perform(ops.delete_function, function, actor=current_user, success=msg("已删除职能")):
        return _back(found, evaluation)
    return _show(found, evaluation, 422)


@bp.route(
    "/institutions/<int:institution_id>/evaluations/<int:evaluation_id>/functions/<int:function_id>/adjust",
    methods=["POST"],
)
@login_required
def function_adjust(institution_id: int, evaluation_id: int, function_id: int):
    found, evaluation = _evaluation(institution_id, evaluation_id, STAFFING_MANAGE)
    function = _function(evaluation, function_id)
    form = AdjustForm()
    if form.validate_on_submit() and perform(
        ops.adjust_function,
        function,
        form.data,
        actor=current_user,
        success=msg("已调整职能分类"),
    ):
        return _back(found, evaluation)
    return _show(found, evaluation, 422)


@bp.route(
    "/institutions/<int:institution_id>/evaluations/<int:evaluation_id>/figures",
    methods=["POST"],
)
@login_required
def evaluation_figures(institution_id: int, evaluation_id: int):
    found, evaluation = _evaluation(institution_id, evaluation_id, STAFFING_FILE)
    form = FiguresForm()
    if form.validate_on_submit() and perform(
        ops.save_figures,
        evaluation,
        form.data,
        actor=current_user,
        form=form,
        success=msg("已保存"),
    ):
        return _back(found, evaluation)
    return _show(found, evaluation, 422, figures_form=form)


@bp.route(
    "/institutions/<int:institution_id>/evaluations/<int:evaluation_id>/submit",
    methods=["POST"],
)
@login_required
def evaluation_submit(institution_id: int, evaluation_id: int):
    found, evaluation = _evaluation(institution_id, evaluation_id, STAFFING_FILE)
    if perform(
        ops.submit_evaluation, evaluation, actor=current_user, success=msg("已提交编办审核")
    ):
        return _back(found, evaluation)
    return _show(found, evaluation, 422)


@bp.route(
    "/institutions/<int:institution_id>/evaluations/<int:evaluation_id>/return",
    methods=["POST"],
)
@login_required
def evaluation_return(institution_id: int, evaluation_id: int):
    found, evaluation = _evaluation(institution_id, evaluation_id, STAFFING_MANAGE)
    form = CommentForm()
    if perform(
        ops.return_evaluation,
        evaluation,
        form.comment.data or "",
        actor=current_user,
        form=form,
        success=msg("已退回单位修改"),
    ):
        return _back(found, evaluation)
    return _show(found, evaluation, 422, comment_form=form)


@bp.route(
    "/institutions/<int:institution_id>/evaluations/<int:evaluation_id>/finalise",
    methods=["POST"],
)
@login_required
def evaluation_finalise(institution_id: int, evaluation_id: int):
    found, evaluation = _evaluation(institution_id, evaluation_id, STAFFING_MANAGE)
    if perform(
        ops.finalise_evaluation,
        evaluation,
        actor=current_user,
        success=lambda r: msg("评估已定稿，得分 %(s)s", s=r.score if r.score is not None else "—"),
    ):
        return _back(found, evaluation)
    return _show(found, evaluation, 422)
