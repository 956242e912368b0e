"""The product's WSGI app plus one bench-only route: the floor for bench/web_throughput.py.

``GET /bench/floor`` runs one SQLite query for 50 rows of the ``bench_floor`` table (100,000
rows, made by the bench script) and renders them through a template compiled once: the
least a page of this stack can cost. It is added here, never to the product.

Run by gunicorn as ``web_floor_wsgi:app`` with ``--pythonpath bench``.
"""

from __future__ import annotations

import random
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import text  # noqa: E402

from core.app import create_app  # noqa: E402
from core.extensions import db  # noqa: E402

FLOOR_ROWS = 100_000
FLOOR_TEMPLATE = """<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8"><title>floor</title></head>
<body><table>
<thead><tr><th>id</th><th>name</th><th>value</th></tr></thead>
<tbody>
{%- for row in rows %}
<tr><td>{{ row.id }}</td><td>{{ row.name }}</td><td>{{ row.value }}</td></tr>
{%- endfor %}
</tbody></table></body></html>
"""

app = create_app()
_template = app.jinja_env.from_string(FLOOR_TEMPLATE)  # compiled once, as a cached template


def floor():
    start = random.randrange(FLOOR_ROWS - 50)
    rows = db.session.execute(
        text("SELECT id, name, value FROM bench_floor WHERE id > :start ORDER BY id LIMIT 50"),
        {"start": start},
    ).all()
    return _template.render(rows=rows)


app.add_url_rule("/bench/floor", "bench_floor", floor)
