"""``platform.*``: Pinterest's own answers to a publish call, as the classifier reads them.

These are decided from a response (``validator.pinterest.errors.classify``), never from a payload.
Where Pinterest's answer means exactly what an existing code means (``board.not_found`` for code
40, ``rate_limit.exceeded`` for code 8, ``board.invalid_id`` for a board_id pattern error...), the
classifier reports that code instead; these cover the rest. Their action is what decides whether
publishing code may send the same request again, so it follows one rule: ``retry`` only for what
is temporary at Pinterest's end, never for what the same request would meet again.
"""

from __future__ import annotations

from typing import Final

from validator.codes.base import Code, Stage
from validator.findings import Action, Severity


def _response(
    id: str,
    summary: str,
    why: str,
    fix: str,
    reference: str,
    *,
    action: Action = Action.USER_ERROR,
) -> Code:
    return Code(
        id=id,
        severity=Severity.ERROR,
        action=action,
        summary=summary,
        why=why,
        fix=fix,
        reference=reference,
        stage=Stage.RESPONSE,
    )


PLATFORM_SERVER_ERROR: Final = _response(
    "platform.server_error",
    'Pinterest failed at its end (5xx, or code 12/2787 "Something went wrong on our end").',
    "The failure is Pinterest's, not the request's; the same request usually works a little later.",
    "Retry with backoff; if it keeps failing for hours, check Pinterest's status page.",
    "pinterest-api.md §5.2 (default/5xx), §5.3 (codes 12, 2787)",
    action=Action.RETRY,
)
PLATFORM_TIMEOUT: Final = _response(
    "platform.timeout",
    "Pinterest or a gateway before it timed out (408 Request Timeout, 504 Gateway Timeout).",
    "A timeout says nothing about the request itself; it is as likely to work on the next try.",
    "Retry with backoff. A 504 on POST /v5/pins may still have created the pin: check the board "
    "before sending it again (Pinterest has no idempotency key).",
    "pinterest-api.md §5.2 (default/5xx), §5.3 (duplicate pins)",
    action=Action.RETRY,
)
PLATFORM_SPAM_BLOCK: Final = _response(
    "platform.spam_block",
    "Pinterest's spam block stopped the account's writes (\"a block (Pins) ... to combat spam\").",
    "Pinterest throttles accounts that write too much too fast; it says to try again later, but "
    "the block lasts far longer than a retry loop waits, and more writes can prolong it.",
    "Do not retry now: reschedule the pin hours later and spread the calendar's pins over time.",
    "pinterest-api.md §5.3 (spam block message), §5.4 (spam throttling)",
    action=Action.RETRY,
)
PLATFORM_TRIAL_ACCESS: Final = _response(
    "platform.trial_access",
    "The app's API access (Trial, or still pending) cannot create pins on api.pinterest.com.",
    'Pinterest refuses pins from apps with Trial access in production (code 29, "use API Sandbox")'
    "; every pin fails the same way until the app's access changes.",
    "Publish through https://api-sandbox.pinterest.com while on Trial access, or apply for "
    "Standard access in the developer portal.",
    "pinterest-api.md §5.3 (code 29 Trial message, code 3 consumer type), §5.4 (Trial vs Standard)",
)
PLATFORM_PERMISSION_DENIED: Final = _response(
    "platform.permission_denied",
    'Pinterest refuses the action for this account (403, code 29 "not permitted").',
    "The account or app may not do this (someone else's board, a restricted account); sending "
    "the same request again is refused again.",
    "Check that the board is the account's own (or one it collaborates on) and that the account "
    "is in good standing; then publish again.",
    "pinterest-api.md §5.2 (403), §5.3 (code 29)",
)
PLATFORM_INVALID_PARAMETERS: Final = _response(
    "platform.invalid_parameters",
    "Pinterest refuses the request's parameters (400, code 1) without naming a known problem.",
    "A validation error is a property of the payload: the same payload is refused every time.",
    "Read the platform message for the field, fix it, and run pin-preflight check on the payload.",
    "pinterest-api.md §5.2 (400), §5.3 (code 1)",
)
PLATFORM_INVALID_URL: Final = _response(
    "platform.invalid_url",
    'Pinterest says a URL of the pin is invalid (code 1, "you entered an invalid URL").',
    "Pinterest does not say which URL: the destination link or a media URL; it refuses the pin "
    "until the URL is fixed.",
    "Check link and the media URLs (absolute http(s), no spaces); pin-preflight check finds "
    "most such URLs.",
    "pinterest-api.md §5.3 (code 1, InvalidPinUrl example)",
)
PLATFORM_IMAGE_TOO_SMALL: Final = _response(
    "platform.image_too_small",
    "Pinterest refused the image as too small (403, code 233).",
    "Pinterest decides on the file it fetched; the same image is refused every time.",
    "Use a larger image: at least 600 px wide, ideally 1000x1500 (2:3).",
    "pinterest-api.md §4.1, §5.3 (code 233)",
)
PLATFORM_IMAGE_BROKEN: Final = _response(
    "platform.image_broken",
    "Pinterest refused the image as broken (403, code 235).",
    "The file Pinterest fetched does not decode (truncated, corrupt, or not an image at all).",
    "Export or upload the image again, completely, as JPEG or PNG; pin-preflight check (online) "
    "decodes it the same way.",
    "pinterest-api.md §4.1, §5.3 (code 235)",
)
PLATFORM_URL_UNREACHABLE: Final = _response(
    "platform.url_unreachable",
    'Pinterest could not reach the media URL (code 2786, "Unable to reach the URL").',
    "Pinterest fetches the image or video itself; a URL that is private, expired, blocked or "
    "down for its crawler fails the pin, and retrying the same URL rarely helps.",
    "Open the URL from outside your network (pin-preflight check does), host the file publicly, "
    "re-sign an expired URL, then publish again.",
    "pinterest-api.md §5.3 (code 2786)",
)
PLATFORM_MEDIA_FETCH_FAILED: Final = _response(
    "platform.media_fetch_failed",
    'Pinterest could not fetch the image ("could not fetch the image").',
    "Pinterest downloads the image when the pin is created; a URL it cannot download fails the "
    "pin the same way on every try.",
    "Check that the image URL is public and serves a JPEG or PNG (pin-preflight check), then "
    "publish again.",
    "pinterest-api.md §5.3 (message substrings)",
)
PLATFORM_PIN_NOT_FOUND: Final = _response(
    "platform.pin_not_found",
    'Pinterest has no pin with an id the request names (404, code 50 "Pin not found").',
    "On a create call this is most likely parent_pin_id: a pin that was deleted or never "
    "existed; the same id fails every time.",
    "Check parent_pin_id (or leave it out), or the pin id of the call.",
    "pinterest-api.md §5.3 (code 50, UNCERTAIN for create)",
)
PLATFORM_NOT_FOUND: Final = _response(
    "platform.not_found",
    "Pinterest answered 404 without a code that says what was not found.",
    "Something the request names (board, section, media, pin) does not exist for this account.",
    "Check board_id, board_section_id and media_id against the account (GET /v5/boards, "
    "GET /v5/media/{media_id}); check the endpoint URL.",
    "pinterest-api.md §5.2 (404)",
)
PLATFORM_UNKNOWN: Final = _response(
    "platform.unknown",
    "Pinterest refused the request with a status and code pin-preflight does not know.",
    "Without knowing the cause the safe assumption is that the same request fails again (and a "
    "blind retry of a create call can duplicate the pin).",
    "Read the platform message and request id (x-pinterest-rid); fix the request, or contact "
    "Pinterest support with the request id.",
    "pinterest-api.md §5.1, §5.2",
)
