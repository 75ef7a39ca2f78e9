def initials(name):
    return "".join(part[:1] for part in (name or "").split())


UDFS = {"initials": initials}
