"""routelens: log routing trajectories (and GRPO rollouts) to a routelens server.

Standard library only (Python 3.9+). See clients/python/README.md.

    from routelens import Client

    with Client("http://127.0.0.1:3000", api_key=os.environ.get("ROUTELENS_API_KEY")) as client:
        client.log(trajectory)      # buffered; sent in gzip batches
    # leaving the block sends what is left and raises IngestError if a line was refused
"""

from .client import (
    DEFAULT_BATCH_BYTES,
    DEFAULT_BATCH_SIZE,
    TRACE_FORMAT,
    Client,
    ConnectionFailed,
    IngestError,
    LineError,
    RoutelensError,
    ServerError,
    Summary,
    parse_retry_after,
)

__all__ = [
    "Client",
    "ConnectionFailed",
    "DEFAULT_BATCH_BYTES",
    "DEFAULT_BATCH_SIZE",
    "IngestError",
    "LineError",
    "RoutelensError",
    "ServerError",
    "Summary",
    "TRACE_FORMAT",
    "parse_retry_after",
]

__version__ = "0.1.0"
