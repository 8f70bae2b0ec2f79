"""Prompt templates: the `{{name}}` grammar of src/protocol/template.ts, ported rule for rule.

- A placeholder is `{{name}}` (blanks inside the braces allowed: `{{ name }}`);
  `name` is a letter or `_`, then up to 63 letters, digits or `_`, and not
  `__proto__`, `constructor` or `prototype`.
- `{{{{` is a literal `{{` and `}}}}` a literal `}}`.
- Anything else with double braces is malformed and stays as written: `{{ name`
  (never closed), `{{}}` or `{{two words}}` (not a name), a `}}` that closes nothing.
- Single braces are plain text.

Both suites check this port against clients/template-vectors.json, written by
the TypeScript implementation.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from typing import Any, Dict, List, Mapping, Optional, Union

VARIABLE_NAME = re.compile(r"[a-zA-Z_][a-zA-Z0-9_]{0,63}\Z")
RESERVED_VARIABLE_NAMES = ("__proto__", "constructor", "prototype")
# What JavaScript's String.prototype.trim removes (WhiteSpace and LineTerminator).
_JS_WHITESPACE = "\t\n\v\f\r \u00a0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000\ufeff"
_BRACES = re.compile(r"\{\{\{\{|\}\}\}\}|\{\{|\}\}")


def is_variable_name(name: str) -> bool:
    return VARIABLE_NAME.match(name) is not None and name not in RESERVED_VARIABLE_NAMES


@dataclass(frozen=True)
class TemplateFault:
    code: str  # placeholder-unclosed | placeholder-not-a-name | placeholder-stray-close
    start: int
    end: int


@dataclass
class ParsedTemplate:
    #: Literal runs (str) and placeholders (Placeholder), in order.
    parts: List[Union[str, "Placeholder"]] = field(default_factory=list)
    faults: List[TemplateFault] = field(default_factory=list)
    #: Each placeholder's name, once, in order of first use.
    variables: List[str] = field(default_factory=list)


@dataclass(frozen=True)
class Placeholder:
    name: str


def parse_template(text: str) -> ParsedTemplate:
    """Splits a text into literal runs and placeholders. Linear in the text's length:
    the searches for the next `}}` and `{{` only move forward."""
    parsed = ParsedTemplate()
    next_close = _forward_search(text, "}}")
    next_open = _forward_search(text, "{{")
    literal: List[str] = []
    i = 0
    pos = 0
    while True:
        m = _BRACES.search(text, pos)
        if m is None:
            break
        literal.append(text[i : m.start()])
        i = m.start()
        token = m.group(0)
        pos = m.end()
        if token == "{{{{":
            literal.append("{{")
        elif token == "}}}}":
            literal.append("}}")
        elif token == "}}":
            parsed.faults.append(TemplateFault("placeholder-stray-close", i, i + 2))
            literal.append("}}")
        else:
            close = next_close(i + 2)
            opening = next_open(i + 2)
            if close < 0 or (opening >= 0 and opening < close):
                end = opening if opening >= 0 else len(text)
                parsed.faults.append(TemplateFault("placeholder-unclosed", i, end))
                literal.append(text[i:end])
                pos = end
            else:
                name = text[i + 2 : close].strip(_JS_WHITESPACE)
                if is_variable_name(name):
                    if "".join(literal):
                        parsed.parts.append("".join(literal))
                    literal = []
                    parsed.parts.append(Placeholder(name))
                else:
                    parsed.faults.append(TemplateFault("placeholder-not-a-name", i, close + 2))
                    literal.append(text[i : close + 2])
                pos = close + 2
        i = pos
    literal.append(text[i:])
    rest = "".join(literal)
    if rest:
        parsed.parts.append(rest)
    seen: Dict[str, None] = {}
    for part in parsed.parts:
        if isinstance(part, Placeholder):
            seen.setdefault(part.name, None)
    parsed.variables = list(seen)
    return parsed


def _forward_search(text: str, needle: str):
    state = {"at": -2}

    def find(start: int) -> int:
        at = state["at"]
        if at == -1 or at >= start:
            return at
        state["at"] = text.find(needle, start)
        return state["at"]

    return find


@dataclass(frozen=True)
class Rendered:
    text: str
    #: Placeholders with neither a value nor a default, in order of first use (each rendered as "").
    missing: List[str]


def render_template(text: str, variables: Optional[Mapping[str, Any]], values: Mapping[str, Any]) -> Rendered:
    """Fills every placeholder from `values`, then from the declared defaults; malformed braces stay as written."""
    missing: Dict[str, None] = {}
    out: List[str] = []
    declared = variables or {}
    for part in parse_template(text).parts:
        if isinstance(part, str):
            out.append(part)
            continue
        if part.name in values and values[part.name] is not None:
            out.append(_js_string(values[part.name]))
            continue
        spec = declared.get(part.name)
        default = spec.get("default") if isinstance(spec, Mapping) else None
        if default is None:
            missing.setdefault(part.name, None)
            out.append("")
        else:
            out.append(str(default))
    return Rendered("".join(out), list(missing))


def _js_string(value: Any) -> str:
    """What JavaScript's String(value) gives for the values a template takes (str, int, float, bool)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        if math.isnan(value):
            return "NaN"
        if math.isinf(value):
            return "Infinity" if value > 0 else "-Infinity"
        if value.is_integer() and abs(value) < 1e21:
            return str(int(value))
        return repr(value)
    return str(value)
