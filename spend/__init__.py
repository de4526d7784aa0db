"""Spend baselines: payments files in, local / SME / VCSE baselines out."""

import os

# polars' allocator (jemalloc) keeps the memory an import frees for ten seconds by default, and an
# import frees and takes again hundreds of megabytes in that time: told to give it back at once, a
# million-row import peaks about 120 MB lower (bench/README.md). It is read when polars is first
# imported, which is in this package; an operator's own setting wins.
os.environ.setdefault("_RJEM_MALLOC_CONF", "dirty_decay_ms:0,muzzy_decay_ms:0")
