"""A fake asynchronous Textract job over synthetic dense pages (60 lines of 12 words, as
a full typed page), paginated as GetDocumentTextDetection does (at most 1,000 blocks per
response, NextToken between them), built on demand so the fake itself holds no pages."""

from __future__ import annotations

from typing import Any

LINES, WORDS = 60, 12
MAX_RESULTS = 1000
PAGE_BLOCKS = 1 + LINES * (WORDS + 1)


def _geometry(left: float, top: float, width: float, height: float) -> dict[str, Any]:
    corners = [
        (left, top),
        (left + width, top),
        (left + width, top + height),
        (left, top + height),
    ]
    return {
        "BoundingBox": {"Width": width, "Height": height, "Left": left, "Top": top},
        "Polygon": [{"X": x, "Y": y} for x, y in corners],
    }


def page_blocks(number: int) -> list[dict[str, Any]]:
    """The PAGE, LINE and WORD blocks of one dense page, in Textract's order."""
    blocks: list[dict[str, Any]] = []
    line_ids = []
    for line in range(LINES):
        word_ids = []
        for word in range(WORDS):
            ident = f"p{number}-l{line}-w{word}"
            word_ids.append(ident)
            blocks.append(
                {
                    "BlockType": "WORD",
                    "Confidence": 99.25,
                    "Text": f"word{number}x{line}x{word}",
                    "TextType": "PRINTED",
                    "Geometry": _geometry(0.05 + word * 0.075, 0.03 + line * 0.015, 0.07, 0.012),
                    "Id": ident,
                    "Page": number,
                }
            )
        ident = f"p{number}-l{line}"
        line_ids.append(ident)
        blocks.append(
            {
                "BlockType": "LINE",
                "Confidence": 99.1,
                "Text": " ".join(f"word{number}x{line}x{w}" for w in range(WORDS)),
                "Geometry": _geometry(0.05, 0.03 + line * 0.015, 0.9, 0.012),
                "Id": ident,
                "Relationships": [{"Type": "CHILD", "Ids": word_ids}],
                "Page": number,
            }
        )
    page = {
        "BlockType": "PAGE",
        "Geometry": _geometry(0.0, 0.0, 1.0, 1.0),
        "Id": f"p{number}",
        "Relationships": [{"Type": "CHILD", "Ids": line_ids}],
        "Page": number,
    }
    return [page, *blocks]


class FakeTextractJob:
    """get_document_text_detection of one finished job of `pages` dense pages. `gets`
    counts the calls, `tokens` records each NextToken asked for."""

    def __init__(self, pages: int) -> None:
        self.pages = pages
        self.gets = 0
        self.tokens: list[str] = []

    def get_document_text_detection(
        self,
        JobId: str,  # noqa: N803 (boto3's names)
        MaxResults: int = MAX_RESULTS,  # noqa: N803
        NextToken: str = "",  # noqa: N803
    ) -> dict[str, Any]:
        self.gets += 1
        self.tokens.append(NextToken)
        # Responses run across page boundaries, as Textract's do: the token is an offset
        # into all the job's blocks.
        start = int(NextToken or 0)
        end = min(start + min(MaxResults, MAX_RESULTS), self.pages * PAGE_BLOCKS)
        blocks: list[dict[str, Any]] = []
        for page in range(start // PAGE_BLOCKS + 1, (end - 1) // PAGE_BLOCKS + 2):
            first = (page - 1) * PAGE_BLOCKS
            blocks += page_blocks(page)[max(start - first, 0) : end - first]
        response: dict[str, Any] = {
            "JobStatus": "SUCCEEDED",
            "DocumentMetadata": {"Pages": self.pages},
            "DetectDocumentTextModelVersion": "1.0",
            "Blocks": blocks,
        }
        if end < self.pages * PAGE_BLOCKS:
            response["NextToken"] = str(end)
        return response
