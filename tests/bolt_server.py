"""Start and stop a real Bolt/Cypher server for the tests: ArcadeDB from PyPI.

``arcadedb-embedded`` bundles the ArcadeDB server jars, its Bolt plugin and a Java runtime,
so the test command installs the server with pip and starts it here; nothing is installed by
hand. Neo4j itself cannot be installed on these machines; docker-compose.yml runs real Neo4j 5.
"""

from __future__ import annotations

import os
import secrets
import socket
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

__all__ = ["BoltServer", "start_arcadedb"]


@dataclass
class BoltServer:
    """A running server: where it listens and how to log in."""

    uri: str
    user: str
    password: str
    databases: tuple[str, ...]
    process: subprocess.Popen[bytes]
    log: Path

    def clear(self, database: str) -> None:
        """Empty one database (test set-up only)."""
        from neo4j import GraphDatabase

        with (GraphDatabase.driver(self.uri, auth=(self.user, self.password)) as driver,
              driver.session(database=database) as session):
            session.run("MATCH (n) DETACH DELETE n").consume()

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start_arcadedb(root: Path, databases: tuple[str, ...] = ("neo4j",),
                   timeout: float = 120) -> BoltServer:
    """Start ArcadeDB with its Bolt plugin on 127.0.0.1 and wait until Bolt answers."""
    import arcadedb_embedded
    from neo4j import GraphDatabase
    from neo4j.exceptions import Neo4jError, ServiceUnavailable

    home = Path(arcadedb_embedded.__file__).parent
    java = home / "jre" / "bin" / "java"
    password = "eco-" + secrets.token_hex(8)  # ArcadeDB wants 8+ characters
    bolt, http = _free_port(), _free_port()
    root.mkdir(parents=True, exist_ok=True)
    log = root / "arcadedb.log"
    command = [
        str(java), "-Xmx2g", "-cp", str(home / "jars" / "*"),
        f"-Darcadedb.server.rootPath={root}",
        f"-Darcadedb.server.databaseDirectory={root / 'databases'}",
        f"-Darcadedb.server.rootPassword={password}",
        "-Darcadedb.server.plugins=Bolt:com.arcadedb.bolt.BoltProtocolPlugin",
        "-Darcadedb.server.defaultDatabases=" + ";".join(f"{d}[root]" for d in databases),
        "-Darcadedb.bolt.host=127.0.0.1", f"-Darcadedb.bolt.port={bolt}",
        "-Darcadedb.server.httpIncomingHost=127.0.0.1",
        f"-Darcadedb.server.httpIncomingPort={http}",
        "com.arcadedb.server.ArcadeDBServer",
    ]
    with log.open("wb") as out:
        # cwd: ArcadeDB writes its log/ folder into the working directory
        process = subprocess.Popen(command, stdout=out, stderr=subprocess.STDOUT, cwd=root,
                                   env={**os.environ, "JAVA_HOME": str(home / "jre")})
    server = BoltServer(f"bolt://127.0.0.1:{bolt}", "root", password, databases, process, log)
    deadline = time.monotonic() + timeout
    while True:
        if process.poll() is not None:
            raise RuntimeError(f"ArcadeDB exited with {process.returncode}; see {log}")
        try:
            with GraphDatabase.driver(server.uri, auth=(server.user, password)) as driver:
                driver.verify_connectivity()
                for database in databases:
                    with driver.session(database=database) as session:
                        session.run("RETURN 1").consume()
            return server
        except (ServiceUnavailable, Neo4jError, OSError):
            if time.monotonic() > deadline:
                server.stop()
                raise RuntimeError(f"ArcadeDB's Bolt port did not answer in {timeout} s; "
                                   f"see {log}") from None
            time.sleep(0.5)
