"""What kind a department probably is, from its name: a suggestion the HR officer may change.

Pure rule over plain values. Used when departments are created without a kind being chosen
(the roster import's "create the missing departments", the demo data); the kind can be
corrected on the departments page.
"""

from __future__ import annotations

from hr.models import DepartmentKind

#: Name fragments per kind, checked in this order (the first that matches wins).
_FRAGMENTS: tuple[tuple[DepartmentKind, tuple[str, ...]], ...] = (
    (DepartmentKind.NURSING, ("护理",)),
    (
        DepartmentKind.MEDICAL_TECHNICAL,
        ("检验", "放射", "影像", "超声", "病理", "药剂", "药学", "功能检查", "核医学", "输血"),
    ),
    (DepartmentKind.LOGISTICS, ("后勤", "总务", "保卫", "设备", "食堂", "物业", "膳食", "基建")),
    (
        DepartmentKind.ADMINISTRATIVE,
        (
            "办公室",
            "党",
            "人事",
            "财务",
            "医务",
            "信息",
            "院感",
            "教务",
            "德育",
            "政教",
            "综合",
            "质控",
            "科教",
            "工会",
        ),
    ),
    (DepartmentKind.TEACHING, ("教研", "年级", "学科")),
)


def suggest_kind(name: str, institution_kind: str | None = None) -> str:
    """Return the ``DepartmentKind`` value a department called ``name`` most likely is."""
    if institution_kind == "school" and name.endswith("组"):
        return DepartmentKind.TEACHING.value  # 语文组, 信息科技组: 教研组
    for kind, fragments in _FRAGMENTS:
        if any(fragment in name for fragment in fragments):
            return kind.value
    if institution_kind == "hospital" and name.endswith("科"):
        return DepartmentKind.CLINICAL.value
    return DepartmentKind.OTHER.value
