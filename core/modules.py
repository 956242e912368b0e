"""The packages that make up the app, and the one contract by which each plugs into core.

``MODULES`` is the only place in core that names a higher package. Each named package has a
``module.py`` defining ``module = Module(...)``: its blueprints, CLI commands, menu entries,
permissions (with the roles granted them), audit labels, home-page sections, demo seeders,
parameter defaults, background job kinds, and what it provides to registries that lower
packages own (``provides={"indicators": [...], "motion_subjects": [...]}``). Adding a package
edits its own folder and this list, nothing else in core.

``create_app`` loads the modules in order and keeps what they declare in a :class:`Platform`
on ``app.extensions["platform"]``; nothing is kept in module-level lists, so two apps in one
process (tests do that) never share or double their registrations.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from graphlib import CycleError, TopologicalSorter
from importlib import import_module
from typing import Any

from flask import Blueprint, Flask, current_app

from core.roles import Role

#: The packages of the app, in dependency order (lower first).
MODULES: tuple[str, ...] = (
    "institutions",
    "institutions.governance",
    "institutions.staffing",
    "hr",
    "payroll",
    "schools",
    "hospitals",
)


@dataclass(frozen=True)
class MenuItem:
    """A main-menu entry; shown when the user holds ``permission`` somewhere.

    Showing is a convenience only: every view checks again. ``kind`` limits a sector module
    to users who reach an institution of that kind (schools, hospitals).
    """

    label: Any
    endpoint: str
    permission: str | None = None
    kind: str | None = None
    order: int = 100


@dataclass(frozen=True)
class Seeder:
    """A step of ``flask seed-demo``; it runs after the seeders named in ``after``."""

    name: str
    run: Callable[[], list[str]]
    after: tuple[str, ...] = ()


@dataclass(frozen=True)
class Module:
    """What one package declares to core."""

    name: str
    label: Any = None
    blueprints: Sequence[Blueprint] = ()
    #: click commands and groups added to ``flask``
    commands: Sequence[Any] = ()
    menu: Sequence[MenuItem] = ()
    #: ``core.permissions.Permission`` constants, each carrying the roles granted it
    permissions: Sequence[Any] = ()
    #: how the audit trail reads: action code -> label; object type (class name) -> label;
    #: field -> label and field -> {stored value -> label}, keyed "Object.field" or "field"
    audit_actions: Mapping[str, Any] = field(default_factory=dict)
    audit_objects: Mapping[str, Any] = field(default_factory=dict)
    audit_fields: Mapping[str, Any] = field(default_factory=dict)
    audit_values: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)
    #: callables ``(user) -> core.home.Section | None``
    home_sections: Sequence[Callable[[Any], Any]] = ()
    seeders: Sequence[Seeder] = ()
    #: callables storing the package's parameter defaults (idempotent); run by ``flask init``
    parameters: Sequence[Callable[[], None]] = ()
    #: parameter key -> what it is, for the parameters page
    parameter_labels: Mapping[str, Any] = field(default_factory=dict)
    #: ``core.jobs.JobKind`` values the worker can run
    jobs: Sequence[Any] = ()
    #: contributions to registries owned by lower packages, by registry name
    provides: Mapping[str, Sequence[Any]] = field(default_factory=dict)
    #: called once the module is registered, e.g. to connect signal receivers
    setup: Callable[[Flask], None] | None = None


class Platform:
    """Everything the loaded modules declared, for one app."""

    def __init__(self, modules: Sequence[Module]) -> None:
        self.modules = list(modules)
        self.permissions: dict[str, Any] = {}
        grants: dict[Role, set[str]] = {role: set() for role in Role}
        for module in self.modules:
            for permission in module.permissions:
                if permission in self.permissions:
                    raise ValueError(f"permission {permission!s} declared twice")
                self.permissions[str(permission)] = permission
                for role in getattr(permission, "grants", ()):
                    grants[Role(role)].add(str(permission))
        self.role_permissions: dict[Role, frozenset[str]] = {
            role: frozenset(names) for role, names in grants.items()
        }
        self.menu = sorted(
            (item for module in self.modules for item in module.menu), key=lambda i: i.order
        )
        self.audit_actions = _merged(m.audit_actions for m in self.modules)
        self.audit_objects = _merged(m.audit_objects for m in self.modules)
        self.audit_fields = _merged(m.audit_fields for m in self.modules)
        self.audit_values = _merged(m.audit_values for m in self.modules)
        self.home_sections = [s for m in self.modules for s in m.home_sections]
        self.seeders = _ordered_seeders(s for m in self.modules for s in m.seeders)
        self.parameter_seeders = [p for m in self.modules for p in m.parameters]
        self.parameter_labels = _merged(m.parameter_labels for m in self.modules)
        self.jobs = [j for m in self.modules for j in m.jobs]

    def provided(self, registry: str) -> list[Any]:
        """Return what every module contributes to ``registry``, in module order."""
        return [item for m in self.modules for item in m.provides.get(registry, ())]

    def module(self, name: str) -> Module | None:
        """Return the loaded module called ``name``."""
        return next((m for m in self.modules if m.name == name), None)


def _merged(mappings: Iterable[Mapping[str, Any]]) -> dict[str, Any]:
    found: dict[str, Any] = {}
    for mapping in mappings:
        for key, value in mapping.items():
            if key in found and found[key] is not value:
                raise ValueError(f"label for {key!r} declared twice")
            found[key] = value
    return found


def _ordered_seeders(seeders: Iterable[Seeder]) -> list[Seeder]:
    """Return seeders so that each runs after those it names; ties keep declaration order."""
    by_name: dict[str, Seeder] = {}
    for seeder in seeders:
        if seeder.name in by_name:
            raise ValueError(f"seeder {seeder.name!r} declared twice")
        by_name[seeder.name] = seeder
    sorter: TopologicalSorter[str] = TopologicalSorter()
    for name, seeder in by_name.items():
        missing = [dep for dep in seeder.after if dep not in by_name]
        if missing:
            raise ValueError(f"seeder {name!r} runs after unknown seeders {missing}")
        sorter.add(name, *seeder.after)
    position = {name: index for index, name in enumerate(by_name)}
    try:
        sorter.prepare()
    except CycleError as error:
        raise ValueError(f"seeders depend on each other in a cycle: {error.args[1]}") from None
    ordered: list[str] = []
    while sorter.is_active():
        ready = sorted(sorter.get_ready(), key=position.__getitem__)
        ordered.extend(ready)
        sorter.done(*ready)
    return [by_name[name] for name in ordered]


def load_modules(names: Sequence[str]) -> list[Module]:
    """Import ``<name>.module`` for each name and return the declared modules, in order."""
    modules = []
    for name in names:
        declared = getattr(import_module(f"{name}.module"), "module", None)
        if not isinstance(declared, Module):
            raise TypeError(f"{name}.module must define `module = Module(...)`")
        modules.append(declared)
    return modules


def install(app: Flask, modules: Sequence[Module]) -> Platform:
    """Register what the modules declare on ``app`` and return the platform."""
    platform = Platform(modules)
    app.extensions["platform"] = platform
    for module in platform.modules:
        for blueprint in module.blueprints:
            app.register_blueprint(blueprint)
        for command in module.commands:
            app.cli.add_command(command)
    for module in platform.modules:
        if module.setup is not None:
            module.setup(app)
    return platform


def platform(app: Flask | None = None) -> Platform:
    """Return the platform of ``app`` (default: the current app)."""
    return (app or current_app).extensions["platform"]


__all__ = [
    "MODULES",
    "MenuItem",
    "Module",
    "Platform",
    "Seeder",
    "install",
    "load_modules",
    "platform",
]
