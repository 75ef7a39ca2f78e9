"""Handler schemas: what blueprint checks at synth, and the defaults."""
import copy
import json
import pkgutil

_builtin = None


def builtin():
    """The schemas of the built-in handlers (handlers.json, shared with Go)."""
    global _builtin
    if _builtin is None:
        _builtin = json.loads(pkgutil.get_data("blueprint_glue", "handlers.json").decode("utf-8"))
    return _builtin


def with_defaults(schema, config):
    """A copy of config with the schema's defaults where config says nothing."""
    out = copy.deepcopy(config) if isinstance(config, dict) else {}
    for key, spec in (schema.get("keys") or {}).items():
        if key not in out or out[key] is None:
            if "default" in spec:
                out[key] = copy.deepcopy(spec["default"])
            else:
                continue
        if spec.get("type") == "map" and isinstance(out.get(key), dict) and spec.get("keys"):
            out[key] = with_defaults(spec, out[key])
    return out
