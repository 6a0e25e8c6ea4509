"""Reading the YAML files users write (sidecars, errata, reviews, county rules): bounded, strict, one-line errors.

YAML read from a corpus is input, and input may be careless or hostile. `read_yaml` refuses, with a
`ValueError` that says where and what (the caller names the file and its error code):

    a file that is not UTF-8 text (a binary file saved as county_rules.yaml);
    a key written twice in one mapping (two pasted `reviews:` keys: YAML would keep the last, silently);
    nesting deeper than MAX_DEPTH ([[[[…]]]] 3,000 deep: a RecursionError in the parser otherwise);
    more than MAX_ALIASES aliases, or more than MAX_NODES values once aliases are expanded (a
        "billion laughs" of six levels of anchors, 290 bytes that expand to millions of values);
    text that holds a lone surrogate ("\\uD800", which no file can encode).

and `shown` cuts a value quoted in a message to a line.

    >>> read_yaml_text("a: 1\\na: 2\\n", "x.yaml")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    ValueError: line 2: the key 'a' is written twice in one mapping (first on line 1); YAML would keep ...
"""
from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

MAX_DEPTH = 64  # a sidecar or erratum is 3 deep; county rules 5
MAX_ALIASES = 100  # anchors are a convenience for a few repeated values, never more
MAX_NODES = 200_000  # values after expansion: the largest review file of a 5,000-text corpus holds some 50,000
MAX_BYTES = 20_000_000


class _Loader(yaml.SafeLoader):
    """The safe loader, counting depth and aliases as it composes, and refusing repeated keys."""

    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        self._depth = 0
        self._aliases = 0

    def compose_node(self, parent, index):  # noqa: ANN001, ANN201 (PyYAML's signature)
        if self.check_event(yaml.AliasEvent):
            self._aliases += 1
            if self._aliases > MAX_ALIASES:
                mark = self.peek_event().start_mark
                raise ValueError(f"line {mark.line + 1}: more than {MAX_ALIASES} aliases (*name); write the values out")
        self._depth += 1
        if self._depth > MAX_DEPTH:
            mark = self.peek_event().start_mark
            raise ValueError(f"line {mark.line + 1}: nested more than {MAX_DEPTH} levels deep")
        try:
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1

    def construct_mapping(self, node, deep=False):  # noqa: ANN001, ANN201
        seen: dict[Any, int] = {}
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=True) if isinstance(key_node, yaml.ScalarNode) else None
            try:
                first = seen.get(key)
            except TypeError:  # an unhashable key ({[a]: 1}): YAML's own error follows
                continue
            if first is not None:
                raise ValueError(f"line {key_node.start_mark.line + 1}: the key {shown(key)} is written twice in one "
                                 f"mapping (first on line {first}); YAML would keep the last one silently")
            if key is not None:
                seen[key] = key_node.start_mark.line + 1
        return super().construct_mapping(node, deep=deep)


def loader_with(base: type[yaml.SafeLoader]) -> type[_Loader]:
    """The bounded loader with the resolvers of another safe loader (sidecars keep dates as text)."""
    return type(f"Bounded{base.__name__}", (_Loader,), {"yaml_implicit_resolvers": base.yaml_implicit_resolvers})


def read_yaml(path: Path, loader: type[_Loader] = _Loader) -> Any:
    """The data of a user's YAML file, or ValueError (OSError when it cannot be read at all)."""
    size = path.stat().st_size
    if size > MAX_BYTES:
        raise ValueError(f"the file is {size:,} bytes, more than the {MAX_BYTES:,} a YAML file of the corpus may hold")
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ValueError(f"byte {exc.start} is not UTF-8: the file is binary, or saved in another encoding; "
                         "save it as UTF-8 text") from None
    return read_yaml_text(text, str(path), loader)


def read_yaml_text(text: str, name: str, loader: type[_Loader] = _Loader) -> Any:
    """`read_yaml` of text already read."""
    if "\x00" in text:
        raise ValueError("the file holds NUL bytes: it is binary, not YAML text")
    try:
        ld = loader(text)
        try:
            data = ld.get_single_data()
        finally:
            ld.dispose()
    except yaml.YAMLError as exc:
        raise ValueError(" ".join(str(exc).split())) from None
    except RecursionError:
        raise ValueError(f"nested more than {MAX_DEPTH} levels deep") from None
    _check_values(data)
    return data


def _check_values(data: Any) -> None:
    """Walk the data as a reader of it would, counting every value an alias repeats, and look at its text."""
    budget = MAX_NODES
    stack = [data]
    while stack:
        item = stack.pop()
        budget -= 1
        if budget < 0:
            raise ValueError(f"more than {MAX_NODES:,} values once its aliases are expanded; write the values out")
        if isinstance(item, dict):
            stack.extend(item.keys())
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
        elif isinstance(item, str):
            try:
                item.encode("utf-8")
            except UnicodeEncodeError:
                raise ValueError(f"the text {shown(item)} holds an escape (\\uD800 …) that is no character") from None


def shown(value: object, limit: int = 60) -> str:
    """`repr(value)` cut to `limit` characters, for a message: a value of a megabyte stays a line."""
    text = repr(value)
    return text if len(text) <= limit else text[:limit - 1] + "…"
