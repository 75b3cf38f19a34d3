"""Who may do what: two roles (reviewer, admin), what each permits, and the caller
(`Actor`) with the roles its host's sign-in gave it. The review service enforces it."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum


class Role(StrEnum):
    REVIEWER = "reviewer"
    ADMIN = "admin"


class Permission(StrEnum):
    """What a role permits. REVIEW is everything a reviewer does: view (PHI masked),
    approve / flag, notes, corrections, exports without PHI, uploads, reprocessing one
    document. The others are an admin's alone."""

    REVIEW = "review"
    REVEAL_PHI = "reveal_phi"  # unmasked text and page images
    EXPORT_PHI = "export_phi"  # exports with PHI or a FHIR Patient
    DELETE = "delete"
    REPROCESS_MANY = "reprocess_many"  # by status, or every document


GRANTS: dict[Role, frozenset[Permission]] = {
    Role.REVIEWER: frozenset({Permission.REVIEW}),
    Role.ADMIN: frozenset(Permission),
}

# AWS: the Cognito user pool groups whose members get each role (the ID token's
# `cognito:groups` claim). A user in neither group has no role, hence no access.
COGNITO_GROUPS: dict[str, Role] = {
    "meddoc-admins": Role.ADMIN,
    "meddoc-reviewers": Role.REVIEWER,
}


def role_named(name: str) -> Role | None:
    """The role a configuration names ("admin", "Reviewer "), or None."""
    try:
        return Role(name.strip().lower())
    except ValueError:
        return None


@dataclass(frozen=True, slots=True)
class Actor:
    """Who is calling: a user name (the JWT's email, an API key's or token's name,
    "local") and the roles the sign-in gave it (none: no access)."""

    name: str
    roles: frozenset[Role] = frozenset()

    @classmethod
    def with_roles(cls, name: str, roles: Iterable[Role]) -> Actor:
        return cls(name, frozenset(roles))

    @property
    def permissions(self) -> frozenset[Permission]:
        return frozenset(p for role in self.roles for p in GRANTS[role])

    def may(self, permission: Permission) -> bool:
        return permission in self.permissions


def admin(name: str) -> Actor:
    """An actor with every permission (the local printed token, operators' commands)."""
    return Actor(name, frozenset({Role.ADMIN}))
