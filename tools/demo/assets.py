"""Binary files of the demo sites: one-pixel images answering every image URL the pages reference.

The pages point ``og:image`` and ``<img src>`` at realistic upload paths; the build writes a valid 1x1
image at each so that image checks (status, Content-Type, magic bytes) behave as on a real site.
"""

from __future__ import annotations

import re
from pathlib import PurePosixPath

# 1x1 grey images, written by Pillow once and checked to decode.
TINY_JPEG = bytes.fromhex(
    "ffd8ffe000104a46494600010100000100010000ffdb004300100b0c0e0c0a100e0d0e1211101318281a181616183123251d"
    "283a333d3c3933383740485c4e404457453738506d51575f626768673e4d71797064785c656763ffc0000b08000100010101"
    "1100ffc4001f0000010501010101010100000000000000000102030405060708090a0bffc400b5100002010303020403050504"
    "040000017d01020300041105122131410613516107227114328191a1082342b1c11552d1f02433627282090a161718191a25"
    "262728292a3435363738393a434445464748494a535455565758595a636465666768696a737475767778797a838485868788"
    "898a92939495969798999aa2a3a4a5a6a7a8a9aab2b3b4b5b6b7b8b9bac2c3c4c5c6c7c8c9cad2d3d4d5d6d7d8d9dae1e2e3"
    "e4e5e6e7e8e9eaf1f2f3f4f5f6f7f8f9faffda0008010100003f00e92bffd9"
)
TINY_PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010802000000907753de0000000c4944415478da633871e2040004b4"
    "025928d352ec0000000049454e44ae426082"
)
TINY_GIF = bytes.fromhex("47494638376101000100810000c8c8c80000000000000000002c000000000100010000080400010404003b")
IMAGES = {".jpg": TINY_JPEG, ".jpeg": TINY_JPEG, ".png": TINY_PNG, ".gif": TINY_GIF}

PLACEHOLDER_IMAGE = "/wp-content/themes/jannah/assets/images/tie-empty.png"
_IMAGE_REF_RE = re.compile(r"__BASE__(/[^\"'\s<>?#]+\.(?:jpe?g|png|gif))(?=[\"'\s<>?#])")


def thumbnail(image: str | None, size: str) -> str:
    """The WordPress resized copy of an upload (``x.jpg`` -> ``x-390x220.jpg``)."""
    if not image:
        return PLACEHOLDER_IMAGE
    path = PurePosixPath(image)
    return str(path.with_name(f"{path.stem}-{size}{path.suffix}"))


def image_files(texts: dict[str, str]) -> dict[str, bytes]:
    """A tiny image for every local image path the given files reference, by path relative to ``public/``."""
    found: dict[str, bytes] = {}
    for text in texts.values():
        for match in _IMAGE_REF_RE.finditer(text):
            path = match.group(1)
            found[path.lstrip("/")] = IMAGES[PurePosixPath(path).suffix.lower()]
    return found
