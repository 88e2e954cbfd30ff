"""The reference backend: a real FastAPI app that holds to docs/image-contract.md and checks it at start.

It stands in for the Todo Chatbot's backend in the node tier. Before uvicorn serves anything it refuses
to run as root, writes to every path the contract makes writable and reads every variable the contract
names; then it makes its table in the PostgreSQL database DATABASE_URL names, where `/api/todos` reads and
writes. Any failure is one line on stderr and a non-zero exit, so the pod never turns Ready.
"""

import logging
import os
import ssl
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from urllib.parse import parse_qs, unquote, urlsplit

import pg8000.native
from fastapi import FastAPI, HTTPException
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


def connect() -> pg8000.native.Connection:
    """A connection to DATABASE_URL (a libpq URL, as Neon gives it); TLS unless `sslmode=disable`."""
    url = urlsplit(os.environ["DATABASE_URL"])
    sslmode = parse_qs(url.query).get("sslmode", ["require"])[0]
    return pg8000.native.Connection(
        user=unquote(url.username or ""),
        password=unquote(url.password or ""),
        host=url.hostname,
        port=url.port or 5432,
        database=url.path.lstrip("/"),
        ssl_context=None if sslmode == "disable" else ssl.create_default_context(),
        # Room for the kernel's third SYN (sent 7 s in), and below the frontend's 10-s wait for the
        # backend. With 5 s, about one connection in 500 timed out during the node tier's helm rollback,
        # a stall of over 3 s whose cause is not known yet: the tier reports every slow answer.
        timeout=8,
    )


def create_table() -> None:
    """The one table, made at start: a backend that cannot reach its database says so and exits."""
    try:
        connection = connect()
    except Exception as error:  # noqa: BLE001 - any failure to connect ends the start the same way
        # The host only: the URL holds the password.
        refuse(f"cannot reach the database at {urlsplit(os.environ['DATABASE_URL']).hostname}: {type(error).__name__}")
    try:
        connection.run("CREATE TABLE IF NOT EXISTS todos (id SERIAL PRIMARY KEY, title TEXT NOT NULL, done BOOLEAN NOT NULL DEFAULT FALSE)")
    finally:
        connection.close()


check_contract()
logging.basicConfig(level=os.environ["LOG_LEVEL"].upper(), stream=sys.stderr)
create_table()

app = FastAPI(title="todo-chatbot reference backend")


class Todo(BaseModel):
    title: str
    done: bool = False


@app.get("/health")
def health() -> dict[str, str]:
    # Not the database: an outage of Neon must not take every pod out of the Service at once.
    return {"status": "healthy"}


@contextmanager
def database() -> Iterator[pg8000.native.Connection]:
    """One request's connection. One that cannot be made is a 503 naming the error's kind, logged too, so a
    failed request in the node tier's report says whether the database was the cause (never the URL: it
    holds the password)."""
    try:
        connection = connect()
    except Exception as error:  # noqa: BLE001 - every failure to connect is the same answer
        logging.warning("cannot reach the database: %s", type(error).__name__)
        raise HTTPException(status_code=503, detail=f"database unreachable: {type(error).__name__}") from error
    try:
        yield connection
    finally:
        connection.close()


@app.get("/api/todos")
def list_todos() -> list[Todo]:
    with database() as connection:
        return [Todo(title=title, done=done) for title, done in connection.run("SELECT title, done FROM todos ORDER BY id")]


@app.post("/api/todos", status_code=201)
def add_todo(todo: Todo) -> Todo:
    with database() as connection:
        connection.run("INSERT INTO todos (title, done) VALUES (:title, :done)", title=todo.title, done=todo.done)
    return todo
