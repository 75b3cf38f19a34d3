"""The review API's routes (aws-lambda-powertools event handler, OpenAPI published at
/api/openapi.json). The same resolver answers API Gateway events in the API Lambda and
the local server's requests, so both hosts give the same responses, and refuse the same
requests (unauthenticated, without a role, or with a body no route takes) up front."""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Callable, Mapping
from datetime import datetime
from typing import Annotated, Any

from aws_lambda_powertools.event_handler import APIGatewayHttpResolver, CORSConfig, Response
from aws_lambda_powertools.event_handler.openapi.params import Query
from aws_lambda_powertools.event_handler.openapi.types import OpenAPIResponse
from aws_lambda_powertools.utilities.data_classes import APIGatewayProxyEventV2

from meddoc import __version__, serialization
from meddoc.api.auth import Authenticator
from meddoc.api.errors import refused, register_error_handlers, unauthenticated
from meddoc.api.export_jobs import ExportJobs
from meddoc.api.exporting import INLINE_DOCUMENTS, export_documents
from meddoc.api.input_limits import MAX_JSON_BYTES, TooLarge, check_json_body
from meddoc.api.roles import Actor, Permission
from meddoc.api.service import ReviewService
from meddoc.api.views import (
    Accepted,
    CorrectionRequest,
    Deleted,
    DocumentList,
    DocumentView,
    ErrorBody,
    ExportJob,
    ExportRequest,
    Health,
    Identity,
    NoteRequest,
    PipelineStatus,
    ReprocessRequest,
    ReprocessResult,
    ReviewRequest,
    UploadIntent,
    UploadRequest,
)
from meddoc.errors import DocumentNotFound, InvalidRequest, NotAuthenticated
from meddoc.model import (
    AuditEvent,
    Concept,
    Correction,
    DocumentRecord,
    DocumentType,
    MedicalEntity,
    ReviewStatus,
    Status,
    Trait,
)
from meddoc.ports import DocumentQuery
from meddoc.review import STRUCTURE_KINDS

MAX_PAGE_SIZE = 100
FORM_TYPES = ("multipart/", "application/x-www-form-urlencoded")
IDENTITY_PATH = "/api/me"  # answers any signed-in caller, role or not
RAW_BODY_METHODS = ("PUT",)  # the local server's upload route takes a file, not JSON


def _forbidden(description: str) -> dict[int, OpenAPIResponse]:
    """A route's responses with a 403 (given responses replace powertools' 200, so the
    200 is named too: without content, its schema is still the route's return type)."""
    return {
        200: {"description": "Successful Response"},
        403: {"description": description, "content": {"application/json": {"model": ErrorBody}}},
    }


# Every route but /api/me refuses a caller with no role; some need the admin role.
NO_ROLE = _forbidden("Not allowed: the caller has no meddoc role (reviewer or admin)")
ADMIN_ONLY = _forbidden("Not allowed: this needs the admin role (or the caller has no role)")


def create_app(
    service: ReviewService,
    authenticator: Authenticator,
    site_origin: str | None = None,
    extra_routes: Callable[[APIGatewayHttpResolver], None] | None = None,
    exports: ExportJobs | None = None,
) -> APIGatewayHttpResolver:
    """The resolver; `extra_routes` adds a host's own routes (the local server's upload
    endpoint) behind the same authentication and error handling. Without `exports`,
    every export is answered at once, however big."""
    cors = CORSConfig(allow_origin=site_origin, max_age=600) if site_origin else None
    # debug=False whatever POWERTOOLS_DEV says: debug mode prints every event, tokens too.
    app = AuthenticatedResolver(authenticator, cors=cors, enable_validation=True, debug=False)
    app.enable_swagger(
        path="/api/docs", title="meddoc review API", version=__version__, openapi_version="3.1.0"
    )
    register_error_handlers(app)

    _system_routes(app, service)
    _document_routes(app, service)
    _review_routes(app, service)
    _export_and_upload_routes(app, service, exports)
    if extra_routes is not None:
        extra_routes(app)
    return app


def _actor(app: APIGatewayHttpResolver) -> Actor:
    """The caller, as AuthenticatedResolver found it."""
    who: Actor = app.context["actor"]
    return who


def _system_routes(app: APIGatewayHttpResolver, service: ReviewService) -> None:
    """The OpenAPI document, health, pipeline status and bulk reprocessing."""

    @app.get(IDENTITY_PATH)
    def me() -> Identity:
        actor = _actor(app)
        return Identity(
            actor.name, sorted(actor.roles), sorted(p.value for p in actor.permissions)
        )

    @app.get("/api/openapi.json", responses=NO_ROLE)
    def openapi() -> dict[str, Any]:
        schema: dict[str, Any] = app.get_openapi_schema(
            title="meddoc review API", version=__version__
        ).model_dump(mode="json", by_alias=True, exclude_none=True)
        return schema

    @app.get("/api/health", responses=NO_ROLE)
    def health() -> Health:
        return service.health()

    @app.get("/api/status", responses=NO_ROLE)
    def status() -> PipelineStatus:
        return service.status()

    @app.post("/api/reprocess", responses=ADMIN_ONLY)
    def reprocess_many(request: ReprocessRequest) -> ReprocessResult:
        return service.reprocess_matching(_actor(app), request.status, request.all)


def _document_routes(app: APIGatewayHttpResolver, service: ReviewService) -> None:
    """Search, one document (masked or revealed) and its page images."""

    @app.get("/api/documents", responses=NO_ROLE)
    def list_documents(
        status: Annotated[Status | None, Query()] = None,
        review: Annotated[ReviewStatus | None, Query()] = None,
        since: Annotated[datetime | None, Query()] = None,
        until: Annotated[datetime | None, Query()] = None,
        q: Annotated[str, Query(max_length=200)] = "",
        entity: Annotated[str, Query(max_length=200)] = "",
        code: Annotated[str, Query(max_length=20)] = "",
        category: Annotated[str, Query(max_length=40)] = "",
        document_type: Annotated[DocumentType | None, Query()] = None,
        limit: Annotated[int, Query(ge=1, le=MAX_PAGE_SIZE)] = 25,
        cursor: Annotated[str | None, Query(max_length=500)] = None,
    ) -> DocumentList:
        return service.search(
            DocumentQuery(
                status=status,
                review=review,
                since=since,
                until=until,
                text=q,
                entity=entity,
                code=code,
                category=category,
                document_type=document_type.value if document_type else "",
                limit=limit,
                cursor=cursor,
            )
        )

    @app.get("/api/documents/<document_id>", responses=NO_ROLE)
    def get_document(document_id: str) -> DocumentView:
        return service.view(document_id, _actor(app))

    @app.post("/api/documents/<document_id>/reveal", responses=ADMIN_ONLY)
    def reveal(document_id: str) -> DocumentView:
        return service.view(document_id, _actor(app), reveal=True)

    @app.get(
        "/api/documents/<document_id>/pages/<number>/image",
        # Image bytes are no JSON: this route parses its own parameters.
        enable_validation=False,
        responses={
            **ADMIN_ONLY,  # with reveal=true
            200: {
                "description": "The page image (PHI blacked out unless revealed)",
                "content": {"image/jpeg": {}},
            },
        },
    )
    def page_image(document_id: str, number: str) -> Response[bytes]:
        if not number.isdigit():
            raise InvalidRequest("the page number must be a number")
        reveal = app.current_event.get_query_string_value("reveal", "false") == "true"
        image = service.page_image(document_id, int(number), _actor(app), reveal)
        headers = {"Cache-Control": "private, no-store"}
        return Response(200, content_type=image.content_type, body=image.body, headers=headers)


def _review_routes(app: APIGatewayHttpResolver, service: ReviewService) -> None:
    """Review state, notes, corrections, reprocess and delete of one document."""

    @app.post("/api/documents/<document_id>/review", responses=NO_ROLE)
    def review(document_id: str, request: ReviewRequest) -> DocumentRecord:
        return service.review(document_id, _actor(app), request.status, request.note)

    @app.post("/api/documents/<document_id>/notes", responses=NO_ROLE)
    def note(document_id: str, request: NoteRequest) -> AuditEvent:
        return service.note(document_id, _actor(app), request.text)

    @app.post("/api/documents/<document_id>/corrections", responses=NO_ROLE)
    def correct(document_id: str, request: CorrectionRequest) -> Correction:
        if request.kind in STRUCTURE_KINDS:
            return service.correct_structure(
                document_id, _actor(app), request.kind, request.target, request.value, request.note
            )
        return service.correct(
            document_id,
            _actor(app),
            request.kind,
            request.entity_id,
            _entity(request),
            request.note,
        )

    @app.post("/api/documents/<document_id>/reprocess", responses=NO_ROLE)
    def reprocess(document_id: str) -> Accepted:
        return service.reprocess(document_id, _actor(app))

    @app.delete("/api/documents/<document_id>", responses=ADMIN_ONLY)
    def delete(document_id: str) -> Deleted:
        return service.delete(document_id, _actor(app))


def _export_and_upload_routes(
    app: APIGatewayHttpResolver, service: ReviewService, exports: ExportJobs | None
) -> None:
    """Exports of one or many documents (many: as an export job), and upload intents."""

    @app.get("/api/documents/<document_id>/export", responses=ADMIN_ONLY)
    def export_one(
        document_id: str,
        format: Annotated[
            str, Query(pattern="^(json|csv|fields_csv|statements_csv|fhir)$")
        ] = "json",
        include_phi: Annotated[bool, Query()] = False,
        include_patient: Annotated[bool, Query()] = False,
    ) -> Response[str]:
        request = ExportRequest([document_id], format, include_phi, include_patient)
        return export_documents(service, _actor(app), request)

    @app.post("/api/exports", responses=ADMIN_ONLY)
    def export_many(request: ExportRequest) -> Response[str]:
        """Up to INLINE_DOCUMENTS documents: the file. More: 202 and the export job."""
        if exports is None or len(set(request.ids)) <= INLINE_DOCUMENTS:
            return export_documents(service, _actor(app), request)
        job = exports.start(service, _actor(app), request)
        body = json.dumps(serialization.to_dict(job))
        headers = {"Location": f"/api/exports/{job.id}", "Cache-Control": "no-store"}
        return Response(202, content_type="application/json", body=body, headers=headers)

    @app.get("/api/exports/<export_id>", responses=ADMIN_ONLY)
    def export_job(export_id: str) -> ExportJob:
        if exports is None:
            raise DocumentNotFound(f"no export {export_id}")
        return exports.status(_actor(app), export_id)

    @app.get("/api/exports/<export_id>/file", responses=ADMIN_ONLY)
    def export_file(export_id: str) -> Response[bytes]:
        if exports is None:
            raise DocumentNotFound(f"no export {export_id}")
        body, content_type, name = exports.file(_actor(app), export_id)
        headers = {
            "Content-Disposition": f'attachment; filename="{name}"',
            "Cache-Control": "private, no-store",
        }
        return Response(200, content_type=content_type, body=body, headers=headers)

    @app.post("/api/uploads", responses=NO_ROLE)
    def upload(request: UploadRequest) -> UploadIntent:
        return service.upload_intent(request.name, request.size, request.content_type)


class AuthenticatedResolver(APIGatewayHttpResolver):
    """Refuses a request before anything else runs when the caller is unauthenticated
    (401), has no role (403), or sends a body no route takes (413, 415, 400): powertools
    validates a request before any middleware, which would tell an anonymous caller what
    a valid request looks like, and parses JSON recursively. The caller found here is the
    `actor` of the request's context."""

    def __init__(self, authenticator: Authenticator, **options: Any) -> None:
        super().__init__(**options)
        self._authenticator = authenticator

    def resolve(self, event: Mapping[str, Any], context: Any) -> dict[str, Any]:
        method = event.get("requestContext", {}).get("http", {}).get("method", "")
        if method != "OPTIONS":  # CORS preflights carry no credentials
            request = APIGatewayProxyEventV2(dict(event))
            origin = (request.headers or {}).get("origin")
            try:
                actor = self._authenticator.authenticate(request)
            except NotAuthenticated as exc:
                return unauthenticated(str(exc), self._cors, origin)
            refusal = _refusal(request, actor)
            if refusal is not None:
                status, code, message = refusal
                cors = self._cors.to_dict(origin) if self._cors is not None else {}
                return refused(status, code, message, cors)
            self.append_context(actor=actor)  # type: ignore[no-untyped-call]
        resolved: dict[str, Any] = super().resolve(event, context)
        return resolved


def _refusal(request: APIGatewayProxyEventV2, actor: Actor) -> tuple[int, str, str] | None:
    """(status, code, message) of a request refused before routing, or None."""
    if request.path != IDENTITY_PATH and not actor.may(Permission.REVIEW):
        return (
            403,
            "NotAllowed",
            "this account has no meddoc role (reviewer or admin); ask an administrator",
        )
    content_type = (request.headers or {}).get("content-type", "").lower()
    if content_type.startswith(FORM_TYPES):
        # No route takes forms; powertools would try to parse them anyway.
        return 415, "UnsupportedMediaType", "send the body as application/json"
    if request.request_context.http.method.upper() in RAW_BODY_METHODS or not request.body:
        return None
    try:
        check_json_body(_body_bytes(request))
    except TooLarge as exc:
        return 413, "TooLarge", str(exc)
    except InvalidRequest as exc:
        return 400, "InvalidRequest", str(exc)
    return None


def _body_bytes(request: APIGatewayProxyEventV2) -> bytes:
    """The body as sent; too long to be decoded at all is too large."""
    body = request.body or ""
    if not request.is_base64_encoded:
        return body.encode("utf-8", "surrogatepass")
    if len(body) > (MAX_JSON_BYTES + 2) // 3 * 4:
        raise TooLarge(f"the request body is larger than {MAX_JSON_BYTES // 1024} KB")
    try:
        return base64.b64decode(body, validate=True)
    except (binascii.Error, ValueError) as exc:
        raise InvalidRequest("the request body is not valid base64") from exc


def _entity(request: CorrectionRequest) -> MedicalEntity | None:
    given = request.entity
    if given is None:
        return None
    concepts = []
    if given.code:
        concepts.append(
            Concept(given.code_system, given.code.strip().upper(), given.code_description, 1.0)
        )
    traits = [Trait("NEGATION", 1.0)] if given.negated else []
    return MedicalEntity(
        given.text,
        given.begin,
        given.end,
        1.0,
        category=given.category,
        type=given.type,
        traits=traits,
        concepts=concepts,
    )
