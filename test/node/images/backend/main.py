"""The reference backend: a real FastAPI app that holds to docs/image-contract.md and checks it at start.

It stands in for the Todo Chatbot's backend in the node tier. Before uvicorn serves anything it refuses
to run as root, writes to every path the contract makes writable and reads every variable the contract
names; any failure is one line on stderr and a non-zero exit, so the pod never turns Ready.
"""

import logging
import os
import sys
import tempfile

from fastapi import FastAPI
from pydantic import BaseModel

# docs/image-contract.md: the backend's writable paths and the variables it reads.
WRITABLE_PATHS = ["/tmp"]
ENVIRONMENT = ["DATABASE_URL", "OPENAI_API_KEY", "BETTER_AUTH_SECRET", "CORS_ORIGINS", "LOG_LEVEL"]


def refuse(reason: str) -> None:
    print(f"reference backend: {reason}", file=sys.stderr, flush=True)
    sys.exit(1)


def check_contract() -> None:
    if os.getuid() == 0 or os.getgid() == 0:
        refuse(f"runs as uid {os.getuid()} gid {os.getgid()}; the image contract asks for a non-root user")
    for path in WRITABLE_PATHS:
        try:
            with tempfile.NamedTemporaryFile(dir=path):
                pass
        except OSError as error:
            refuse(f"cannot write to {path}, a writable path of the image contract: {error.strerror}")
    missing = [name for name in ENVIRONMENT if not os.environ.get(name)]
    if missing:
        refuse(f"environment variables the image contract names are not set: {', '.join(missing)}")


check_contract()
logging.basicConfig(level=os.environ["LOG_LEVEL"].upper(), stream=sys.stderr)

app = FastAPI(title="todo-chatbot reference backend")


class Todo(BaseModel):
    title: str
    done: bool = False


# In memory until the network tier gives the backend its database.
todos: list[Todo] = [Todo(title="try the Todo Chatbot on a real node")]


@app.get("/health")
def health() -> dict[str, str]:
    return {"status": "healthy"}


@app.get("/api/todos")
def list_todos() -> list[Todo]:
    return todos


@app.post("/api/todos", status_code=201)
def add_todo(todo: Todo) -> Todo:
    todos.append(todo)
    return todo
