"""Memoising work derived from a locale's texts (compiled regexes), keyed by the texts object itself.

Locale texts are loaded once and shared, so the object's identity is a cheap and exact key; hashing a
whole frozen model by value on every parsed date would cost more than the parse.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import TypeVar

K = TypeVar("K")
V = TypeVar("V")
_MAX_ENTRIES = 64


def by_identity(build: Callable[[K], V]) -> Callable[[K], V]:
    """Wrap `build(obj)` so it runs once per object (the object is kept alive by the cache)."""
    cache: dict[int, tuple[K, V]] = {}

    def cached(obj: K) -> V:
        hit = cache.get(id(obj))
        if hit is not None and hit[0] is obj:
            return hit[1]
        value = build(obj)
        if len(cache) >= _MAX_ENTRIES:
            cache.clear()
        cache[id(obj)] = (obj, value)
        return value

    cached.__doc__ = build.__doc__
    return cached


def by_values_identity(build: Callable[[Mapping[str, K]], V]) -> Callable[[Mapping[str, K]], V]:
    """Like `by_identity`, for a mapping of loaded objects (the same locales in the same order)."""
    cache: dict[tuple[tuple[str, int], ...], tuple[tuple[K, ...], V]] = {}

    def cached(mapping: Mapping[str, K]) -> V:
        key = tuple((name, id(value)) for name, value in mapping.items())
        hit = cache.get(key)
        if hit is not None and all(a is b for a, b in zip(hit[0], mapping.values(), strict=True)):
            return hit[1]
        value = build(mapping)
        if len(cache) >= _MAX_ENTRIES:
            cache.clear()
        cache[key] = (tuple(mapping.values()), value)
        return value

    cached.__doc__ = build.__doc__
    return cached
