"""The announcement audio the central renders for browser pages: a chime, then the sentence.

The speech engine is a command given the text on stdin and writing a WAV to stdout (default
espeak-ng's Mandarin pinyin voice, which works offline). Without it, the audio is the chime
alone and the feed says why ("voice off: espeak-ng not found"); nothing fails.
"""

from __future__ import annotations

import io
import logging
import math
import shlex
import shutil
import struct
import subprocess
import threading
import wave
from array import array
from collections import OrderedDict
from dataclasses import dataclass, field

log = logging.getLogger("central.voice")

DEFAULT_COMMAND = "espeak-ng -v cmn-latn-pinyin --stdout"
DEFAULT_COMMAND_EN = "espeak-ng -v en --stdout"
RATE = 22050  # espeak-ng's rate; the chime follows whatever rate the engine gives
ENGINE_TIMEOUT_S = 20.0
CACHE_SIZE = 128
GAP_S = 0.25


@dataclass(frozen=True)
class Pcm:
    """16-bit little-endian samples and their format."""

    rate: int
    channels: int
    frames: bytes

    @property
    def seconds(self) -> float:
        return len(self.frames) / (2 * self.channels * self.rate)


def chime(rate: int = RATE, channels: int = 1) -> Pcm:
    """Two soft bell tones, high then low (叮咚), each fading out."""
    samples = array("h")
    for freq, length in ((880.0, 0.45), (659.25, 0.6)):
        count = int(rate * length)
        for i in range(count):
            t = i / rate
            envelope = math.exp(-5.0 * t) * min(1.0, i / (0.005 * rate))
            value = math.sin(2 * math.pi * freq * t) + 0.3 * math.sin(4 * math.pi * freq * t)
            sample = int(9000 * envelope * value)
            samples.extend([sample] * channels)
    return Pcm(rate, channels, samples.tobytes())


def silence(pcm: Pcm, seconds: float) -> bytes:
    return b"\x00\x00" * pcm.channels * int(pcm.rate * seconds)


def parse_wav(data: bytes) -> Pcm:
    """The samples of a 16-bit PCM WAV. Streamed WAVs (espeak-ng --stdout) carry bogus chunk
    sizes, so the data chunk runs to the end of what was written."""
    if len(data) < 12 or data[:4] != b"RIFF" or data[8:12] != b"WAVE":
        raise ValueError("the speech engine did not write a WAV")
    pos, rate, channels, bits = 12, 0, 0, 0
    while pos + 8 <= len(data):
        kind, size = data[pos : pos + 4], struct.unpack("<I", data[pos + 4 : pos + 8])[0]
        body = pos + 8
        if kind == b"fmt ":
            _fmt, channels, rate = struct.unpack("<HHI", data[body : body + 8])
            bits = struct.unpack("<H", data[body + 14 : body + 16])[0]
        elif kind == b"data":
            if bits != 16 or not rate or not channels:
                raise ValueError("the speech engine's WAV is not 16-bit PCM")
            end = min(len(data), body + size)
            frames = data[body:end]
            return Pcm(rate, channels, frames[: len(frames) - len(frames) % (2 * channels)])
        pos = body + size + (size & 1)
    raise ValueError("the speech engine's WAV has no data")


def to_wav(pcm: Pcm) -> bytes:
    out = io.BytesIO()
    with wave.open(out, "wb") as w:
        w.setnchannels(pcm.channels)
        w.setsampwidth(2)
        w.setframerate(pcm.rate)
        w.writeframes(pcm.frames)
    return out.getvalue()


@dataclass
class Voice:
    """Renders announcement WAVs with a speech command, caching the last few by sentence."""

    command: str = DEFAULT_COMMAND
    command_en: str = DEFAULT_COMMAND_EN
    _cache: OrderedDict[tuple[str, ...], bytes] = field(default_factory=OrderedDict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def engine(self, command: str) -> list[str] | None:
        argv = shlex.split(command)
        return argv if argv and shutil.which(argv[0]) else None

    @property
    def note(self) -> str | None:
        """Why the voice is off (None: it is on)."""
        argv = shlex.split(self.command)
        if not argv:
            return "voice off: no speech command set"
        return None if self.engine(self.command) else f"voice off: {argv[0]} not found"

    def wav(self, text: str, text_en: str | None = None) -> bytes:
        """Chime, then the sentence (and its English, when given), as one WAV."""
        key = (text, text_en or "")
        with self._lock:  # one render at a time: a burst of pages asks for the same calls
            found = self._cache.get(key)
            if found is not None:
                self._cache.move_to_end(key)
                return found
            made = self._render(text, text_en)
            self._cache[key] = made
            if len(self._cache) > CACHE_SIZE:
                self._cache.popitem(last=False)
            return made

    def _render(self, text: str, text_en: str | None) -> bytes:
        spoken = [p for p in (self._speak(self.command, text), self._speak_en(text_en)) if p]
        rate, channels = (spoken[0].rate, spoken[0].channels) if spoken else (RATE, 1)
        bell = chime(rate, channels)
        parts = [bell.frames]
        for pcm in spoken:
            if (pcm.rate, pcm.channels) != (rate, channels):
                continue  # two engines in different formats: keep the first one's
            parts += [silence(bell, GAP_S), pcm.frames]
        return to_wav(Pcm(rate, channels, b"".join(parts)))

    def _speak_en(self, text: str | None) -> Pcm | None:
        return self._speak(self.command_en, text) if text else None

    def _speak(self, command: str, text: str) -> Pcm | None:
        argv = self.engine(command)
        if argv is None:
            return None
        try:
            done = subprocess.run(
                argv, input=text.encode("utf-8"), capture_output=True,
                timeout=ENGINE_TIMEOUT_S, check=True,
            )  # fmt: skip
            return parse_wav(done.stdout)
        except (OSError, subprocess.SubprocessError, ValueError) as exc:
            log.warning("speech engine %s failed: %s", argv[0], exc)
            return None
