"""The materialize handler: writes a view to S3 as a catalog table."""
from blueprint_glue.handlers import handler

# The keys of a Glue TableInput: get_table returns more, update_table takes these.
TABLE_INPUT = ("Name", "Description", "Owner", "LastAccessTime", "LastAnalyzedTime", "Retention",
               "StorageDescriptor", "PartitionKeys", "ViewOriginalText", "ViewExpandedText",
               "TableType", "Parameters", "TargetTable")


def location(cfg, table):
    if cfg.get("path"):
        base = cfg["path"].rstrip("/")
    else:
        base = f"s3://{cfg['bucket']}/{cfg['prefix'].strip('/')}"
    return base + "/" + table if cfg["multiprefix"] else base


def partitions_of(cfg, table):
    parts = cfg.get("partitions")
    if not parts:
        return []
    if isinstance(parts, dict):
        parts = parts.get(table) or []
    if isinstance(parts, str):
        parts = [p.strip() for p in parts.split(",") if p.strip()]
    return list(parts)


def set_description(ctx, database, table, description):
    glue = ctx.client("glue")
    current = glue.get_table(DatabaseName=database, Name=table)["Table"]
    update = {k: current[k] for k in TABLE_INPUT if k in current}
    update["Description"] = description
    glue.update_table(DatabaseName=database, TableInput=update)


@handler("materialize")
def materialize(step, ctx):
    cfg = step.config
    fmt = cfg["options"]["format"]
    if cfg["multiprefix"]:
        frames = ctx.view_lists.get(cfg["target"])
        if frames is None:
            raise KeyError(f"multiprefix: {cfg['target']!r} is not an s3 step with multiprefix")
        ctx.uses(cfg["target"])
        tables = dict(frames)
    else:
        tables = {cfg.get("table") or cfg["target"]: ctx.frame(cfg["target"])}
    database = cfg["database"]
    for name in sorted(tables):
        frame = tables[name]
        table = cfg["out_table_name_prefix"] + name
        qualified = f"{database}.{table}" if database else table
        if not frame.head(1):
            ctx.log.warn(f"{step.name}: {cfg['target']} is empty; {qualified} not written")
            continue
        if cfg.get("num_out_files"):
            frame = frame.coalesce(int(cfg["num_out_files"]))
        writer = frame.write.mode(cfg["mode"]).format(fmt).option("path", location(cfg, name))
        if fmt == "csv":
            header = cfg["options"].get("header", cfg["header"])
            delimiter = cfg["options"].get("delimiter", cfg["delimiter"])
            writer = writer.option("header", str(bool(header)).lower()).option("delimiter", delimiter)
        parts = partitions_of(cfg, name)
        if parts:
            writer = writer.partitionBy(*parts)
        ctx.log.info(f"{step.name}: writing {qualified} ({fmt}, {cfg['mode']}) to {location(cfg, name)}")
        writer.saveAsTable(qualified)
        if cfg.get("description") and database:
            set_description(ctx, database, table, cfg["description"])
        if cfg["multiprefix"]:
            ctx.register(step.name + "_" + name, frame)
        else:
            ctx.register(step.name, frame)
    return ctx.views.get(step.name)
