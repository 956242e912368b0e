"""The hospitals blueprint; each topic's views module adds its routes to it."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("hospitals", __name__, url_prefix="/hospitals")
