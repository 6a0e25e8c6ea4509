"""County rule sets: the point each county picks inside the provincial ranges (article 9).

    default:                 # for households whose county has no entry
      policy: mid            # min, mid (default) or max
      values: {seed.paddy: 9, ration.non_grain: 470}
    counties:
      南昌縣: {policy: max, values: {purchase.rate_rich_peasant: 92}}

Explicit values are in the unit the standard is written in (斤, 兩, %, 分 …)
and must lie in its range; a banded standard takes `concept[condition]` keys
(`feed.fattening_pig[household_size >= 5]: 45`). Nothing is clipped.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field
from pathlib import Path

from pipeline.calc.rules import COUNTY_ONLY, RuleStandard
from pipeline.errors import PipelineError
from pipeline.vocab import simplified
from pipeline.yamlfiles import read_yaml

POLICIES = ("min", "mid", "max")
DEFAULT = "(default)"


@dataclass
class CountyRule:
    name: str
    policy: str = "mid"
    values: dict[str, float] = field(default_factory=dict)


@dataclass
class CountyRules:
    default: CountyRule = field(default_factory=lambda: CountyRule(DEFAULT))
    counties: dict[str, CountyRule] = field(default_factory=dict)

    def for_county(self, county: str | None) -> CountyRule:
        if county:
            key = simplified(county)
            for name, rule in self.counties.items():
                if simplified(name) == key:
                    return rule
        return self.default


def _rule(name: str, spec: object, path: str, known: set[str]) -> CountyRule:
    if spec is None:
        spec = {}
    if not isinstance(spec, dict) or set(spec) - {"policy", "values"}:
        raise PipelineError("E410", path, {"path": path, "detail": f"{name}: expected `policy` and `values`"})
    policy = spec.get("policy", "mid")
    if policy not in POLICIES:
        raise PipelineError("E410", path, {"path": path, "detail": f"{name}: policy {policy!r} is not one of "
                                                                    f"{', '.join(POLICIES)}"})
    values = spec.get("values") or {}
    if not isinstance(values, dict):
        raise PipelineError("E410", path, {"path": path, "detail": f"{name}: `values` must be a mapping"})
    out = {}
    for key, value in values.items():
        concept = str(key).split("[", 1)[0]
        if concept not in known:
            raise PipelineError("E410", path, {"path": path, "detail": f"{name}: unknown concept {key!r}; known: "
                                                                        f"{', '.join(sorted(known))}"})
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value) or value < 0:
            raise PipelineError("E410", path, {"path": path, "detail": f"{name}: {key}: {value!r} is not an amount; "
                                                                        "write a finite number from 0"})
        if concept.endswith("_pct") and value > 100:
            raise PipelineError("E410", path, {"path": path, "detail": f"{name}: {key}: {value!r} is a share over "
                                                                        "100 %; write a percent from 0 to 100"})
        out[str(key)] = float(value)
    return CountyRule(name, policy, out)


def load_county_rules(source: Path | str | dict | None, known: set[str]) -> CountyRules:
    """County rule sets from a YAML file or the same mapping given directly (from a notebook)."""
    if source is None:
        return CountyRules()
    if isinstance(source, dict):
        where, data = "the county rules mapping", source
    else:
        where = str(source)
        try:
            data = read_yaml(Path(source)) or {}
        except (OSError, ValueError) as exc:
            raise PipelineError("E410", where, {"path": where, "detail": exc}) from None
    if not isinstance(data, dict) or set(data) - {"default", "counties"}:
        raise PipelineError("E410", where, {"path": where, "detail": "expected top-level `default` and `counties`"})
    known = known | set(COUNTY_ONLY)
    counties = data.get("counties") or {}
    if not isinstance(counties, dict):
        raise PipelineError("E410", where, {"path": where, "detail": "`counties` must be a mapping"})
    return CountyRules(_rule(DEFAULT, data.get("default"), where, known),
                       {str(k): _rule(str(k), v, where, known) for k, v in counties.items()})


def _fmt(lo: float | None, hi: float | None, unit: str) -> str:
    return f"{'?' if lo is None else f'{lo:g}'}–{'?' if hi is None else f'{hi:g}'} {unit}"


def choose(std: RuleStandard, rule: CountyRule, key: str | None = None) -> float:
    """The value a county uses for one standard, in base units."""
    key = key or std.concept
    lo, hi = std.value_min, std.value_max
    explicit = rule.values.get(key)
    if explicit is not None:
        if (lo is not None and explicit < lo) or (hi is not None and explicit > hi):
            raise PipelineError("E405", f"{rule.name}: {key}", {
                "concept": key, "county": rule.name, "value": f"{explicit:g} {std.unit}",
                "allowed": _fmt(lo, hi, std.unit)})
        return explicit * std.factor
    if std.relation in ("exact", "reduction_pct"):
        return (lo if lo is not None else hi) * std.factor
    if std.relation == "max":
        return hi * std.factor
    if std.relation == "min":
        return lo * std.factor
    wanted = {"min": (lo,), "max": (hi,), "mid": (lo, hi)}[rule.policy]
    if any(v is None for v in wanted):
        raise PipelineError("E406", f"{rule.name}: {key}", {
            "concept": key, "allowed": _fmt(lo, hi, std.unit), "unit_id": std.unit_id, "county": rule.name})
    return sum(wanted) / len(wanted) * std.factor
