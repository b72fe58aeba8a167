"""Small real JPEGs for tests that need photo files but not photo quality."""

from __future__ import annotations

import io

from PIL import Image, ImageDraw, PngImagePlugin


def tiny_jpeg(shade: int = 0) -> bytes:
    """An 8x8 JPEG; different shades give different bytes."""
    out = io.BytesIO()
    Image.new("RGB", (8, 8), (100 + 20 * shade, 80, 60)).save(out, "JPEG")
    return out.getvalue()


SCREEN = (1080, 2340)
"""A 19.5:9 phone screen in pixels (portrait)."""


def phone_screenshot(photo: bytes, *, app: str = "gallery", marker: bool = False,
                     screen_size: tuple[int, int] = SCREEN) -> bytes:
    """A PNG screenshot of a phone (`screen_size`, `SCREEN` unless told) showing `photo`: in
    a gallery app (full width, on black, with the status bar over it), or in a chat
    (`app="chat"`: in a bubble on a pale background, under a white bar with a title). With
    `marker`, the metadata an iPhone writes into its screenshots (XMP UserComment
    "Screenshot")."""
    width, height = screen_size
    dark = app == "gallery"
    screen = Image.new("RGB", screen_size, (0, 0, 0) if dark else (236, 229, 221))
    draw = ImageDraw.Draw(screen)
    bar = (0, 0, 0) if dark else (255, 255, 255)
    ink = (255, 255, 255) if dark else (40, 40, 40)
    draw.rectangle((0, 0, width, 110 if dark else 260), fill=bar)
    draw.rectangle((60, 40, 180, 75), fill=ink)  # the clock
    for x in (width - 200, width - 140, width - 80):  # signal, wifi and battery
        draw.rectangle((x, 45, x + 40, 72), fill=ink)
    if not dark:
        draw.rectangle((200, 160, 620, 210), fill=ink)  # the chat's title
    with Image.open(io.BytesIO(photo)) as opened:
        shown = opened.convert("RGB")
    side = width if dark else 760
    shown = shown.resize((side, round(shown.height * side / shown.width)))
    top = (height - shown.height) // 2
    screen.paste(shown, ((width - side) // 2 if dark else 260, top))
    home = (width // 2 - 150, height - 40, width // 2 + 150, height - 30)
    draw.rectangle(home, fill=ink)  # the home bar
    out = io.BytesIO()
    if marker:
        xmp = (b'<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/'
               b'1999/02/22-rdf-syntax-ns#"><rdf:Description xmlns:exif="http://ns.adobe.com/'
               b'exif/1.0/"><exif:UserComment><rdf:Alt><rdf:li xml:lang="x-default">Screenshot'
               b'</rdf:li></rdf:Alt></exif:UserComment></rdf:Description></rdf:RDF></x:xmpmeta>')
        info = PngImagePlugin.PngInfo()
        info.add_itxt("XML:com.adobe.xmp", xmp.decode())
        screen.save(out, "PNG", pnginfo=info)
    else:
        screen.save(out, "PNG")
    return out.getvalue()
