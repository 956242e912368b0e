"""``flask schools …``: commands of the schools module."""

from __future__ import annotations

import random
import time

import click
from flask.cli import with_appcontext
from sqlalchemy import insert, select

from core.extensions import db
from core.ids import china_today
from institutions.models import Institution, InstitutionKind
from schools import queries
from schools.models import EnrolmentGrade, EnrolmentSource, EnrolmentYear, SchoolProfile
from schools.stages import SchoolType

schools_cli = click.Group("schools", help="学校（两自一包）")

#: how often each school type occurs in the synthetic city
_TYPES = [
    (SchoolType.PRIMARY, 6),
    (SchoolType.JUNIOR, 2),
    (SchoolType.NINE_YEAR, 2),
    (SchoolType.SENIOR, 1),
    (SchoolType.COMPLETE_SECONDARY, 1),
]


@schools_cli.command("seed-scale")
@click.option("--years", type=click.IntRange(1, 5), default=3, show_default=True, help="学年数")
@click.option("--seed", type=int, default=2026, show_default=True, help="随机种子")
@with_appcontext
def seed_scale_command(years: int, seed: int) -> None:
    """Give every school without a profile a synthetic profile and enrolment (bulk inserts)."""
    started = time.perf_counter()
    rng = random.Random(seed)
    this_year = queries.school_year_of(china_today())
    layout = queries.grade_layout(china_today())
    profiled = select(SchoolProfile.institution_id)
    schools = db.session.scalars(
        select(Institution.id)
        .where(Institution.kind == InstitutionKind.SCHOOL.value, Institution.id.not_in(profiled))
        .order_by(Institution.id)
    ).all()
    types = [t for t, weight in _TYPES for _ in range(weight)]
    profiles, chosen = [], {}
    for school_id in schools:
        school_type = rng.choice(types)
        chosen[school_id] = school_type
        profiles.append(
            {
                "institution_id": school_id,
                "school_type": school_type.value,
                "is_lump_sum": rng.random() < 0.15,
            }
        )
    if profiles:
        db.session.execute(insert(SchoolProfile), profiles)
    year_rows = [
        {"institution_id": school_id, "year": this_year - k, "source": EnrolmentSource.IMPORT}
        for school_id in schools
        for k in range(years)
    ]
    if year_rows:
        db.session.execute(insert(EnrolmentYear), year_rows)
    ids = {
        (i, y): n
        for n, i, y in db.session.execute(
            select(EnrolmentYear.id, EnrolmentYear.institution_id, EnrolmentYear.year).where(
                EnrolmentYear.institution_id.in_(schools)
            )
        )
    }
    grade_rows = []
    for school_id in schools:
        classes = rng.randint(2, 8)
        for k in range(years):
            for grade in layout.school_grades(chosen[school_id].stages):
                students = max(classes * rng.randint(38, 58) - 10 * k, 0)
                grade_rows.append(
                    {
                        "enrolment_year_id": ids[(school_id, this_year - k)],
                        "grade": grade,
                        "classes": classes,
                        "students": students,
                    }
                )
    for start in range(0, len(grade_rows), 20_000):
        db.session.execute(insert(EnrolmentGrade), grade_rows[start : start + 20_000])
    db.session.commit()
    click.echo(
        f"{len(schools)} 所学校，{len(year_rows)} 个学年，{len(grade_rows)} 行分年级学生数"
        f"（{time.perf_counter() - started:.1f} 秒）"
    )
