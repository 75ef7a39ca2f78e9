"""The nodes of the pipeline; each is a plain function of its inputs."""


def extract(event):
    return {"rows": 150, "source": event.get("source")}


def train(event):
    return {"model": "iris-classifier", "accuracy": 0.96}


def evaluate(event):
    return {"passed": True}


NODES = {"extract": extract, "train": train, "evaluate": evaluate}
