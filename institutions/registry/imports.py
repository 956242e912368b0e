"""The registry's Excel import through the one import path (core/imports.py)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import select

from core import audit
from core.excel import CellError
from core.extensions import db
from core.i18n import msg
from core.imports import Checked, ImportContext, Importer, Preview, Summary
from institutions.models import Institution, InstitutionKind, InstitutionStatus, Sponsor
from institutions.permissions import REGISTRY_MANAGE
from institutions.registry.consistency import registry_warnings
from institutions.registry.excel import REGISTRY_IMPORT
from institutions.registry.operations import INSTITUTION_FIELDS
from institutions.registry.queries import existing_credit_codes


@dataclass(frozen=True)
class NewInstitution:
    """One row of the file, checked: what will be registered."""

    row: int
    credit_code: str
    name: str
    kind: str
    district_code: str
    sponsor_id: int
    sponsor_name: str
    sponsor_district_code: str
    funding_class: str
    legal_representative: str
    address: str | None


class RegistryImporter(Importer[list[NewInstitution]]):
    name = "registry.institutions"
    label = msg("事业单位登记导入")
    spec = REGISTRY_IMPORT
    permission = REGISTRY_MANAGE
    max_rows = 10_000
    job_threshold = 2_000

    def check(self, rows, context: ImportContext) -> Checked[list[NewInstitution]]:
        """Duplicates in the file, codes already registered, sponsors that do not exist."""
        errors: list[CellError] = []
        seen: dict[str, int] = {}
        for row in rows:
            code = row["credit_code"]
            if code in seen:
                errors.append(
                    CellError(
                        row["_row"], "统一社会信用代码", msg("与第 %(r)d 行重复", r=seen[code])
                    )
                )
            else:
                seen[code] = row["_row"]
        registered = existing_credit_codes(list(seen))
        sponsors = {s.name: s for s in db.session.scalars(select(Sponsor))}
        plan = []
        for row in rows:
            if row["credit_code"] in registered:
                errors.append(CellError(row["_row"], "统一社会信用代码", msg("该代码已登记")))
            sponsor = sponsors.get(row["sponsor"])
            if sponsor is None:
                errors.append(
                    CellError(
                        row["_row"],
                        "举办单位",
                        msg(
                            "「%(n)s」不是已登记的举办单位，请先在「举办单位」中添加",
                            n=row["sponsor"],
                        ),
                    )
                )
                continue
            plan.append(
                NewInstitution(
                    row=row["_row"],
                    credit_code=row["credit_code"],
                    name=row["name"],
                    kind=row["kind"],
                    district_code=row["district_code"],
                    sponsor_id=sponsor.id,
                    sponsor_name=sponsor.name,
                    sponsor_district_code=sponsor.district_code,
                    funding_class=row["funding_class"],
                    legal_representative=row["legal_representative"],
                    address=row.get("address"),
                )
            )
        return Checked(None if errors else plan, errors)

    def preview(self, plan: list[NewInstitution], context: ImportContext) -> Preview:
        kinds = Counter(item.kind for item in plan)
        warnings = [
            msg("第 %(row)d 行：%(warning)s", row=item.row, warning=warning.message)
            for item in plan
            for warning in registry_warnings(
                credit_code=item.credit_code,
                district_code=item.district_code,
                kind=item.kind,
                sponsor_name=item.sponsor_name,
                sponsor_district_code=item.sponsor_district_code,
            )
        ]
        return Preview(
            rows=len(plan),
            counts=[(msg("新登记单位"), len(plan))]
            + [(InstitutionKind(kind).label, n) for kind, n in sorted(kinds.items())],
            changes=[
                msg("登记「%(name)s」（%(code)s）", name=item.name, code=item.credit_code)
                for item in plan[:20]
            ],
            warnings=warnings[:50],
        )

    def write(
        self,
        plan: list[NewInstitution],
        context: ImportContext,
        progress: Callable[[int, int], None],
    ) -> Summary:
        created = []
        for item in plan:
            institution = Institution(
                credit_code=item.credit_code,
                name=item.name,
                kind=item.kind,
                district_code=item.district_code,
                sponsor_id=item.sponsor_id,
                funding_class=item.funding_class,
                legal_representative=item.legal_representative,
                address=item.address,
                status=InstitutionStatus.ACTIVE,
            )
            db.session.add(institution)
            created.append(institution)
        db.session.flush()
        for institution in created:
            audit.record(
                "institution.import",
                institution,
                institution_id=institution.id,
                summary=institution.name,
                changes=audit.diff({}, audit.snapshot(institution, INSTITUTION_FIELDS)),
                actor=context.actor,
            )
        progress(len(created), len(created))
        return Summary(
            msg("已导入 %(n)d 个单位。", n=len(created)), [(msg("新登记单位"), len(created))]
        )


REGISTRY_IMPORTER = RegistryImporter()
