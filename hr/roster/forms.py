"""Forms of the roster: the upload, with the explicit choice to create missing departments."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField

from institutions.registry.forms import ImportForm


class RosterImportForm(ImportForm):
    create_departments = BooleanField(
        _l("新建文件中本单位还没有的部门"),
        description=_l("不勾选时，「部门」须是本单位已有的部门，否则列为错误、整个文件不导入"),
    )
