"""The review API's routes (aws-lambda-powertools event handler, OpenAPI published at
/api/openapi.json). The same resolver answers API Gateway events in the API Lambda and
the local server's requests, so both hosts give the same responses."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import datetime
from typing import Annotated, Any

from aws_lambda_powertools.event_handler import APIGatewayHttpResolver, CORSConfig, Response
from aws_lambda_powertools.event_handler.middlewares import NextMiddleware
from aws_lambda_powertools.event_handler.openapi.params import Query
from aws_lambda_powertools.utilities.data_classes import APIGatewayProxyEventV2

from meddoc import __version__
from meddoc.api.auth import Authenticator
from meddoc.api.errors import refused, register_error_handlers, unauthenticated
from meddoc.api.exporting import export_documents
from meddoc.api.service import Actor, ReviewService
from meddoc.api.views import (
    Accepted,
    CorrectionRequest,
    Deleted,
    DocumentList,
    DocumentView,
    ExportRequest,
    Health,
    NoteRequest,
    PipelineStatus,
    ReprocessRequest,
    ReprocessResult,
    ReviewRequest,
    UploadIntent,
    UploadRequest,
)
from meddoc.errors import InvalidRequest, NotAuthenticated
from meddoc.model import (
    AuditEvent,
    Concept,
    Correction,
    DocumentRecord,
    MedicalEntity,
    ReviewStatus,
    Status,
    Trait,
)
from meddoc.ports import DocumentQuery

MAX_PAGE_SIZE = 100
FORM_TYPES = ("multipart/", "application/x-www-form-urlencoded")


def create_app(
    service: ReviewService,
    authenticator: Authenticator,
    site_origin: str | None = None,
    extra_routes: Callable[[APIGatewayHttpResolver], None] | None = None,
) -> APIGatewayHttpResolver:
    """The resolver; `extra_routes` adds a host's own routes (the local server's upload
    endpoint) behind the same authentication and error handling."""
    cors = CORSConfig(allow_origin=site_origin, max_age=600) if site_origin else None
    # debug=False whatever POWERTOOLS_DEV says: debug mode prints every event, tokens too.
    app = AuthenticatedResolver(authenticator, cors=cors, enable_validation=True, debug=False)
    app.enable_swagger(
        path="/api/docs", title="meddoc review API", version=__version__, openapi_version="3.1.0"
    )

    def authenticate(
        app: APIGatewayHttpResolver, next_middleware: NextMiddleware
    ) -> Response[Any]:
        actor = authenticator.authenticate(app.current_event)
        app.append_context(actor=actor)  # type: ignore[no-untyped-call]
        return next_middleware(app)

    app.use(middlewares=[authenticate])
    register_error_handlers(app)

    _system_routes(app, service)
    _document_routes(app, service)
    _review_routes(app, service)
    _export_and_upload_routes(app, service)
    if extra_routes is not None:
        extra_routes(app)
    return app


def _actor(app: APIGatewayHttpResolver) -> Actor:
    """The caller, as the authentication middleware found it."""
    who: Actor = app.context["actor"]
    return who


def _system_routes(app: APIGatewayHttpResolver, service: ReviewService) -> None:
    """The OpenAPI document, health, pipeline status and bulk reprocessing."""

    @app.get("/api/openapi.json")
    def openapi() -> dict[str, Any]:
        schema: dict[str, Any] = app.get_openapi_schema(
            title="meddoc review API", version=__version__
        ).model_dump(mode="json", by_alias=True, exclude_none=True)
        return schema

    @app.get("/api/health")
    def health() -> Health:
        return service.health()

    @app.get("/api/status")
    def status() -> PipelineStatus:
        return service.status()

    @app.post("/api/reprocess")
    def reprocess_many(request: ReprocessRequest) -> ReprocessResult:
        return service.reprocess_matching(_actor(app), request.status, request.all)


def _document_routes(app: APIGatewayHttpResolver, service: ReviewService) -> None:
    """Search, one document (masked or revealed) and its page images."""

    @app.get("/api/documents")
    def list_documents(
        status: Annotated[Status | None, Query()] = None,
        review: Annotated[ReviewStatus | None, Query()] = None,
        since: Annotated[datetime | None, Query()] = None,
        until: Annotated[datetime | None, Query()] = None,
        q: Annotated[str, Query(max_length=200)] = "",
        entity: Annotated[str, Query(max_length=200)] = "",
        code: Annotated[str, Query(max_length=20)] = "",
        category: Annotated[str, Query(max_length=40)] = "",
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
                limit=limit,
                cursor=cursor,
            )
        )

    @app.get("/api/documents/<document_id>")
    def get_document(document_id: str) -> DocumentView:
        return service.view(document_id, _actor(app))

    @app.post("/api/documents/<document_id>/reveal")
    def reveal(document_id: str) -> DocumentView:
        return service.view(document_id, _actor(app), reveal=True)

    @app.get(
        "/api/documents/<document_id>/pages/<number>/image",
        # Image bytes are no JSON: this route parses its own parameters.
        enable_validation=False,
        responses={
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

    @app.post("/api/documents/<document_id>/review")
    def review(document_id: str, request: ReviewRequest) -> DocumentRecord:
        return service.review(document_id, _actor(app), request.status, request.note)

    @app.post("/api/documents/<document_id>/notes")
    def note(document_id: str, request: NoteRequest) -> AuditEvent:
        return service.note(document_id, _actor(app), request.text)

    @app.post("/api/documents/<document_id>/corrections")
    def correct(document_id: str, request: CorrectionRequest) -> Correction:
        return service.correct(
            document_id,
            _actor(app),
            request.kind,
            request.entity_id,
            _entity(request),
            request.note,
        )

    @app.post("/api/documents/<document_id>/reprocess")
    def reprocess(document_id: str) -> Accepted:
        return service.reprocess(document_id, _actor(app))

    @app.delete("/api/documents/<document_id>")
    def delete(document_id: str) -> Deleted:
        return service.delete(document_id, _actor(app))


def _export_and_upload_routes(app: APIGatewayHttpResolver, service: ReviewService) -> None:
    """Exports of one or many documents and upload intents."""

    @app.get("/api/documents/<document_id>/export")
    def export_one(
        document_id: str,
        format: Annotated[str, Query(pattern="^(json|csv|fhir)$")] = "json",
        include_phi: Annotated[bool, Query()] = False,
        include_patient: Annotated[bool, Query()] = False,
    ) -> Response[str]:
        request = ExportRequest([document_id], format, include_phi, include_patient)
        return export_documents(service, _actor(app), request)

    @app.post("/api/exports")
    def export_many(request: ExportRequest) -> Response[str]:
        return export_documents(service, _actor(app), request)

    @app.post("/api/uploads")
    def upload(request: UploadRequest) -> UploadIntent:
        return service.upload_intent(request.name, request.size, request.content_type)


class AuthenticatedResolver(APIGatewayHttpResolver):
    """Refuses an unauthenticated request before anything else runs: powertools
    validates the request before the middlewares, which would tell an anonymous caller
    what a valid request looks like."""

    def __init__(self, authenticator: Authenticator, **options: Any) -> None:
        super().__init__(**options)
        self._authenticator = authenticator

    def resolve(self, event: Mapping[str, Any], context: Any) -> dict[str, Any]:
        method = event.get("requestContext", {}).get("http", {}).get("method", "")
        if method != "OPTIONS":  # CORS preflights carry no credentials
            request = APIGatewayProxyEventV2(dict(event))
            try:
                self._authenticator.authenticate(request)
            except NotAuthenticated as exc:
                origin = (request.headers or {}).get("origin")
                return unauthenticated(str(exc), self._cors, origin)
            content_type = (request.headers or {}).get("content-type", "").lower()
            if content_type.startswith(FORM_TYPES):
                # No route takes forms; powertools would try to parse them anyway.
                return refused(415, "UnsupportedMediaType", "send the body as application/json")
        resolved: dict[str, Any] = super().resolve(event, context)
        return resolved


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
