"""Text cleaning: boilerplate lines and inline debris, paragraph spacing, hard-wrapped lines, truncation."""

from __future__ import annotations

import re

# Boilerplate left by scrapers and converters, matched case-insensitively against whole short lines.
# One list, so adding a pattern is one line. A line longer than BOILERPLATE_MAX_WORDS is never dropped:
# a real paragraph may mention "advertisement" or "cookies".
BOILERPLATE_PATTERNS: tuple[str, ...] = (
    r"missed an? (show|episode)\b.*",
    r".*\blisten (here|live|now)\W*",
    r"local weather\b.*",
    r"(copyright|©|\(c\)).*",
    r".*(©|\(c\)|copyright)\s*(\d{4}|\w+ \d{4}).*",                    # "The-CNN-Wire ™ & © 2015 Cable News Network…"
    r"(::|»|>>|►|▶|→)\s*\S.*",                                           # promo links: ":: Why Is Putin Joining …?"
    r"(read|watch|listen|see)( more| also| next| now)?\s*:.*",              # "READ MORE: …", "Watch: …"
    r"(photo|image|picture|caption|pictured|file photo)\s*[:|].*",         # photo captions and credits
    r".*\((photo|image|picture|video)s?\s*:[^)]*\)\W*",
    r".*\((ap|afp|epa|reuters|getty|photo)\b[^)]*\)\W*",                  # "… (AP Photo/Jane Doe)"
    r".*\b(getty images|shutterstock|afp via getty)\W*",
    # a caption with its date appended: "… the 70th session., September 28, 2015."
    r".*\.,\s*(jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.? \d{1,2}, \d{4}\.?",
    r".*\ball rights reserved\W*",
    r"\[bookmark: [^\]]*\]",
    r"(advertisement|advertising|sponsored( content)?|ad|skip (this )?ad)\W*",
    r"share (this|on|via)\b.*",
    r"(sign up|subscribe|register)\b.*\b(newsletter|inbox|updates)\b.*",
    r"subscribe( now| today)?\W*",
    r"click here\b.*",
    r"(read|see) more\b.*",
    r"(related|recommended|more) (articles?|stories|content|coverage|news)\W*",
    r"(follow|like) us on\b.*",
    r".*\b(we use cookies|cookie (policy|settings|preferences)|accept (all )?cookies)\b.*",
)
BOILERPLATE_MAX_WORDS = 30
_BOILERPLATE = re.compile("|".join(f"(?:{p})" for p in BOILERPLATE_PATTERNS), re.IGNORECASE)
# Converter and wiki leftovers inside lines: Word bookmarks, "[ edit ]" and "[citation needed]" markers.
_INLINE_DEBRIS = re.compile(r"\[bookmark: [^\]]*\]|\[\s*(edit|citation needed)\s*\]", re.IGNORECASE)
_TERMINAL = ".!?:;\"'”’)…"


def is_boilerplate(line: str) -> bool:
    """True for a short line that is scraping debris ("Advertisement", "Share this article", …)."""
    s = line.strip()
    return bool(s) and len(s.split()) <= BOILERPLATE_MAX_WORDS and _BOILERPLATE.fullmatch(s) is not None


def clean_text(text: str) -> str:
    """Drop boilerplate lines, collapse spaces, keep paragraphs (one blank line between them)."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\u00a0", " ")
    text = re.sub(r"[\u200b\u200c\u200d\u2060\ufeff]", "", _INLINE_DEBRIS.sub("", text))
    out: list[str] = []
    for raw in text.split("\n"):
        line = re.sub(r"[ \t\f\v]+", " ", raw).strip()
        if is_boilerplate(line):
            continue
        if line or (out and out[-1]):
            out.append(line)
    return "\n".join(out).strip()


def unwrap(text: str) -> str:
    """Join hard-wrapped lines of a paragraph (fixed-width text files) so a sentence never spans a newline.

    A paragraph is hard-wrapped when all its lines but the last are 40–100 characters and within 60% of the
    longest; a line is also joined to the next when it ends mid-sentence and the next starts in lower case.
    """
    paras = []
    for para in text.split("\n\n"):
        lines = para.split("\n")
        if len(lines) > 1:
            lines = _unwrap_lines(lines)
        paras.append("\n".join(lines))
    return "\n\n".join(paras)


def _unwrap_lines(lines: list[str]) -> list[str]:
    longest = max(len(line) for line in lines)
    wrapped = 40 <= longest <= 100 and all(len(line) >= 0.6 * longest for line in lines[:-1])
    if wrapped:
        return [" ".join(line.strip() for line in lines)]
    out = [lines[0]]
    for line in lines[1:]:
        prev = out[-1]
        if prev and prev[-1] not in _TERMINAL and line[:1].islower():
            out[-1] = f"{prev} {line}"
        else:
            out.append(line)
    return out


def truncate(text: str, max_chars: int) -> str:
    """The longest prefix of at most ``max_chars`` that ends a paragraph, else a sentence, else a word."""
    head = text[:max_chars]
    for boundary in ("\n\n", "\n", ". ", " "):
        k = head.rfind(boundary)
        if k >= max_chars // 2:
            return head[:k + (1 if boundary == ". " else 0)].rstrip()
    return head.rstrip()


__all__ = ["BOILERPLATE_PATTERNS", "BOILERPLATE_MAX_WORDS", "is_boilerplate", "clean_text", "unwrap", "truncate"]
