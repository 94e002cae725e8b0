"""fanbot: a Discord bot that answers TV fans from a curated, spoiler-aware fact store."""

import os

# The matcher multiplies small matrices (a question against a server's facts) on the event
# loop's thread, where OpenBLAS's worker threads only add contention: one question at 1k facts
# takes 0.08 ms on one thread and 0.9 ms on two busy cores. Set before numpy is first imported;
# a host that sets OPENBLAS_NUM_THREADS keeps its own value.
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
